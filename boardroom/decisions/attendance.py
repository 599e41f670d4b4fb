"""Who attended: attendance with deputies, people added on the day, and the seats of a body
on the meeting's day.

Every operation that changes a meeting or its cases calls ``workflow.ensure_editable`` first,
so approved minutes and cancelled meetings refuse every change (HTTP 409). Operations flush,
never commit; bad input raises ``Invalid`` with Norwegian messages keyed by what they are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.formatting import local, nb_sort_key
from boardroom.core.inputs import Invalid
from boardroom.meetings.minutes import board_members
from boardroom.meetings.workflow import ensure_editable
from boardroom.models import Attendance, AttendanceStatus, Meeting, Membership


def meeting_day(meeting: Meeting) -> date:
    return local(meeting.starts_at).date()


def memberships_on(session: Session, body_id: int, day: date) -> list[Membership]:
    """Every seat of the body on a day (members, deputies, staff, observers), with person and municipality."""
    seats = session.exec(
        select(Membership)
        .where(Membership.body_id == body_id)
        .options(joinedload(Membership.person), joinedload(Membership.municipality))
    ).all()
    return sorted((s for s in seats if (s.start is None or s.start <= day) and (s.end is None or day <= s.end)),
                  key=lambda s: s.id)


def represented_municipality(seats: list[Membership], person_id: int | None) -> int | None:
    """The municipality a board member's seat represents (among ``seats``, the board's)."""
    return next((s.municipality_id for s in seats if s.person_id == person_id), None)


@dataclass(frozen=True)
class AttendanceChange:
    status: AttendanceStatus
    substitute_for_id: int | None = None


def record_attendance(session: Session, meeting: Meeting, changes: dict[int, AttendanceChange]) -> None:
    """Record who came (keyed by Attendance id); a deputy represents the member they replace,
    a member their own municipality.

    Raises Invalid keyed by attendance id when a substitution breaks a rule; nothing is changed then.
    """
    ensure_editable(meeting)
    seats = board_members(session, meeting.body_id, meeting_day(meeting))
    board_ids = {s.person_id for s in seats}
    names = {s.person_id: s.person.name for s in seats}
    by_id = {a.id: a for a in meeting.attendances}
    unknown = [key for key in changes if key not in by_id]
    if unknown:
        raise Invalid({key: "Personen står ikke på deltakerlisten til dette møtet." for key in unknown})

    final = {a.id: changes.get(a.id, AttendanceChange(a.status, a.substitute_for_id)) for a in meeting.attendances}
    present_people = {by_id[key].person_id for key, c in final.items() if c.status == AttendanceStatus.present}
    errors, replaced_by = {}, {}
    for key, change in final.items():
        att, member = by_id[key], change.substitute_for_id
        if member is None:
            continue
        if change.status not in (AttendanceStatus.present, AttendanceStatus.invited):  # invited: called in
            errors[key] = "Bare den som er til stede, kan møte for et styremedlem."
        elif member not in board_ids:
            errors[key] = "Velg et styremedlem som varamedlemmet møter for."
        elif member == att.person_id or att.person_id in board_ids:
            errors[key] = "Et styremedlem møter for sin egen kommune og kan ikke møte for et annet medlem."
        elif member in present_people:
            errors[key] = f"{names[member]} er selv til stede."
        elif member in replaced_by:
            errors[key] = f"{names[member]} har allerede et varamedlem i møtet ({by_id[replaced_by[member]].person.name})."
        else:
            replaced_by[member] = key
    if errors:
        raise Invalid(errors)

    for key, change in changes.items():
        att = by_id[key]
        if change.substitute_for_id or att.person_id in board_ids:
            att.municipality_id = represented_municipality(seats, change.substitute_for_id or att.person_id)
        elif att.substitute_for_id:  # no longer standing in for anyone
            att.municipality_id = None
        # otherwise the municipality the invitation named stays
        att.status, att.substitute_for_id = change.status, change.substitute_for_id
    session.flush()


def addable_people(session: Session, meeting: Meeting) -> list[Membership]:
    """Seats of the body whose person is not on the meeting's list yet (e.g. a deputy who came)."""
    listed = {a.person_id for a in meeting.attendances}
    seats = memberships_on(session, meeting.body_id, meeting_day(meeting))
    unique = {s.person_id: s for s in seats if s.person_id not in listed}
    return sorted(unique.values(), key=lambda s: nb_sort_key(s.person.name))


def deputy_defaults(session: Session, meeting: Meeting) -> dict[int, int]:
    """Deputy's person id → the person id of the member whose seat theirs stands in for."""
    seats = memberships_on(session, meeting.body_id, meeting_day(meeting))
    by_id = {s.id: s for s in seats}
    return {s.person_id: by_id[s.deputy_for_id].person_id for s in seats if s.deputy_for_id in by_id}


def add_attendee(session: Session, meeting: Meeting, person_id: int) -> Attendance:
    """Put someone who was not invited (a deputy, a guest with a seat) on the list, present."""
    ensure_editable(meeting)
    if person_id not in {s.person_id for s in addable_people(session, meeting)}:
        raise Invalid({"person": "Velg en person med verv i styret som ikke allerede står på listen."})
    position = max((a.position for a in meeting.attendances), default=-1) + 1
    attendance = Attendance(meeting_id=meeting.id, person_id=person_id, position=position, invited=False,
                            status=AttendanceStatus.present)
    session.add(attendance)
    meeting.attendances.append(attendance)
    session.flush()
    return attendance
