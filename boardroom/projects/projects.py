"""Projects and what hangs on them: participation answers, decisions, status reports,
grants, benefits (gevinster) and follow-up actions (oppfølgingspunkter).

Plain functions that views, the command line and tests call. They validate, change the
models and flush; the request commits. Bad input raises ``InputError`` with a Norwegian
message and, where it belongs to one form field, that field's name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from boardroom.core.formatting import OSLO, nb_date, nb_number
from boardroom.core.labels import label
from boardroom.meetings.minutes import item_number
from boardroom.models import (
    AgendaItem,
    Benefit,
    BenefitKind,
    FollowUp,
    FollowUpStatus,
    Grant,
    Health,
    Meeting,
    Municipality,
    Participation,
    Person,
    ParticipationAnswer,
    Project,
    ProjectDecision,
    ProjectPhase,
    StatusReport,
)
from boardroom.participation.status import join_names


class InputError(ValueError):
    """Bad input; the message is Norwegian and names the problem. ``field`` is the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def today() -> date:
    return datetime.now(OSLO).date()


# --------------------------------------------------------------------------- cases by number


def find_item(session: Session, number: str, body_id: int | None = None) -> AgendaItem:
    """The agenda item printed as ``number`` ("43-25"), in one query; InputError when there is none."""
    number = (number or "").strip()
    if number.lower().startswith("sak "):
        number = number[4:].strip()
    digits = {int(d) for d in re.findall(r"\d+", number)}
    candidates = []
    if digits:
        query = (
            select(AgendaItem)
            .where(AgendaItem.number_seq.in_(digits))
            .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body), joinedload(AgendaItem.case))
        )
        if body_id is not None:
            query = query.where(AgendaItem.body_id == body_id)
        candidates = [i for i in session.exec(query) if item_number(i) == number]
    if not candidates:
        raise InputError(f"Fant ingen sak med nummer «{number}». Skriv saksnummeret slik det står i sakslisten, "
                         "for eksempel 43-25.")
    return candidates[0]


# --------------------------------------------------------------------------- participation


class AnswerRow(NamedTuple):
    """A participation answer read without the ORM (pages with thousands of answers stay fast)."""

    id: int
    decision_id: int
    municipality_id: int
    answer: ParticipationAnswer
    answered_on: date
    source: str
    source_item_id: int | None
    remark: str


def load_answers(session: Session, decision_ids=None) -> dict[int, list[AnswerRow]]:
    """Every answer (or the answers to these decisions), by decision id, in one query."""
    query = select(*(getattr(Participation, name) for name in AnswerRow._fields))
    if decision_ids is not None:
        query = query.where(Participation.decision_id.in_(decision_ids))
    result: dict[int, list[AnswerRow]] = {}
    for row in session.exec(query):
        result.setdefault(row[1], []).append(AnswerRow(*row))
    return result


def answers_on(answers, day: date | None = None) -> dict[int, AnswerRow | Participation]:
    """Each municipality's latest answer given on or before ``day`` (all of them when None)."""
    latest = {}
    for answer in sorted(answers, key=lambda a: (a.answered_on, a.id or 0)):
        if day is None or answer.answered_on <= day:
            latest[answer.municipality_id] = answer
    return latest


def participant_ids(decision: ProjectDecision, answers, municipalities: list[Municipality],
                    day: date | None = None) -> set[int]:
    """Ids of the municipalities that take part on ``day``: members on the decision's date whose
    latest answer (of ``answers``, the decision's) by then is "deltar"."""
    joined = {mid for mid, a in answers_on(answers, day).items() if a.answer == ParticipationAnswer.joins}
    return {m.id for m in municipalities if m.id in joined and m.is_member_on(decision.decided_on)}


def latest_decision(decisions: list[ProjectDecision], day: date | None = None) -> ProjectDecision | None:
    """The project's newest decision made on or before ``day``: it says who takes part."""
    made = [d for d in decisions if day is None or d.decided_on <= day]
    return max(made, key=lambda d: (d.decided_on, d.position, d.id or 0), default=None)


