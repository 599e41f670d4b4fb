"""What the pages and the JSON of participation, projects, costs, benefits and follow-up show.

Each function loads one page's data in a fixed number of queries, however many projects,
decisions, cases or votes there are, and returns plain objects the templates and the JSON
share. ``public`` means the viewer is not signed in: then only published material is
included (votes and follow-ups of approved minutes, costs of published cases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from boardroom.core.access import EXEMPT_TITLE
from boardroom.costs.tables import CostContext, ShareTable, key_text, load_costs, sharing_text
from boardroom.costs.shares import CostShareError, Key, compute_shares
from boardroom.core.formatting import OSLO, local, nb_sort_key
from boardroom.core.labels import label
from boardroom.meetings.numbering import format_number
from boardroom.models import (
    AgendaItem,
    Benefit,
    BenefitKind,
    Body,
    Case,
    Cost,
    CostKey,
    FollowUp,
    Grant,
    Health,
    Meeting,
    MeetingStatus,
    Membership,
    Municipality,
    ParticipationAnswer,
    PopulationFigure,
    Project,
    ProjectDecision,
    ProjectPhase,
    StatusReport,
    Vote,
    VoteChoice,
    VoteEvent,
)
from boardroom.participation.status import DecisionStatus, all_municipalities, decision_status
from boardroom.projects.projects import (
    AnswerRow,
    BenefitTotals,
    FollowUpRow,
    follow_up_rows,
    latest_decision,
    load_answers,
    participant_ids,
    today,
    totals_by,
)


def published(item: AgendaItem | None) -> bool:
    """A case the public may read about: its minutes are approved and it is not exempt."""
    return item is None or (item.meeting.status == MeetingStatus.approved and not item.case.exempt)


def case_title(item: AgendaItem, public: bool) -> str:
    if item.case.exempt and public:
        return item.case.public_title or EXEMPT_TITLE
    return item.case.title


def item_options():
    return (joinedload(AgendaItem.meeting).joinedload(Meeting.body), joinedload(AgendaItem.case))


def items_by_id(session: Session, ids) -> dict[int, AgendaItem]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {i.id: i for i in session.exec(select(AgendaItem).where(AgendaItem.id.in_(ids)).options(*item_options()))}


# --------------------------------------------------------------------------- the matrix


def remark_lines(status: DecisionStatus) -> list[str]:
    """Per-municipality remarks in alphabetical order: 'Meløy: Avklart på tlf/epost'."""
    remarks = sorted(status.remarks, key=lambda pair: nb_sort_key(pair[0].name))
    # "Bindal samarbeider sørover på eHelse" needs no "Bindal:" in front
    return [a.remark if a.remark.startswith(m.name) else f"{m.name}: {a.remark}" for m, a in remarks]


def matrix_cells(status: DecisionStatus, municipalities) -> list[str | None]:
    """The current answer of each municipality ('joins', 'declines', 'pending'); None for non-members."""
    member_ids = {m.id for m in status.members}
    cells = []
    for municipality in municipalities:
        answer = status.answer_for(municipality)
        if municipality.id not in member_ids:
            cells.append(None)
        else:
            cells.append((answer.answer if answer else ParticipationAnswer.pending).value)
    return cells


@dataclass
class MatrixRow:
    status: DecisionStatus
    remarks: list[str]
    cells: list[str | None]

    @property
    def region_count(self) -> str:
        """'5/6': participants among the shown municipalities that were members."""
        members = [c for c in self.cells if c is not None]
        return f"{sum(c == 'joins' for c in members)}/{len(members)}"


@dataclass
class Matrix:
    municipalities: list[Municipality]  # the columns (all, or one region's)
    rows: list[MatrixRow]
    regions: list[str]
    region: str = ""
    phase: ProjectPhase | None = None
    health: Health | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.region or self.phase or self.health)


def fast_overview(session: Session) -> tuple[list[Municipality], list[DecisionStatus], dict[int, list[AnswerRow]]]:
    """Every project decision with its current participation, as ``participation.overview`` gives
    it, and the answers by decision: three queries, the answers read as plain rows."""
    municipalities = all_municipalities(session)
    decisions = session.exec(
        select(ProjectDecision).join(Project)
        .options(joinedload(ProjectDecision.project).load_only(Project.id, Project.name, Project.phase, Project.health))
        .order_by(ProjectDecision.position, ProjectDecision.decided_on, ProjectDecision.id)
    ).all()
    answers = load_answers(session)
    statuses = [decision_status(d, municipalities, answers.get(d.id, [])) for d in decisions]
    return municipalities, statuses, answers


def matrix(session: Session, region: str = "", phase: ProjectPhase | None = None,
           health: Health | None = None) -> Matrix:
    """Project decisions × municipalities, optionally one region's columns and one phase's or health's rows."""
    municipalities, statuses, _ = fast_overview(session)
    regions = sorted({m.region for m in municipalities if m.region}, key=nb_sort_key)
    columns = [m for m in municipalities if not region or m.region == region]
    rows = [
        MatrixRow(s, remark_lines(s), matrix_cells(s, columns))
        for s in statuses
        if (phase is None or s.decision.project.phase == phase) and (health is None or s.decision.project.health == health)
    ]
    return Matrix(columns, rows, regions, region, phase, health)


