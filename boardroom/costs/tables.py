"""Cost shares of real costs: who shares, with which population, as of which day.

A cost is shared among all members, or among the participants of its project (the answers
to the project's decision, as they stood on a day). The population is the figure dated
exactly on the cost's population date. ``boardroom.costs.compute_shares`` does the
arithmetic. Earlier versions are derived from the participation history, never stored:
each time a participant joins or leaves, a new version starts and the old one stays visible.

``CostContext`` loads everything a page needs in a fixed number of queries, however many
costs, decisions and municipalities there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from boardroom.core.formatting import by_name, local, nb_date, nb_number, nb_sort_key, nok
from boardroom.core.inputs import InputError, today
from boardroom.core.labels import only_municipalities
from boardroom.costs.shares import CostShareError, Key, Share, check_ownership_shares, compute_shares
from boardroom.models import (
    AgendaItem,
    Body,
    Cost,
    CostKey,
    CostSharing,
    Meeting,
    Municipality,
    PopulationFigure,
    Project,
    ProjectDecision,
)
from boardroom.participation.answers import latest_decision, load_answers, participant_ids
from boardroom.participation.status import join_names


def percent(value: Decimal) -> str:
    """40 → '40', 12.5 → '12,5'"""
    value = Decimal(value)
    if value == value.to_integral():
        return str(int(value)) if abs(value) < 1000 else nb_number(value)  # no digit grouping below 1000
    return nb_number(value, 2).rstrip("0")


def key_text(key: CostKey) -> str:
    """'23 kr per innbygger, resten flatt', '40 % flatt, 60 % etter innbyggertall', '100 % flatt',
    '20 % flatt, 30 % etter innbyggertall, 50 % etter eierandel', '100 % etter eierandel'"""
    if key.rate_per_inhabitant is not None:
        return f"{percent(key.rate_per_inhabitant)} kr per innbygger, resten flatt"
    ownership = getattr(key, "ownership_percent", None) or Decimal(0)
    parts = [(key.flat_percent, "flatt"), (key.per_inhabitant_percent, "etter innbyggertall"),
             (ownership, "etter eierandel")]
    parts = [(p, words) for p, words in parts if p]
    if not parts:
        return "100 % flatt"
    return ", ".join(f"{percent(p)} % {words}" for p, words in parts)


def sharing_text(cost: Cost, project: Project | None, municipal: bool = True) -> str:
    """'mellom alle medlemskommunene'; 'mellom alle medlemmene' when not every member is a municipality."""
    who = "kommunene" if municipal else "medlemmene"
    if cost.sharing == CostSharing.participants:
        return f"mellom de deltakende {who} i {project.name}" if project else f"mellom de deltakende {who}"
    return "mellom alle medlemskommunene" if municipal else "mellom alle medlemmene"


@dataclass
class ShareTable:
    """The shares of one cost as they stand (or stood) from ``valid_from`` to ``valid_to``."""

    cost: Cost
    rows: list[tuple[Municipality, Share]]  # approved rows name their municipality by a Row
    valid_from: date | None = None
    valid_to: date | None = None  # the last day this version held; None while it holds
    error: str = ""  # why the shares cannot be computed (e.g. a missing population figure)
    # approved rows (boardroom.costs.approved) are printed as approved; key_rows is what the key gives
    key_rows: list[tuple[Municipality, Share]] | None = None
    approved: bool = False

    @property
    def key_table(self) -> ShareTable | None:
        """The key's own shares beside approved rows, exact to the øre."""
        return ShareTable(self.cost, self.key_rows) if self.key_rows is not None else None

    @property
    def population(self) -> int:
        return sum(s.population for _, s in self.rows)

    @property
    def per_inhabitant(self) -> Decimal:
        return sum((s.per_inhabitant for _, s in self.rows), Decimal(0))

    @property
    def ownership(self) -> Decimal:
        """The part shared by ownership share (eierandel), in all."""
        return sum((s.ownership for _, s in self.rows), Decimal(0))

    @property
    def by_ownership(self) -> bool:
        """Whether the table has a column for the part by ownership share."""
        return Key.of(self.cost.cost_key).by_ownership if self.cost.cost_key is not None else False

    @property
    def by_population(self) -> bool:
        """Whether the table has a column for the part by population (every key but a pure ownership one)."""
        key = self.cost.cost_key
        return key is None or key.rate_per_inhabitant is not None or bool(key.per_inhabitant_percent) \
            or not Key.of(key).by_ownership

    @property
    def total(self) -> Decimal:
        return sum((s.total for _, s in self.rows), Decimal(0))

    @property
    def printed_total(self) -> Decimal:
        """The Sum row: as the approved minutes state it, where they state one, else the rows' sum."""
        stated = getattr(self.cost, "approved_sum", None)
        return Decimal(stated) if self.approved and stated is not None else self.total

    @property
    def all_municipalities(self) -> bool:
        """Whether every row is a municipality's (the table then says "Kommune", else "Medlem")."""
        return only_municipalities(m for m, _ in (self.key_rows or self.rows))  # approved rows carry no kind

    @property
    def columns(self) -> tuple[str, ...]:
        """The printed header: the reference's four columns, a column for the part by ownership
        share when the key has one, and no population columns for a key by ownership share alone."""
        who = "kommune" if self.all_municipalities else "medlem"
        return ((who.capitalize(),)
                + (("Antall innbyggere", "Fordelt etter innbyggertall") if self.by_population else ())
                + (("Fordelt etter eierandel",) if self.by_ownership else ())
                + (f"Totalt pr {who}",))

    def lines(self) -> list[tuple[str, ...]]:
        """The printed rows under ``columns``, the Sum row last."""
        def line(name, population, per_inhabitant, ownership, total):
            return ((name,) + ((nb_number(population), nok(per_inhabitant)) if self.by_population else ())
                    + ((nok(ownership),) if self.by_ownership else ()) + (nok(total),))
        return [line(m.name, s.population, s.per_inhabitant, s.ownership, s.total) for m, s in self.rows] + [
            line("Sum", self.population, self.per_inhabitant, self.ownership, self.printed_total)]

    def share_of(self, municipality_id: int) -> Share | None:
        return next((s for m, s in self.rows if m.id == municipality_id), None)

    @property
    def names(self) -> list[str]:
        return [m.name for m, _ in self.rows]