def record_answer(
    session: Session, decision: ProjectDecision, municipality: Municipality, answer: ParticipationAnswer,
    answered_on: date, source: str = "", source_item: AgendaItem | None = None, remark: str = "",
) -> Participation:
    """Add one answer to the history; refused for a municipality that was not a member on the decision's date."""
    if not municipality.is_member_on(decision.decided_on):
        raise InputError(
            f"{municipality.name} var ikke medlem da vedtaket ble gjort ({nb_date(decision.decided_on)}), "
            "og kan ikke svare på det.", "municipality",
        )
    row = Participation(
        decision_id=decision.id, municipality_id=municipality.id, answer=answer, answered_on=answered_on,
        source=(source or "").strip(), source_item_id=source_item.id if source_item else None,
        remark=(remark or "").strip(),
    )
    session.add(row)
    session.flush()
    return row


def create_decision(
    session: Session, project: Project, title: str, decided_on: date, decided_text: str = "",
    agenda_item: AgendaItem | None = None, remark: str = "",
) -> ProjectDecision:
    position = len(project.decisions)
    decision = ProjectDecision(
        project_id=project.id, title=title.strip(), decided_on=decided_on, decided_text=(decided_text or "").strip(),
        agenda_item_id=agenda_item.id if agenda_item else None, remark=(remark or "").strip(), position=position,
    )
    session.add(decision)
    session.flush()
    return decision


def load_decision(session: Session, decision_id: int) -> ProjectDecision | None:
    """A decision with its project, answers (and their source cases) loaded."""
    return session.exec(
        select(ProjectDecision)
        .where(ProjectDecision.id == decision_id)
        .options(
            joinedload(ProjectDecision.project),
            selectinload(ProjectDecision.answers),
        )
    ).first()


# --------------------------------------------------------------------------- projects


PROJECT_FIELDS = ("name", "short_name", "description", "phase", "health", "health_reason", "owner", "lead",
                  "start", "planned_end")


def check_project(values: dict) -> None:
    if not (values.get("name") or "").strip():
        raise InputError("Prosjektet må ha et navn.", "name")
    start, end = values.get("start"), values.get("planned_end")
    if start and end and end < start:
        raise InputError(f"Planlagt slutt ({nb_date(end)}) kan ikke være før start ({nb_date(start)}).", "planned_end")
    if values.get("health") in (Health.yellow, Health.red) and not (values.get("health_reason") or "").strip():
        raise InputError("Skriv hvorfor prosjektet er gult eller rødt.", "health_reason")


def save_project(session: Session, project: Project | None, body_id: int, **values) -> Project:
    """Create a project (``project`` None) or change one; fields as in PROJECT_FIELDS."""
    check_project(values)
    if project is None:
        project = Project(body_id=body_id, name=values["name"])
        session.add(project)
    for name in PROJECT_FIELDS:
        if name in values:
            value = values[name]
            setattr(project, name, value.strip() if isinstance(value, str) else value)
    session.flush()
    return project


def add_grant(session: Session, project: Project, purpose: str, funder: str, amount: Decimal, year: int) -> Grant:
    if amount is None or amount < 0:
        raise InputError("Beløpet kan ikke være negativt.", "amount")
    grant = Grant(body_id=project.body_id, project_id=project.id, purpose=purpose.strip(), funder=funder.strip(),
                  amount=amount, year=year, position=1000)
    session.add(grant)
    session.flush()
    return grant