def matrix_csv_rows(data: Matrix) -> list[list[str]]:
    """The matrix as rows of text: a header with Norwegian column names, one row per decision."""
    words = {"joins": "Deltar", "declines": "Deltar ikke", "pending": "Avklares", None: "Ikke medlem"}
    header = ["Prosjekt", "Vedtak", "Dato for vedtak", "Fase", "Helse", *[m.name for m in data.municipalities],
              "Deltar", "Kommunestatus", "Avvik / merknader"]
    rows = [header]
    for row in data.rows:
        decision = row.status.decision
        project = decision.project
        rows.append([
            project.name, decision.title, decision.decided_on.strftime("%d.%m.%Y"), label(project.phase),
            label(project.health), *[words[c] for c in row.cells],
            row.region_count if data.region else row.status.count, row.status.summary,
            " | ".join([decision.remark] * bool(decision.remark) + row.remarks),
        ])
    return rows


# --------------------------------------------------------------------------- one decision


@dataclass
class DecisionView:
    decision: ProjectDecision
    status: DecisionStatus
    history: list  # every answer, newest first
    items: dict[int, AgendaItem]  # the cases answers and the decision came from
    others: list[Municipality]  # municipalities that were not members on the decision's date

    def answers_of(self, municipality: Municipality) -> list:
        return [a for a in self.history if a.municipality_id == municipality.id]

    @property
    def members(self) -> list[Municipality]:
        """The members on the decision's date, in Norwegian alphabetical order."""
        return sorted(self.status.members, key=lambda m: nb_sort_key(m.name))

    @property
    def names(self) -> dict[int, str]:
        return {m.id: m.name for m in [*self.status.members, *self.others]}


def decision_view(session: Session, decision: ProjectDecision) -> DecisionView:
    municipalities = list(session.exec(select(Municipality).order_by(Municipality.number)))
    status = decision_status(decision, municipalities)
    history = sorted(decision.answers, key=lambda a: (a.answered_on, a.id), reverse=True)
    items = items_by_id(session, [a.source_item_id for a in history] + [decision.agenda_item_id])
    member_ids = {m.id for m in status.members}
    others = [m for m in municipalities if m.id not in member_ids]
    return DecisionView(decision, status, history, items, others)


# --------------------------------------------------------------------------- projects


@dataclass
class KeyShares:
    """What share (in %) of any cost under a project's key each participant carries."""

    key: CostKey
    rows: list[tuple[Municipality, Decimal]] = field(default_factory=list)
    as_of: date | None = None
    note: str = ""


@dataclass
class ProjectView:
    project: Project
    statuses: list[DecisionStatus]
    participants: list[Municipality]
    grants: list[Grant]
    reports: list[StatusReport]
    items: dict[int, AgendaItem]
    keys: list[KeyShares]
    costs: list[tuple[Cost, ShareTable]]
    benefits: list[Benefit]
    names: dict[int, str]
    totals: BenefitTotals
    totals_by_municipality: dict[int, BenefitTotals]

    @property
    def grant_total(self) -> Decimal:
        return sum((g.amount for g in self.grants), Decimal(0))


def load_project(session: Session, project_id: int) -> Project | None:
    return session.exec(
        select(Project).where(Project.id == project_id)
        .options(selectinload(Project.decisions).selectinload(ProjectDecision.answers))
    ).first()


