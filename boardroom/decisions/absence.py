"""Absence (forfall) reported by a member, and calling in their deputy (vara).

A member reports absence from the meeting page (signed in) or by the signed link in the notice
e-mail; the attendance becomes ``absent_notice`` with the message as its note, which is what
the minutes' "Forfall" lists. The deputy is the person whose deputy seat (role deputy,
``deputy_for_id``) stands in for the member's seat on the meeting's day. Calling them in puts
them on the list as invited, standing in for the member (``substitute_for_id``), so they get
the notice e-mail and the meeting in their feed. A body with ``deputy_autocall`` calls the
deputy in at once when the absence is reported.
"""

from __future__ import annotations

from sqlmodel import Session

from boardroom.core.inputs import Invalid
from boardroom.decisions.attendance import meeting_day, memberships_on
from boardroom.meetings.workflow import ensure_editable
from boardroom.models import Attendance, AttendanceStatus, Meeting, MeetingStatus, Membership, MembershipRole

OPEN = (MeetingStatus.planned, MeetingStatus.called)


def attendance_of(meeting: Meeting, person_id: int | None) -> Attendance | None:
    return next((a for a in meeting.attendances if a.person_id == person_id and person_id is not None), None)


def can_report(meeting: Meeting, attendance: Attendance | None) -> bool:
    return (attendance is not None and meeting.status in OPEN
            and attendance.status in (AttendanceStatus.invited, AttendanceStatus.absent_notice))


def report_absence(session: Session, meeting: Meeting, attendance: Attendance, message: str = "") -> Attendance | None:
    """Record the absence; the deputy called in when the body calls deputies in at once, else None.

    Raises Invalid when the meeting is over or cancelled, or the person is not invited."""
    ensure_editable(meeting)
    if meeting.status not in OPEN:
        raise Invalid({"meeting": "Møtet er allerede holdt eller avlyst; forfall kan ikke meldes nå."})
    if attendance.status not in (AttendanceStatus.invited, AttendanceStatus.absent_notice):
        raise Invalid({"attendance": "Oppmøtet er allerede registrert for dette møtet."})
    attendance.status = AttendanceStatus.absent_notice
    attendance.note = (message or "").strip()[:500]
    session.flush()
    if meeting.body.deputy_autocall and deputy_seat(session, meeting, attendance) is not None:
        return call_in_deputy(session, meeting, attendance)
    return None


def deputy_seat(session: Session, meeting: Meeting, attendance: Attendance) -> Membership | None:
    """The deputy seat standing in for the absent member's seat, whose person is not yet called in."""
    seats = memberships_on(session, meeting.body_id, meeting_day(meeting))
    own = {s.id for s in seats if s.person_id == attendance.person_id}
    called = {a.person_id for a in meeting.attendances if a.invited or a.substitute_for_id}
    return next((s for s in seats if s.role == MembershipRole.deputy and s.deputy_for_id in own
                 and s.person_id not in called), None)


def called_in_for(meeting: Meeting, attendance: Attendance) -> Attendance | None:
    return next((a for a in meeting.attendances if a.substitute_for_id == attendance.person_id), None)


def call_in_deputy(session: Session, meeting: Meeting, attendance: Attendance) -> Attendance:
    """Put the member's deputy on the list, invited and standing in for the member.

    Raises Invalid when the member has not reported absence, or has no deputy to call in."""
    ensure_editable(meeting)
    if attendance.status != AttendanceStatus.absent_notice:
        raise Invalid({"attendance": f"{attendance.person.name} har ikke meldt forfall."})
    if called_in_for(meeting, attendance) is not None:
        raise Invalid({"attendance": f"Vara for {attendance.person.name} er allerede kalt inn."})
    seat = deputy_seat(session, meeting, attendance)
    if seat is None:
        raise Invalid({"attendance": f"{attendance.person.name} har ingen vara som kan kalles inn."})
    member_seat = session.get(Membership, seat.deputy_for_id)
    existing = attendance_of(meeting, seat.person_id)
    if existing is None:
        position = max((a.position for a in meeting.attendances), default=-1) + 1
        existing = Attendance(meeting_id=meeting.id, person_id=seat.person_id, position=position)
        session.add(existing)
        meeting.attendances.append(existing)
    existing.invited, existing.status = True, AttendanceStatus.invited
    existing.substitute_for_id = attendance.person_id
    existing.municipality_id = member_seat.municipality_id if member_seat else attendance.municipality_id
    session.flush()
    return existing


def reported(session: Session, meeting: Meeting) -> list[tuple[Attendance, Attendance | None, Membership | None]]:
    """Each reported absence with the deputy called in for it, or else the deputy who could be."""
    rows = []
    for att in meeting.attendances:
        if att.status == AttendanceStatus.absent_notice:
            called = called_in_for(meeting, att)
            rows.append((att, called, None if called else deputy_seat(session, meeting, att)))
    return rows