def add_status_report(
    session: Session, project: Project, reported_on: date, title: str, text: str,
    phase: ProjectPhase | None = None, health: Health | None = None, agenda_item: AgendaItem | None = None,
) -> StatusReport:
    """A dated status; when it is the newest, its phase and health become the project's."""
    report = StatusReport(
        project_id=project.id, reported_on=reported_on, title=title.strip(), text=text or "",
        phase=phase, health=health, agenda_item_id=agenda_item.id if agenda_item else None,
    )
    session.add(report)
    newest = session.exec(
        select(StatusReport.reported_on).where(StatusReport.project_id == project.id)
        .order_by(StatusReport.reported_on.desc()).limit(1)
    ).first()
    if newest is None or reported_on >= newest:
        if phase is not None:
            project.phase = phase
        if health is not None:
            project.health = health
    session.flush()
    return report


# --------------------------------------------------------------------------- benefits


PERIODS = {"month": "måned", "year": "år"}
KIND_WORDS = {BenefitKind.planned: "planlagt", BenefitKind.realised: "realisert"}


def per_year(value: Decimal | None, period: str) -> Decimal:
    """A monthly or yearly figure as a yearly one."""
    if value is None:
        return Decimal(0)
    return value * 12 if period == "month" else value


def net(benefit: Benefit) -> Decimal | None:
    """Benefit minus the cost side, per the benefit's period."""
    if benefit.amount is None and benefit.cost is None:
        return None
    return (benefit.amount or Decimal(0)) - (benefit.cost or Decimal(0))


@dataclass
class BenefitTotals:
    """Yearly sums: benefit, cost, net and hours, planned and realised."""

    amount: dict[BenefitKind, Decimal] = field(default_factory=lambda: {k: Decimal(0) for k in BenefitKind})
    cost: dict[BenefitKind, Decimal] = field(default_factory=lambda: {k: Decimal(0) for k in BenefitKind})
    hours: dict[BenefitKind, Decimal] = field(default_factory=lambda: {k: Decimal(0) for k in BenefitKind})
    rows: dict[BenefitKind, int] = field(default_factory=lambda: {k: 0 for k in BenefitKind})

    def add(self, b: Benefit) -> None:
        self.amount[b.kind] += per_year(b.amount, b.period)
        self.cost[b.kind] += per_year(b.cost, b.period)
        self.hours[b.kind] += per_year(b.hours, b.period)
        self.rows[b.kind] += 1

    def has(self, kind) -> bool:
        return self.rows[BenefitKind(kind)] > 0

    @property
    def kinds(self) -> list[str]:
        """'planned', 'realised': the kinds with rows."""
        return [k.value for k in BenefitKind if self.rows[k]]

    def net(self, kind: BenefitKind) -> Decimal:
        return self.amount[kind] - self.cost[kind]

    def of(self, kind) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(benefit, cost, net, hours) per year for 'planned' or 'realised'."""
        kind = BenefitKind(kind)
        return self.amount[kind], self.cost[kind], self.net(kind), self.hours[kind]


def totals_by(benefits: list[Benefit], key) -> dict:
    """Yearly totals grouped by ``key(benefit)`` (a project id, a municipality id)."""
    result: dict = {}
    for b in benefits:
        result.setdefault(key(b), BenefitTotals()).add(b)
    return result


def check_benefit(kind, amount, hours, cost, period) -> None:
    if kind not in (BenefitKind.planned, BenefitKind.realised):
        raise InputError("Velg planlagt eller realisert gevinst.", "kind")
    for name, value, word in (("amount", amount, "Gevinsten"), ("hours", hours, "Timene"), ("cost", cost, "Kostnaden")):
        if value is not None and value < 0:
            raise InputError(f"{word} kan ikke være negativ; skriv tallet uten minus.", name)
    if amount is None and hours is None and cost is None:
        raise InputError("Fyll inn gevinst i kroner, timer eller kostnad.", "amount")
    if period not in PERIODS:
        raise InputError("Velg måned eller år som periode.", "period")


def add_benefit(
    session: Session, project: Project, municipality: Municipality, kind: BenefitKind, *, amount=None, hours=None,
    cost=None, period: str = "year", description: str = "", as_of: date | None = None,
) -> Benefit:
    check_benefit(kind, amount, hours, cost, period)
    row = Benefit(project_id=project.id, municipality_id=municipality.id, kind=kind, amount=amount, hours=hours,
                  cost=cost, period=period, description=(description or "").strip(), as_of=as_of)
    session.add(row)
    session.flush()
    return row


BENEFIT_COLUMNS = ("Kommune", "Type", "Beskrivelse", "Gevinst (kr)", "Timer", "Kostnad (kr)", "Periode", "Dato")


def parse_amount(text: str) -> Decimal | None:
    """'12 500,00kr', 'kr 4 956 481,97', '685', '-' (none) → Decimal; ValueError when not a number."""
    cleaned = (text or "").replace("kr", "").replace("\u00a0", "").replace(" ", "").strip()
    if cleaned in ("", "-"):
        return None
    if cleaned.endswith("-"):  # Excel's "54 972,92-kr"
        cleaned = "-" + cleaned[:-1]
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_day(text: str) -> date | None:
    """'2025-10-16' or '16.10.2025' → date; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def format_amount(value: Decimal | None, decimals: int = 2) -> str:
    return "" if value is None else nb_number(value, decimals).replace("\u00a0", " ")


