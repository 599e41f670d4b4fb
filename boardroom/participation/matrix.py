"""What the participation pages and their JSON show: the matrix of decisions × members with
its filters and CSV rows, and one decision with its answers.

Each function loads one page's data in a fixed number of queries, however many decisions or
answers there are. ``public`` means the viewer is not signed in: then only published material
is included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.access import public_decisions
from boardroom.core.formatting import nb_sort_key
from boardroom.core.labels import label
from boardroom.core.orgs import here
from boardroom.meetings.lookup import items_by_id
from boardroom.models import AgendaItem, Municipality, ParticipationAnswer, Project, ProjectDecision
from boardroom.participation.answers import AnswerRow, load_answers
from boardroom.participation.status import DecisionStatus, all_municipalities, decision_status


def remark_lines(status: DecisionStatus) -> list[str]:
    """Per-municipality remarks in alphabetical order: 'Meløy: Avklart på tlf/epost'."""
    remarks = sorted(status.remarks, key=lambda pair: nb_sort_key(pair[0].name))
    # "Bindal samarbeider sørover på eHelse" needs no "Bindal:" in front
    return [a.remark if a.remark.startswith(m.name) else f"{m.name}: {a.remark}" for m, a in remarks]


def matrix_cells(status: DecisionStatus, municipalities, ids: list[int] | None = None) -> list[str | None]:
    """The current answer of each municipality ('joins', 'declines', 'pending'); None for non-members.
    ``ids``: the municipalities' ids, when the caller has them (a matrix asks for every row)."""
    member_ids = {m.id for m in status.members}
    answers = status.answers
    pending = ParticipationAnswer.pending.value
    cells = []
    for municipality_id in [m.id for m in municipalities] if ids is None else ids:
        if municipality_id not in member_ids:
            cells.append(None)
        else:
            answer = answers.get(municipality_id)
            cells.append(answer.answer.value if answer else pending)
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
    phase: str | None = None
    health: str | None = None
    years: list[int] = field(default_factory=list)  # the years of decisions, newest first
    year: int | None = None  # the year shown; None: every year

    @property
    def filtered(self) -> bool:
        return bool(self.region or self.phase or self.health or self.year)


def fast_overview(session: Session, year: int | None = None
                  ) -> tuple[list[Municipality], list[DecisionStatus], dict[int, list[AnswerRow]]]:
    """Every project decision (or those made in ``year``) with its current participation, as
    ``participation.overview`` gives it, and the answers by decision: three queries, the answers
    read as plain rows."""
    municipalities = all_municipalities(session)
    query = (
        select(ProjectDecision).join(Project).where(here(Project.organisation_id))
        .options(joinedload(ProjectDecision.project).load_only(Project.id, Project.name, Project.phase, Project.health))
        .order_by(ProjectDecision.position, ProjectDecision.decided_on, ProjectDecision.id)
    )
    if year is not None:
        query = query.where(ProjectDecision.decided_on >= date(year, 1, 1), ProjectDecision.decided_on <= date(year, 12, 31))
    decisions = session.exec(query).all()
    answers = load_answers(session) if year is None else load_answers(session, [d.id for d in decisions])
    decisions, answers = public_decisions(session, decisions, answers)
    statuses = [decision_status(d, municipalities, answers.get(d.id, [])) for d in decisions]
    return municipalities, statuses, answers


def decision_years(session: Session) -> list[int]:
    """The years the organisation's project decisions were made in, newest first."""
    days = session.exec(select(ProjectDecision.decided_on).distinct().join(Project).where(here(Project.organisation_id)))
    return sorted({day.year for day in days}, reverse=True)


def decision_year(years: list[int], asked: int | str | None) -> int | None:
    """The year of decisions to show: the one asked for when there are decisions that year, else
    None (every year, the default: a project's decisions span the years it runs)."""
    return asked if asked in years else None


def matrix(session: Session, region: str = "", phase: str | None = None,
           health: str | None = None, asked: int | str | None = None) -> Matrix:
    """Project decisions × municipalities, optionally of one year (``asked``: a year there are
    decisions in; every year by default, as the secretary's overview spans the years a project runs),
    one region's columns and one phase's or health's rows."""
    years = decision_years(session)
    year = decision_year(years, asked)
    municipalities, statuses, _ = fast_overview(session, year)
    regions = sorted({m.region for m in municipalities if m.region}, key=nb_sort_key)
    columns = [m for m in municipalities if not region or m.region == region]
    ids = [m.id for m in columns]
    rows = [
        MatrixRow(s, remark_lines(s), matrix_cells(s, columns, ids))
        for s in statuses
        if (phase is None or s.decision.project.phase == phase) and (health is None or s.decision.project.health == health)
    ]
    return Matrix(columns, rows, regions, region, phase, health, years, year)


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

    @cached_property
    def names(self) -> dict[int, str]:
        return {m.id: m.name for m in [*self.status.members, *self.others]}


def decision_view(session: Session, decision: ProjectDecision) -> DecisionView:
    municipalities = all_municipalities(session, decision.project.organisation_id)
    status = decision_status(decision, municipalities)
    history = sorted(decision.answers, key=lambda a: (a.answered_on, a.id), reverse=True)
    items = items_by_id(session, [a.source_item_id for a in history] + [decision.agenda_item_id])
    member_ids = {m.id for m in status.members}
    others = [m for m in municipalities if m.id not in member_ids]
    return DecisionView(decision, status, history, items, others)
