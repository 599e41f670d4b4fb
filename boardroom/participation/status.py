"""Participation of member municipalities in project decisions, derived from answers.

Each ``Participation`` row is one answer; a municipality's current state is its latest
answer (by date, then by entry order). Counts such as "18/19" are computed against the
municipalities that were members on the decision's date, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.formatting import by_name, nb_sort_key
from boardroom.core.labels import members_word
from boardroom.core.orgs import here
from boardroom.models import Municipality, Participation, ParticipationAnswer, ProjectDecision
from boardroom.participation.answers import load_answers


def join_names(names: list[str]) -> str:
    """'Dønna, Træna og Sømna'"""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]


def members_on(municipalities: list[Municipality], day: date) -> list[Municipality]:
    return [m for m in municipalities if m.is_member_on(day)]


def current_answers(decision: ProjectDecision, answers=None) -> dict[int, Participation]:
    """Latest answer per municipality id (of ``answers`` when given: rows loaded without the ORM)."""
    latest: dict[int, Participation] = {}
    for answer in sorted(decision.answers if answers is None else answers, key=lambda a: (a.answered_on, a.id or 0)):
        latest[answer.municipality_id] = answer
    return latest


@dataclass
class DecisionStatus:
    decision: ProjectDecision
    members: list[Municipality]
    answers: dict[int, Participation]
    joined: list[Municipality] = field(default_factory=list)
    declined: list[Municipality] = field(default_factory=list)
    pending: list[Municipality] = field(default_factory=list)

    @property
    def count(self) -> str:
        """'18/19': members taking part, of the members on the decision's date."""
        return f"{len(self.joined)}/{len(self.members)}"

    @property
    def word(self) -> str:
        """'kommuner' when every member is a municipality, else 'medlemmer'."""
        return members_word(self.members)

    @property
    def summary(self) -> str:
        """The reference's Kommunestatus: 'Alle unntatt: Bindal (18/19)', names alphabetical."""
        total = len(self.members)
        joined = {m.id for m in self.joined}  # by id: model equality compares every field
        others = sorted((m.name for m in self.members if m.id not in joined), key=nb_sort_key)
        if len(self.joined) == total:
            text = f"Alle {self.word}"
        elif len(self.joined) * 2 >= total:
            text = "Alle unntatt: " + join_names(others)
        else:
            text = "Kun: " + join_names(sorted((m.name for m in self.joined), key=nb_sort_key))
        return f"{text} ({self.count})"

    @property
    def remarks(self) -> list[tuple[Municipality, Participation]]:
        return [(m, self.answers[m.id]) for m in self.members if m.id in self.answers and self.answers[m.id].remark]

    def answer_for(self, municipality: Municipality) -> Participation | None:
        return self.answers.get(municipality.id)


def decision_status(decision: ProjectDecision, municipalities: list[Municipality], answers=None) -> DecisionStatus:
    """Current participation of every member on the decision's date (from ``answers`` when given)."""
    members = members_on(municipalities, decision.decided_on)
    answers = current_answers(decision, answers)
    status = DecisionStatus(decision, members, answers)
    for m in members:
        answer = answers.get(m.id)
        if answer is None or answer.answer == ParticipationAnswer.pending:
            status.pending.append(m)
        elif answer.answer == ParticipationAnswer.joins:
            status.joined.append(m)
        else:
            status.declined.append(m)
    return status


def all_municipalities(session: Session, organisation_id: int | None = None) -> list[Municipality]:
    """The members of that organisation (by default the request's), by name in Norwegian order (the
    matrix's columns)."""
    owner = Municipality.organisation_id == organisation_id if organisation_id is not None \
        else here(Municipality.organisation_id)
    return by_name(session.exec(select(Municipality).where(owner)).all())


@dataclass(frozen=True)
class ParticipationLine:
    """What a case's page and the minutes print of a project decision made in the case."""

    decision_id: int
    project: str
    summary: str  # 'Alle unntatt: Bindal og Træna (17/19)'
    remarks: tuple[str, ...] = ()  # 'Bindal: samarbeider med Brønnøy'


def participation_lines(session: Session, item_ids: list[int]) -> dict[int, list[ParticipationLine]]:
    """The participation decided in these cases, by agenda item id (three queries)."""
    if not item_ids:
        return {}
    decisions = list(session.exec(
        select(ProjectDecision).where(ProjectDecision.agenda_item_id.in_(item_ids))
        .options(joinedload(ProjectDecision.project)).order_by(ProjectDecision.position, ProjectDecision.id)))
    if not decisions:
        return {}
    municipalities = all_municipalities(session, decisions[0].project.organisation_id)
    answers = load_answers(session, [d.id for d in decisions])
    lines: dict[int, list[ParticipationLine]] = {}
    for decision in decisions:
        status = decision_status(decision, municipalities, answers.get(decision.id, []))
        remarks = tuple(f"{m.name}: {a.remark}" for m, a in status.remarks)
        lines.setdefault(decision.agenda_item_id, []).append(
            ParticipationLine(decision.id, decision.project.name, status.summary, remarks))
    return lines