def benefits_csv(benefits: list[Benefit], names: dict[int, str]) -> str:
    """The benefits as CSV (semicolon, Norwegian numbers), as the import reads them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(BENEFIT_COLUMNS)
    for b in benefits:
        writer.writerow([
            names[b.municipality_id], KIND_WORDS[b.kind], b.description, format_amount(b.amount),
            format_amount(b.hours, 1), format_amount(b.cost), PERIODS.get(b.period, b.period),
            b.as_of.strftime("%d.%m.%Y") if b.as_of else "",
        ])
    return out.getvalue()


class CsvImportError(InputError):
    """A CSV file with bad rows: every row's problem, in Norwegian."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors), "file")
        self.errors = errors


def import_benefits(
    session: Session, project: Project, text: str, municipalities: list[Municipality], replace: bool = False,
) -> list[Benefit]:
    """Read benefit rows from CSV text (the export's columns); all rows or none.

    Raises CsvImportError with one Norwegian message per bad row ("Rad 3: ukjent kommune «Bindall».").
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise CsvImportError(["Filen er tom."])
    dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=dialect)
    header = [h.strip().lower() for h in next(reader)]
    wanted = [c.lower() for c in BENEFIT_COLUMNS]
    missing = [c for c, w in zip(BENEFIT_COLUMNS, wanted) if w not in header and c not in ("Beskrivelse", "Dato", "Timer")]
    if missing:
        raise CsvImportError([f"Filen mangler kolonnen {join_names([f'«{c}»' for c in missing])}. "
                            f"Første linje skal være: {';'.join(BENEFIT_COLUMNS)}"])
    index = {w: header.index(w) for w in wanted if w in header}
    by_name = {m.name.casefold(): m for m in municipalities}
    by_number = {m.number: m for m in municipalities}
    kinds = {"planlagt": BenefitKind.planned, "realisert": BenefitKind.realised}
    periods = {"måned": "month", "mnd": "month", "år": "year"}
    rows, errors = [], []
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue

        def cell(column: str) -> str:
            i = index.get(column.lower())
            return record[i].strip() if i is not None and i < len(record) else ""

        problems = []
        name = cell("Kommune")
        municipality = by_name.get(name.casefold()) or by_number.get(name)
        if municipality is None:
            problems.append(f"ukjent kommune «{name}»" if name else "kommunen mangler")
        kind = kinds.get(cell("Type").lower())
        if kind is None:
            problems.append(f"type må være «planlagt» eller «realisert», ikke «{cell('Type')}»")
        period = periods.get(cell("Periode").lower())
        if period is None:
            problems.append(f"periode må være «måned» eller «år», ikke «{cell('Periode')}»")
        values = {}
        for column, key in (("Gevinst (kr)", "amount"), ("Timer", "hours"), ("Kostnad (kr)", "cost")):
            try:
                values[key] = parse_amount(cell(column))
            except ValueError:
                problems.append(f"«{cell(column)}» i kolonnen {column} er ikke et tall")
                continue
            if values[key] is not None and values[key] < 0:
                problems.append(f"{column} kan ikke være negativ ({cell(column)})")
        try:
            as_of = parse_day(cell("Dato"))
        except ValueError:
            problems.append(f"datoen «{cell('Dato')}» må skrives som 16.10.2025")
            as_of = None
        if not problems and all(v is None for v in values.values()):
            problems.append("fyll inn gevinst, timer eller kostnad")
        if problems:
            errors.append(f"Rad {line}: " + "; ".join(problems) + ".")
            continue
        rows.append(Benefit(project_id=project.id, municipality_id=municipality.id, kind=kind, period=period,
                            description=cell("Beskrivelse"), as_of=as_of, **values))
    if errors:
        raise CsvImportError(errors)
    if not rows:
        raise CsvImportError(["Filen har ingen rader med gevinster."])
    if replace:
        for old in session.exec(select(Benefit).where(Benefit.project_id == project.id)):
            session.delete(old)
    session.add_all(rows)
    session.flush()
    return rows


# --------------------------------------------------------------------------- follow-up actions


def is_overdue(follow_up: FollowUp, day: date | None = None) -> bool:
    return (follow_up.status != FollowUpStatus.done and follow_up.due_date is not None
            and follow_up.due_date < (day or today()))


def _check_follow_up(text, person_id, municipality_id) -> None:
    if not (text or "").strip():
        raise InputError("Skriv hva som skal følges opp.", "text")
    if person_id is None and municipality_id is None:
        raise InputError("Velg en ansvarlig person eller kommune.", "responsible_person")


def create_follow_up(
    session: Session, item: AgendaItem, text: str, *, person_id: int | None = None,
    municipality_id: int | None = None, due_date: date | None = None,
    status: FollowUpStatus = FollowUpStatus.open,
) -> FollowUp:
    _check_follow_up(text, person_id, municipality_id)
    row = FollowUp(agenda_item_id=item.id, text=text.strip(), responsible_person_id=person_id,
                   responsible_municipality_id=municipality_id, due_date=due_date, status=status)
    session.add(row)
    session.flush()
    return row


def update_follow_up(
    session: Session, follow_up: FollowUp, *, text: str, person_id: int | None, municipality_id: int | None,
    due_date: date | None, status: FollowUpStatus, closed_by: AgendaItem | None,
) -> FollowUp:
    """Change an action; a closing case must be treated in a later meeting, and closes it."""
    _check_follow_up(text, person_id, municipality_id)
    origin = session.exec(
        select(AgendaItem).where(AgendaItem.id == follow_up.agenda_item_id)
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body))
    ).one()
    if closed_by is not None:
        if closed_by.id == origin.id or closed_by.meeting.starts_at <= origin.meeting.starts_at:
            raise InputError(
                f"Saken som lukker punktet, må være behandlet i et senere møte enn sak {item_number(origin)} "
                f"({nb_date(origin.meeting.starts_at)}).", "closed_by",
            )
        status = FollowUpStatus.done
    follow_up.text, follow_up.due_date, follow_up.status = text.strip(), due_date, status
    follow_up.responsible_person_id, follow_up.responsible_municipality_id = person_id, municipality_id
    follow_up.closed_by_item_id = closed_by.id if closed_by else None
    session.flush()
    return follow_up


def _item_options():
    return (joinedload(AgendaItem.meeting).joinedload(Meeting.body), joinedload(AgendaItem.case))


@dataclass
class FollowUpRow:
    """A follow-up action with the case it came from and the case that closed it."""

    follow_up: FollowUp
    item: AgendaItem
    closed_by: AgendaItem | None
    person: str
    municipality: str
    overdue: bool

    @property
    def responsible(self) -> str:
        return ", ".join(x for x in (self.person, self.municipality) if x)


def follow_up_rows(session: Session, where=None, day: date | None = None) -> list[FollowUpRow]:
    """Follow-ups (optionally filtered by a SQL condition) with their cases and the names of the
    responsible, in two queries however many there are."""
    query = (
        select(FollowUp, AgendaItem, Person.name, Municipality.name)
        .join(AgendaItem, FollowUp.agenda_item_id == AgendaItem.id)
        .outerjoin(Person, FollowUp.responsible_person_id == Person.id)
        .outerjoin(Municipality, FollowUp.responsible_municipality_id == Municipality.id)
        .options(*_item_options())
    )
    if where is not None:
        query = query.where(where)
    found = session.exec(query).all()
    closing_ids = {f.closed_by_item_id for f, *_ in found if f.closed_by_item_id}
    closing = {i.id: i for i in session.exec(
        select(AgendaItem).where(AgendaItem.id.in_(closing_ids)).options(*_item_options())
    )}
    day = day or today()
    rows = [
        FollowUpRow(f, item, closing.get(f.closed_by_item_id), person or "", town or "", is_overdue(f, day))
        for f, item, person, town in found
    ]
    far = date.max
    rows.sort(key=lambda r: (r.follow_up.status == FollowUpStatus.done, r.follow_up.due_date or far,
                             r.item.meeting.starts_at, r.follow_up.id))
    return rows


def open_follow_ups_for(session: Session, meeting: Meeting) -> list[FollowUpRow]:
    """The actions the next meeting follows up ("Oppfølging av tidligere vedtak"): those from
    earlier meetings of the body that are still open, and those closed by a case of this meeting
    or a later one."""
    earlier = (AgendaItem.body_id == meeting.body_id) & AgendaItem.meeting_id.in_(
        select(Meeting.id).where(Meeting.body_id == meeting.body_id, Meeting.starts_at < meeting.starts_at)
    )
    rows = follow_up_rows(session, earlier)
    return [
        r for r in rows
        if (r.follow_up.status != FollowUpStatus.done and r.closed_by is None)
        or (r.closed_by is not None and r.closed_by.meeting.starts_at >= meeting.starts_at)
    ]


FOLLOW_UP_CASE_TITLE = "Oppfølging av tidligere vedtak"


def add_follow_up_case(session: Session, meeting: Meeting) -> AgendaItem:
    """Put the open actions on the meeting's agenda as the information case "Oppfølging av
    tidligere vedtak", with a table of them as its background; refused when there are none
    or the case is there already."""
    from boardroom.meetings.agenda import add_case
    from boardroom.models import CaseKind

    if any(item.case.title == FOLLOW_UP_CASE_TITLE for item in meeting.items):
        raise InputError(f"Saken «{FOLLOW_UP_CASE_TITLE}» står allerede på sakslisten.")
    rows = open_follow_ups_for(session, meeting)
    if not rows:
        raise InputError("Det er ingen åpne oppfølgingspunkter fra tidligere møter.")
    return add_case(session, meeting, title=FOLLOW_UP_CASE_TITLE, kind=CaseKind.information,
                    background=follow_up_table_markdown(rows),
                    proposal="Styret tar orienteringen om oppfølgingen til etterretning.")


def follow_up_table_markdown(rows: list[FollowUpRow]) -> str:
    """The open actions as a Markdown table, for the information case on the next meeting's agenda."""
    lines = ["| Sak | Oppfølgingspunkt | Ansvarlig | Frist | Status |", "|---|---|---|---|---|"]
    for r in rows:
        due = nb_date(r.follow_up.due_date) if r.follow_up.due_date else ""
        text = r.follow_up.text.replace("|", "/").replace("\n", " ")
        lines.append(f"| {item_number(r.item)} | {text} | {r.responsible} | {due} | {label(r.follow_up.status)} |")
    return "\n".join(lines)
