"""What the project pages and their JSON show: the project list, one project with its cost
keys, grants and status reports, and the benefit overview, each in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from boardroom.core.access import public_decisions
from boardroom.core.formatting import by_position, nb_sort_key
from boardroom.core.inputs import today
from boardroom.core.orgs import here
from boardroom.costs.shares import CostShareError, Key, compute_shares
from boardroom.costs.tables import CostContext, ShareTable, load_costs
from boardroom.meetings.lookup import items_by_id, published
from boardroom.models import (
    AgendaItem,
    Benefit,
    BenefitKind,
    Cost,
    CostKey,
    Grant,
    Municipality,
    PopulationFigure,
    Project,
    ProjectDecision,
    StatusReport,
)
from boardroom.participation.answers import latest_decision, load_answers, participant_ids
from boardroom.participation.status import DecisionStatus, decision_status
from boardroom.projects.benefits import BenefitTotals, totals_by


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
    municipalities = list(session.exec(select(Municipality).where(Municipality.organisation_id == project.organisation_id)
                                       .order_by(Municipality.number)))
    decisions, _ = public_decisions(session, project.decisions)
    statuses = [decision_status(d, municipalities) for d in sorted(
        decisions, key=lambda d: (d.decided_on, d.position, d.id))]
    current = latest_decision(project.decisions, today())
    ids = participant_ids(current, current.answers, municipalities) if current else set()
    participants = sorted((m for m in municipalities if m.id in ids), key=lambda m: nb_sort_key(m.name))
    grants = list(session.exec(select(Grant).where(Grant.project_id == project.id).order_by(Grant.year, Grant.position, Grant.id)))
    reports = list(session.exec(select(StatusReport).where(StatusReport.project_id == project.id)
                                .order_by(StatusReport.reported_on.desc(), StatusReport.id.desc())))
    costs = [c for c in load_costs(session, Cost.project_id == project.id) if not public or published(c.agenda_item)]
    context = CostContext(session, costs, municipalities)
    keys = list(session.exec(select(CostKey).where(CostKey.project_id == project.id).order_by(CostKey.id)))
    own = select(Municipality.id).where(Municipality.organisation_id == project.organisation_id)
    as_of = session.exec(select(PopulationFigure.as_of).where(PopulationFigure.municipality_id.in_(own))
                         .order_by(PopulationFigure.as_of.desc()).limit(1)).first()
    population = dict(session.exec(select(PopulationFigure.municipality_id, PopulationFigure.population)
                                   .where(PopulationFigure.as_of == as_of,
                                          PopulationFigure.municipality_id.in_(own))).all()) if as_of else {}
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


def project_rows(session: Session, phase: str | None = None) -> list[ProjectRow]:
    """Every project with its number of participants (from its newest decision)."""
    municipalities = list(session.exec(select(Municipality).where(here(Municipality.organisation_id))))
    query = select(Project).where(here(Project.organisation_id)).options(selectinload(Project.decisions))
    if phase is not None:
        query = query.where(Project.phase == phase)
    projects = by_position(session.exec(query).all())
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


@dataclass
class BenefitOverview:
    projects: list[tuple[Project, BenefitTotals]]
    municipalities: list[tuple[Municipality, BenefitTotals]]
    total: BenefitTotals


def benefit_overview(session: Session) -> BenefitOverview:
    benefits = list(session.exec(select(Benefit).join(Project, Benefit.project_id == Project.id)
                                 .where(here(Project.organisation_id))))
    projects = {p.id: p for p in by_position(session.exec(select(Project).where(here(Project.organisation_id))))}
    towns = list(session.exec(select(Municipality).where(here(Municipality.organisation_id))))
    by_project = totals_by(benefits, lambda b: b.project_id)
    by_town = totals_by(benefits, lambda b: b.municipality_id)
    return BenefitOverview(
        projects=[(p, by_project[p.id]) for p in projects.values() if p.id in by_project],
        municipalities=[(m, by_town[m.id]) for m in sorted(towns, key=lambda m: nb_sort_key(m.name)) if m.id in by_town],
        total=totals_by(benefits, lambda b: 0).get(0, BenefitTotals()),
    )
