"""Participation answers as a history: recording an answer, reading the answers on a day, the
participants of a decision, and project decisions themselves.

Plain functions that views, the command line and tests call. They validate, change the models
and flush; the request commits. Bad input raises ``InputError`` with a Norwegian message and,
where it belongs to one form field, that field's name.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from boardroom.core.access import public_decisions
from boardroom.core.formatting import nb_date
from boardroom.core.inputs import InputError
from boardroom.models import AgendaItem, Municipality, Participation, ParticipationAnswer, Project, ProjectDecision


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


_ANSWERS = Participation.__table__
_ANSWER_QUERY = sa.select(*(_ANSWERS.c[name] for name in AnswerRow._fields))  # built once
_ANSWERS_TO = _ANSWER_QUERY.where(_ANSWERS.c.decision_id.in_(sa.bindparam("ids", expanding=True)))


def load_answers(session: Session, decision_ids=None) -> dict[int, list[AnswerRow]]:
    """Every answer (or the answers to these decisions), by decision id, in one query."""
    session.flush()  # as the ORM's own queries do: answers just recorded are among them
    connection = session.connection()
    rows = connection.execute(_ANSWER_QUERY) if decision_ids is None else \
        connection.execute(_ANSWERS_TO, {"ids": list(decision_ids)})
    result: dict[int, list[AnswerRow]] = {}
    for row in rows.all():  # fetched at once: iterating fetches row by row
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
    """A decision with its project and answers loaded, as this viewer may see it."""
    found = session.exec(
        select(ProjectDecision)
        .where(ProjectDecision.id == decision_id)
        .options(
            joinedload(ProjectDecision.project),
            selectinload(ProjectDecision.answers),
        )
    ).first()
    return public_decisions(session, [found])[0][0] if found else None


def record_in_meeting(session: Session, item: AgendaItem, project: Project, declining: set[int],
                      municipalities: list[Municipality], day: date) -> ProjectDecision:
    """The meeting's decision on a joint project: every member on ``day`` joins except ``declining``.

    The case's project decision is made on first use (titled as the case, dated the meeting's
    day); each member whose answer from this case differs gets a new answer dated ``day``, so
    the history keeps earlier answers and later changes are made per member as usual.
    """
    decision = session.exec(select(ProjectDecision).where(ProjectDecision.agenda_item_id == item.id,
                                                          ProjectDecision.project_id == project.id)).first()
    if decision is None:
        decision = create_decision(session, project, item.case.title, day, agenda_item=item)
    members = [m for m in municipalities if m.is_member_on(day)]
    unknown = declining - {m.id for m in members}
    if unknown:
        raise InputError("Velg bare kommuner som var medlemmer på møtedagen.", "declining")
    latest = answers_on([a for a in load_answers(session, [decision.id]).get(decision.id, [])
                         if a.source_item_id == item.id])
    for town in members:
        answer = ParticipationAnswer.declines if town.id in declining else ParticipationAnswer.joins
        if town.id not in latest or latest[town.id].answer != answer:
            record_answer(session, decision, town, answer, day, "vedtak", item)
    return decision