def key_shares(key: CostKey, participants: list[Municipality], population: dict[int, int], as_of) -> KeyShares:
    result = KeyShares(key, as_of=as_of)
    if key.rate_per_inhabitant is not None:
        result.note = "Satsen per innbygger gir andeler først når beløpet er kjent."
        return result
    if not participants:
        result.note = "Ingen kommuner deltar ennå."
        return result
    missing = [m.name for m in participants if m.id not in population]
    if missing:
        result.note = "Mangler innbyggertall for " + ", ".join(missing) + "."
        return result
    try:
        shares = compute_shares(Decimal(100), Key.of(key), [(m.name, population[m.id]) for m in participants])
    except CostShareError as error:
        result.note = str(error)
        return result
    result.rows = [(m, s.total) for m, s in zip(participants, shares)]
    return result


def project_view(session: Session, project: Project, public: bool) -> ProjectView:
    municipalities = list(session.exec(select(Municipality).order_by(Municipality.number)))
    statuses = [decision_status(d, municipalities) for d in sorted(
        project.decisions, key=lambda d: (d.decided_on, d.position, d.id))]
    current = latest_decision(project.decisions, today())
    ids = participant_ids(current, current.answers, municipalities) if current else set()
    participants = sorted((m for m in municipalities if m.id in ids), key=lambda m: nb_sort_key(m.name))
    grants = list(session.exec(select(Grant).where(Grant.project_id == project.id).order_by(Grant.year, Grant.position, Grant.id)))
    reports = list(session.exec(select(StatusReport).where(StatusReport.project_id == project.id)
                                .order_by(StatusReport.reported_on.desc(), StatusReport.id.desc())))
    costs = [c for c in load_costs(session, Cost.project_id == project.id) if not public or published(c.agenda_item)]
    context = CostContext(session, costs, municipalities)
    keys = list(session.exec(select(CostKey).where(CostKey.project_id == project.id).order_by(CostKey.id)))
    as_of = session.exec(select(PopulationFigure.as_of).order_by(PopulationFigure.as_of.desc()).limit(1)).first()
    population = dict(session.exec(select(PopulationFigure.municipality_id, PopulationFigure.population)
                                   .where(PopulationFigure.as_of == as_of)).all()) if as_of else {}
    items = items_by_id(session, [r.agenda_item_id for r in reports] + [d.agenda_item_id for d in project.decisions])
    benefits = list(session.exec(select(Benefit).where(Benefit.project_id == project.id)))
    names = {m.id: m.name for m in municipalities}
    benefits.sort(key=lambda b: (b.kind != BenefitKind.realised, nb_sort_key(names[b.municipality_id]), b.id))
    return ProjectView(
        project=project, statuses=statuses, participants=participants, grants=grants, reports=reports, items=items,
        keys=[key_shares(k, participants, population, as_of) for k in keys],
        costs=[(c, context.table(c, c.cost_key)) for c in costs], benefits=benefits, names=names,
        totals=totals_by(benefits, lambda b: 0).get(0, BenefitTotals()),
        totals_by_municipality=totals_by(benefits, lambda b: b.municipality_id),
    )


@dataclass
class ProjectRow:
    project: Project
    participants: int
    members: int


def project_rows(session: Session, phase: ProjectPhase | None = None) -> list[ProjectRow]:
    """Every project with its number of participants (from its newest decision)."""
    municipalities = list(session.exec(select(Municipality)))
    query = select(Project).options(selectinload(Project.decisions))
    if phase is not None:
        query = query.where(Project.phase == phase)
    projects = session.exec(query.order_by(Project.position, Project.name, Project.id)).all()
    answers = load_answers(session)
    rows = []
    for project in projects:
        current = latest_decision(project.decisions, today())
        if current is None:
            rows.append(ProjectRow(project, 0, 0))
            continue
        members = sum(m.is_member_on(current.decided_on) for m in municipalities)
        ids = participant_ids(current, answers.get(current.id, []), municipalities)
        rows.append(ProjectRow(project, len(ids), members))
    return rows


# --------------------------------------------------------------------------- costs