class CostContext:
    """Municipalities, population figures, decisions and answers for a set of costs (a few queries).

    A page that has loaded the decisions and answers already passes them in.
    """

    def __init__(self, session: Session, costs: list[Cost], municipalities: list[Municipality] | None = None,
                 decisions: list[ProjectDecision] | None = None, answers: dict[int, list] | None = None):
        self.costs = costs
        # the members of the costs' organisation (a context never mixes organisations' costs)
        self.municipalities = municipalities if municipalities is not None else list(
            session.exec(select(Municipality).where(
                Municipality.organisation_id.in_({c.organisation_id for c in costs})).order_by(Municipality.number))
        ) if costs else []
        self._order = {m.id: nb_sort_key(m.name) for m in self.municipalities}
        self._participants: dict[tuple, list[Municipality]] = {}
        dates = {c.population_date for c in costs}
        self.population: dict[tuple[int, date], int] = {}
        if dates:
            for mid, as_of, population in session.exec(
                select(PopulationFigure.municipality_id, PopulationFigure.as_of, PopulationFigure.population)
                .where(PopulationFigure.as_of.in_(dates))
            ):
                self.population[(mid, as_of)] = population
        project_ids = {c.project_id for c in costs if c.project_id and c.sharing == CostSharing.participants}
        decision_ids = {c.project_decision_id for c in costs if c.project_decision_id}
        if decisions is None:
            decisions = list(session.exec(
                select(ProjectDecision)
                .where(ProjectDecision.project_id.in_(project_ids) | ProjectDecision.id.in_(decision_ids))
            )) if project_ids or decision_ids else []
        self.decisions = {d.id: d for d in decisions}
        self.by_project: dict[int, list[ProjectDecision]] = {}
        for d in decisions:
            self.by_project.setdefault(d.project_id, []).append(d)
        if answers is None:
            answers = load_answers(session, list(self.decisions)) if self.decisions else {}
        self.answers = answers

    # ------------------------------------------------------------------ who shares

    def decision_for(self, cost: Cost, day: date) -> ProjectDecision | None:
        if cost.project_decision_id:
            return self.decisions.get(cost.project_decision_id)
        return latest_decision(self.by_project.get(cost.project_id, []), day)

    def participants(self, cost: Cost, day: date) -> list[Municipality]:
        """Who shares ``cost`` on ``day``, in Norwegian alphabetical order (worked out once per
        decision and day: the costs of one project mostly share them)."""
        decision = self.decision_for(cost, day) if cost.sharing == CostSharing.participants else None
        wanted = (cost.sharing == CostSharing.participants, decision.id if decision else None, day)
        if wanted not in self._participants:
            if wanted[0]:
                ids = participant_ids(decision, self.answers.get(decision.id, []), self.municipalities, day) \
                    if decision else set()
                chosen = [m for m in self.municipalities if m.id in ids]
            else:
                chosen = [m for m in self.municipalities if m.is_member_on(day)]
            self._participants[wanted] = sorted(chosen, key=lambda m: self._order[m.id])
        return list(self._participants[wanted])

    def change_days(self, cost: Cost) -> list[date]:
        """Days on which the participants may have changed: answers, decisions, membership."""
        days = set()
        for m in self.municipalities:
            if m.member_from:
                days.add(m.member_from)
            if m.member_to:
                days.add(m.member_to + timedelta(days=1))
        if cost.sharing == CostSharing.participants:
            decisions = ([self.decisions[cost.project_decision_id]] if cost.project_decision_id in self.decisions
                         else self.by_project.get(cost.project_id, []))
            for d in decisions:
                days.add(d.decided_on)
                days.update(a.answered_on for a in self.answers.get(d.id, []))
        return sorted(days)

    # ------------------------------------------------------------------ tables

    def table(self, cost: Cost, key: CostKey, day: date | None = None) -> ShareTable:
        """The shares of ``cost`` as they stand on ``day`` (today when None)."""
        day = day or today()
        try:
            rows = self._compute(cost, key, self.participants(cost, day))
        except CostShareError as error:
            return ShareTable(cost, [], error=str(error))
        return ShareTable(cost, rows)

    def _compute(self, cost: Cost, key: CostKey, municipalities: list[Municipality]):
        day = cost.population_date
        share_key = Key.of(key)
        figures = [(m.name, self.population.get((m.id, day))) for m in municipalities]
        if share_key.by_ownership and not share_key.per_inhabitant_percent:
            figures = [(name, figure or 0) for name, figure in figures]  # population is not needed
        missing = [name for name, figure in figures if figure is None]
        if missing:
            raise CostShareError(f"Det finnes ingen innbyggertall per {nb_date(day)} for {join_names(missing)}.")
        ownership = None
        if share_key.by_ownership:
            # the members' shares must add up to 100 %; participants share in proportion to theirs
            members = [m for m in self.municipalities if m.is_member_on(day)]
            check_ownership_shares([(m.name, m.ownership_share) for m in by_name(members)])
            ownership = [m.ownership_share for m in municipalities]
        shares = compute_shares(Decimal(cost.total), share_key, figures, ownership)
        return list(zip(municipalities, shares))

    def versions(self, cost: Cost, key: CostKey, since: date | None = None) -> list[ShareTable]:
        """Every version of the shares from ``since`` to today, newest first.

        A new version starts whenever the participants change; earlier versions are
        derived from the participation history as of their dates.
        """
        now = today()
        days = [d for d in self.change_days(cost) if d <= now]
        spans: list[tuple[date | None, frozenset[int]]] = []
        for day in [None, *days]:
            ids = frozenset(m.id for m in self.participants(cost, day or date.min))
            if day is None and not ids:
                continue
            if not spans or spans[-1][1] != ids:
                spans.append((day, ids))
        if not spans:
            return [self.table(cost, key, now)]
        by_id = {m.id: m for m in self.municipalities}
        tables = []
        for i, (start, ids) in enumerate(spans):
            end = spans[i + 1][0] - timedelta(days=1) if i + 1 < len(spans) else None
            if since is not None and end is not None and end < since:
                continue
            members = sorted((by_id[x] for x in ids), key=lambda m: nb_sort_key(m.name))
            try:
                table = ShareTable(cost, self._compute(cost, key, members), start, end)
            except CostShareError as error:
                table = ShareTable(cost, [], start, end, str(error))
            tables.append(table)
        return list(reversed(tables))


