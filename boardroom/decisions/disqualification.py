"""Disqualification (inhabilitet): declaring it, removing it, and its text in the minutes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from boardroom.core.inputs import Invalid
from boardroom.decisions.votes import disqualified_ids, voting_seats
from boardroom.meetings.minutes import person_with_affiliation
from boardroom.meetings.workflow import ensure_editable
from boardroom.models import AgendaItem, Attendance, AttendanceStatus, Disqualification, Meeting, Person, VoteChoice


def disqualification_candidates(item: AgendaItem, already: set[int]) -> list[Attendance]:
    """Everyone on the meeting's list who is present and not already disqualified in the case."""
    return [a for a in item.meeting.attendances
            if a.status == AttendanceStatus.present and a.person_id not in already]


def declare_disqualified(session: Session, item: AgendaItem, person_id: int, reason: str) -> Disqualification:
    """Record that a person declared themselves disqualified (inhabil); their municipality's vote
    becomes 'not present' unless someone else may vote for it."""
    ensure_editable(item.meeting)
    already = disqualified_ids(session, item)
    if person_id in already:
        raise Invalid({"person": "Personen er allerede registrert som inhabil i saken."})
    if person_id not in {a.person_id for a in disqualification_candidates(item, already)}:
        raise Invalid({"person": "Velg en person som er til stede i møtet."})
    if not reason.strip():
        raise Invalid({"reason": "Skriv begrunnelsen for inhabiliteten."})
    row = Disqualification(agenda_item_id=item.id, person_id=person_id, reason=reason.strip())
    session.add(row)
    session.flush()
    if item.vote_events:
        seats = {s.key: s for s in voting_seats(session, item)}
        for vote in item.vote_events[0].votes:
            seat = seats.get(vote.group_key)
            if seat is not None and seat.voter is None and vote.choice != VoteChoice.absent:
                vote.event  # noqa: B018
                vote.choice, vote.person_id = VoteChoice.absent, None
            elif seat is not None and seat.voter is not None and vote.person_id == person_id:
                vote.event  # noqa: B018
                vote.person_id = seat.voter.person_id
        session.flush()
    return row


def remove_disqualification(session: Session, item: AgendaItem, row: Disqualification) -> None:
    ensure_editable(item.meeting)
    session.delete(row)
    session.flush()


def load_disqualifications(session: Session, item_ids: Iterable[int]) -> dict[int, list[tuple[Disqualification, Person]]]:
    """(disqualification, person) pairs per agenda item id, in one query."""
    result: dict[int, list[tuple[Disqualification, Person]]] = {}
    ids = list(item_ids)
    if ids:
        for row, person in session.exec(
            select(Disqualification, Person).join(Person, Person.id == Disqualification.person_id)
            .where(Disqualification.agenda_item_id.in_(ids)).order_by(Disqualification.id)
        ):
            result.setdefault(row.agenda_item_id, []).append((row, person))
    return result


def disqualification_text(row: Disqualification, person: Person, meeting: Meeting) -> str:
    """'Rachel Berg (Alstahaug) erklærte seg inhabil: <grunn>, og deltok ikke i behandlingen'"""
    att = next((a for a in meeting.attendances if a.person_id == row.person_id), None)
    who = person_with_affiliation(att) if att else person.name
    return f"{who} erklærte seg inhabil: {row.reason.rstrip('.')}, og deltok ikke i behandlingen"


def disqualification_texts(session: Session, meeting: Meeting) -> dict[int, list[str]]:
    """The minutes' disqualification lines per agenda item id, in one query."""
    found = load_disqualifications(session, (i.id for i in meeting.items))
    return {item_id: [disqualification_text(r, p, meeting) for r, p in pairs] for item_id, pairs in found.items()}