def cost_list(session: Session, public: bool) -> tuple[list[tuple[Cost, ShareTable]], list[tuple[CostKey, Project | None]]]:
    """Every cost with its shares today, and every key with the project it belongs to."""
    costs = [c for c in load_costs(session) if not public or published(c.agenda_item)]
    context = CostContext(session, costs)
    keys = session.exec(select(CostKey, Project).outerjoin(Project, CostKey.project_id == Project.id)
                        .order_by(CostKey.name, CostKey.id)).all()
    return [(c, context.table(c, c.cost_key)) for c in costs], list(keys)


def cost_versions(session: Session, cost: Cost) -> list[ShareTable]:
    """The cost's shares now and before each change of its participants (newest first)."""
    context = CostContext(session, [cost])
    since = local(cost.agenda_item.meeting.starts_at).date() if cost.agenda_item else cost.created_at.date()
    return context.versions(cost, cost.cost_key, since)


def load_cost(session: Session, cost_id: int) -> Cost | None:
    return next(iter(load_costs(session, Cost.id == cost_id)), None)


# --------------------------------------------------------------------------- benefits


@dataclass
class BenefitOverview:
    projects: list[tuple[Project, BenefitTotals]]
    municipalities: list[tuple[Municipality, BenefitTotals]]
    total: BenefitTotals


def benefit_overview(session: Session) -> BenefitOverview:
    benefits = list(session.exec(select(Benefit)))
    projects = {p.id: p for p in session.exec(select(Project).order_by(Project.position, Project.name))}
    towns = list(session.exec(select(Municipality)))
    by_project = totals_by(benefits, lambda b: b.project_id)
    by_town = totals_by(benefits, lambda b: b.municipality_id)
    return BenefitOverview(
        projects=[(p, by_project[p.id]) for p in projects.values() if p.id in by_project],
        municipalities=[(m, by_town[m.id]) for m in sorted(towns, key=lambda m: nb_sort_key(m.name)) if m.id in by_town],
        total=totals_by(benefits, lambda b: 0).get(0, BenefitTotals()),
    )


# --------------------------------------------------------------------------- follow-up


def visible_follow_ups(rows: list[FollowUpRow], public: bool) -> list[FollowUpRow]:
    return [r for r in rows if not public or published(r.item)]


# --------------------------------------------------------------------------- one municipality


@dataclass
class VoteRow:
    """One vote of the municipality, with just what the page shows (800 of them load fast)."""

    item_id: int
    meeting_id: int
    number: str
    title: str
    starts_at: datetime
    approved: bool
    subject: str
    choice: VoteChoice

    @property
    def year(self) -> int:
        return local(self.starts_at).year


@dataclass
class CostShareRow:
    cost: Cost
    key: str
    sharing: str
    share: object  # boardroom.costs.Share
    participants: int


@dataclass
class MunicipalityView:
    municipality: Municipality
    groups: dict[str, list]
    history: dict[int, list]  # decision id → this municipality's answers, oldest first, when it changed
    cost_years: list[tuple[int, list[CostShareRow], Decimal]]
    votes: list[VoteRow]  # the chosen year's
    all_votes: list[VoteRow]
    vote_years: list[int]
    year: int | None
    follow_ups: list[FollowUpRow]
    benefits: list[tuple[Project, BenefitTotals]]
    benefit_total: BenefitTotals