# --------------------------------------------------------------------------- loading


_ITEM = joinedload(Cost.agenda_item).load_only(
    AgendaItem.id, AgendaItem.meeting_id, AgendaItem.case_id, AgendaItem.body_id, AgendaItem.number_year,
    AgendaItem.number_seq, AgendaItem.position,
)
_COST_QUERY = select(Cost).options(  # built once: statements and options are immutable
    joinedload(Cost.cost_key),
    _ITEM.joinedload(AgendaItem.meeting).joinedload(Meeting.body),
    _ITEM.joinedload(AgendaItem.case),
    joinedload(Cost.project).load_only(Project.id, Project.name, Project.body_id),
)


def cost_query():
    """Costs with their key, project and case (number, title, meeting; not the case's texts)."""
    return _COST_QUERY


def load_costs(session: Session, *conditions, approved: bool = False) -> list[Cost]:
    """Costs newest year first, then by description in Norwegian order; with ``approved``, their
    approved rows too (a case's tables as decided; the lists show today's shares)."""
    query = cost_query().where(*conditions)
    if approved:
        query = query.options(selectinload(Cost.approved_shares))
    costs = session.exec(query).unique()
    return sorted(costs, key=lambda c: (-c.year, nb_sort_key(c.description), c.id))


def meeting_day(cost: Cost) -> date | None:
    """The day of the meeting that decided the cost, if it is linked to a case."""
    item = cost.agenda_item
    return local(item.meeting.starts_at).date() if item is not None else None


def tables_for_items(session: Session, item_ids: list[int]) -> dict[int, list[ShareTable]]:
    """The cost-share tables of these cases as decided (on their meeting's day), by item id."""
    if not item_ids:
        return {}
    from boardroom.costs.approved import approved_table

    costs = load_costs(session, Cost.agenda_item_id.in_(item_ids), approved=True)
    context = CostContext(session, costs)
    result: dict[int, list[ShareTable]] = {}
    for cost in costs:
        table = context.table(cost, cost.cost_key, meeting_day(cost))
        result.setdefault(cost.agenda_item_id, []).append(approved_table(cost, table) if cost.approved_shares else table)
    return result


# --------------------------------------------------------------------------- changes


def check_key(flat_percent, per_inhabitant_percent, rate_per_inhabitant, ownership_percent=None) -> None:
    """Refuse a key that does not add up to 100 %, or a negative part, naming the field."""
    key = Key(flat_percent or Decimal(0), per_inhabitant_percent or Decimal(0), rate_per_inhabitant,
              ownership_percent or Decimal(0))
    try:
        key.validate()
    except CostShareError as error:
        field = "rate_per_inhabitant" if rate_per_inhabitant is not None else "per_inhabitant_percent"
        if rate_per_inhabitant is None and ((flat_percent or 0) < 0):
            field = "flat_percent"
        elif rate_per_inhabitant is None and ((ownership_percent or 0) < 0):
            field = "ownership_percent"
        raise InputError(str(error), field) from None


def check_members_ownership(session: Session, day: date | None = None) -> None:
    """Refuse (InputError on "ownership_percent") when the members' ownership shares on ``day``
    (today when None) are missing or do not add up to 100 %: a key by ownership share needs them."""
    day = day or today()
    members = [m for m in session.exec(select(Municipality)) if m.is_member_on(day)]
    try:
        check_ownership_shares([(m.name, m.ownership_share) for m in by_name(members)])
    except CostShareError as error:
        raise InputError(str(error), "ownership_percent") from None


def save_cost_key(
    session: Session, body_id: int, name: str, *, flat_percent=None, per_inhabitant_percent=None,
    rate_per_inhabitant=None, ownership_percent=None, project_id: int | None = None, key: CostKey | None = None,
) -> CostKey:
    """Create or change a key; one that shares by ownership share needs the members' shares to add up to 100 %."""
    if not (name or "").strip():
        raise InputError("Gi fordelingsnøkkelen et navn.", "name")
    check_key(flat_percent, per_inhabitant_percent, rate_per_inhabitant, ownership_percent)
    if rate_per_inhabitant is not None:
        flat_percent, per_inhabitant_percent, ownership_percent = Decimal(0), Decimal(0), Decimal(0)
    if ownership_percent:
        check_members_ownership(session)
    key = key or CostKey(body_id=body_id, name=name, organisation_id=session.get(Body, body_id).organisation_id)
    key.name, key.project_id = name.strip(), project_id
    key.flat_percent, key.per_inhabitant_percent = flat_percent or Decimal(0), per_inhabitant_percent or Decimal(0)
    key.ownership_percent = ownership_percent or Decimal(0)
    key.rate_per_inhabitant = rate_per_inhabitant
    session.add(key)
    session.flush()
    return key


def save_cost(session: Session, cost: Cost | None, key: CostKey, **values) -> Cost:
    """Create or change a cost, after checking that its shares can be computed today.

    ``values``: body_id, description, year, total, sharing, population_date, project_id,
    project_decision_id, agenda_item_id. Nothing is changed when the check fails.
    """
    if not (values.get("description") or "").strip():
        raise InputError("Beskriv kostnaden.", "description")
    total = values.get("total")
    if total is None or total < 0:
        raise InputError("Beløpet kan ikke være negativt.", "total")
    if values.get("sharing") == CostSharing.participants and not values.get("project_id"):
        raise InputError("Velg prosjektet når kostnaden bare skal deles mellom deltakerne.", "project")
    draft = Cost(**{"cost_key_id": key.id, "organisation_id": key.organisation_id, **values})  # never added to the session
    context = CostContext(session, [draft])
    table = context.table(draft, key)
    if table.error:
        field = "population_date" if "innbyggertall per" in table.error else (
            "total" if "totalbeløpet" in table.error or "Beløpet" in table.error else
            "cost_key" if "Eierandel" in table.error else "sharing")
        raise InputError(table.error, field)
    if cost is None:
        cost = draft
        session.add(cost)
    else:
        for name, value in values.items():
            setattr(cost, name, value)
        cost.cost_key_id = key.id
    session.flush()
    return cost