def municipality_view(session: Session, municipality: Municipality, public: bool, year: int | None = None,
                      person_ids: set[int] | None = None, every_year: bool = False) -> MunicipalityView:
    """Everything the municipality's page shows; ``person_ids`` are its representatives. Votes are
    the chosen year's (the newest by default), or all of them with ``every_year``."""
    municipalities, statuses, answers = fast_overview(session)
    groups: dict[str, list] = {"joined": [], "declined": [], "pending": []}
    history: dict[int, list] = {}
    for status in statuses:
        if not municipality.is_member_on(status.decision.decided_on):
            continue
        given = status.answer_for(municipality)
        answer = given.answer if given else ParticipationAnswer.pending
        key = {ParticipationAnswer.joins: "joined", ParticipationAnswer.declines: "declined"}.get(answer, "pending")
        groups[key].append((status, given))
        own = sorted((a for a in answers.get(status.decision.id, []) if a.municipality_id == municipality.id),
                     key=lambda a: (a.answered_on, a.id))
        if len(own) > 1:
            history[status.decision.id] = own

    costs = [c for c in load_costs(session) if not public or published(c.agenda_item)]
    context = CostContext(session, costs, municipalities, [s.decision for s in statuses], answers)
    by_year: dict[int, list[CostShareRow]] = {}
    key_texts: dict[int, str] = {}
    for cost in costs:
        table = context.table(cost, cost.cost_key)
        share = table.share_of(municipality.id)
        if share is not None:
            if cost.cost_key_id not in key_texts:
                key_texts[cost.cost_key_id] = key_text(cost.cost_key)
            by_year.setdefault(cost.year, []).append(CostShareRow(
                cost, key_texts[cost.cost_key_id], sharing_text(cost, cost.project), share, len(table.rows)))
    cost_years = [(y, rows, sum((r.share.total for r in rows), Decimal(0)))
                  for y, rows in sorted(by_year.items(), reverse=True)]

    all_votes, vote_years, chosen = municipality_votes(session, municipality, public, year, every_year)

    people = person_ids or set()
    owned = FollowUp.responsible_municipality_id == municipality.id
    if people:
        owned = owned | FollowUp.responsible_person_id.in_(people)
    follow_ups = visible_follow_ups(follow_up_rows(session, owned), public)

    benefits = list(session.exec(select(Benefit).where(Benefit.municipality_id == municipality.id)))
    by_project = totals_by(benefits, lambda b: b.project_id)
    projects = {p.id: p for p in session.exec(select(Project).where(Project.id.in_(by_project)))} if by_project else {}
    return MunicipalityView(
        municipality=municipality, groups=groups, history=history, cost_years=cost_years,
        votes=[v for v in all_votes if v.year == chosen], all_votes=all_votes if every_year else [],
        vote_years=vote_years, year=chosen,
        follow_ups=follow_ups,
        benefits=sorted(((projects[pid], t) for pid, t in by_project.items()), key=lambda pt: nb_sort_key(pt[0].name)),
        benefit_total=totals_by(benefits, lambda b: 0).get(0, BenefitTotals()),
    )


def municipality_votes(session: Session, municipality: Municipality, public: bool, year: int | None,
                       every_year: bool) -> tuple[list[VoteRow], list[int], int | None]:
    """The municipality's votes (visitors: of approved minutes only), the years it voted in, and
    the year shown; one query for the years and one for the votes, however many there are."""
    query = (
        select(Vote.choice, VoteEvent.subject, AgendaItem.id, AgendaItem.number_year, AgendaItem.number_seq,
               Meeting.id, Meeting.starts_at, Meeting.status, Body.case_number_format,
               Case.title, Case.exempt, Case.public_title)
        .join(VoteEvent, Vote.vote_event_id == VoteEvent.id)
        .join(AgendaItem, VoteEvent.agenda_item_id == AgendaItem.id)
        .join(Case, AgendaItem.case_id == Case.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .join(Body, Meeting.body_id == Body.id)
        .where(Vote.municipality_id == municipality.id)
        .order_by(Meeting.starts_at.desc(), AgendaItem.position, VoteEvent.id)
    )
    if public:
        query = query.where(Meeting.status == MeetingStatus.approved)
    starts = session.exec(query.with_only_columns(Meeting.starts_at).order_by(None).distinct())
    years = sorted({local(start).year for (start,) in starts}, reverse=True)
    chosen = year if year in years else (years[0] if years else None)
    if not every_year and chosen is not None:
        query = query.where(Meeting.starts_at >= datetime(chosen, 1, 1, tzinfo=OSLO),
                            Meeting.starts_at < datetime(chosen + 1, 1, 1, tzinfo=OSLO))
    rows = [
        VoteRow(item_id, meeting_id, format_number(fmt, number_year, seq),
                (public_title or EXEMPT_TITLE) if exempt and public else title,
                starts_at, status == MeetingStatus.approved, subject, choice)
        for (choice, subject, item_id, number_year, seq, meeting_id, starts_at, status, fmt, title, exempt, public_title)
        in session.exec(query)
    ]
    return rows, years, chosen


def representatives(session: Session, municipality_id: int) -> set[int]:
    """Ids of the people who hold or have held a seat for the municipality."""
    return set(session.exec(select(Membership.person_id).where(Membership.municipality_id == municipality_id)).all())
