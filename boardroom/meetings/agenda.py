"""The secretary's agenda work: meetings, the invited list, cases, their order, the notice.

Plain functions that take the session and the objects, change them and flush; the request
commits once. Every change to a meeting or its cases first calls
``workflow.ensure_editable`` (approved minutes and cancelled meetings are locked).

Numbers: cases are numbered in agenda order when the notice is sent, and a case added
after that gets the next free number at once. A number is never changed or reused,
however the cases are moved afterwards.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from boardroom.core import files
from boardroom.core.formatting import OSLO, local
from boardroom.meetings.minutes import load_meeting
from boardroom.meetings.numbering import assign_number
from boardroom.meetings.workflow import ensure_editable, move_to
from boardroom.models import (
    AgendaItem,
    Attachment,
    Attendance,
    AttendanceStatus,
    Body,
    Case,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    StandardCasePlace,
    utcnow,
)

INVITED_ROLES = (MembershipRole.chair, MembershipRole.deputy_chair, MembershipRole.member,
                 MembershipRole.staff, MembershipRole.observer)
VOTING_ROLES = (MembershipRole.chair, MembershipRole.deputy_chair, MembershipRole.member)
NUMBERED_STATES = (MeetingStatus.called, MeetingStatus.held)


# --------------------------------------------------------------------------- time


def meeting_times(start_day: date, start_time: time | None, end_day: date | None, end_time: time | None,
                  all_day: bool) -> tuple[datetime, datetime]:
    """Start and end as UTC from Europe/Oslo dates and times; whole days run midnight to midnight."""
    end_day = end_day or start_day
    if all_day:
        start, end = datetime.combine(start_day, time()), datetime.combine(end_day + timedelta(days=1), time())
    else:
        start, end = datetime.combine(start_day, start_time), datetime.combine(end_day, end_time)
    return (start.replace(tzinfo=OSLO).astimezone(timezone.utc), end.replace(tzinfo=OSLO).astimezone(timezone.utc))


def meeting_year(meeting: Meeting) -> int:
    """The year the meeting's case numbers belong to (its date in Europe/Oslo)."""
    return local(meeting.starts_at).year


# --------------------------------------------------------------------------- meetings


def current_memberships(session: Session, body_id: int, day: date, roles=INVITED_ROLES) -> list[Membership]:
    """The body's seats on a day in the given roles: board first, then staff and observers."""
    seats = session.exec(
        select(Membership)
        .where(Membership.body_id == body_id, Membership.role.in_(roles))
        .options(joinedload(Membership.person))
        .order_by(Membership.id)
    ).all()
    seats = [s for s in seats if (s.start is None or s.start <= day) and (s.end is None or day <= s.end)]
    return sorted(seats, key=lambda s: (s.role not in VOTING_ROLES, s.id))


def current_chair_id(session: Session, body_id: int, day: date) -> int | None:
    seats = current_memberships(session, body_id, day, roles=(MembershipRole.chair,))
    return seats[0].person_id if seats else None


def previous_minutes_taker_id(session: Session, body_id: int) -> int | None:
    """The referent of the body's latest meeting that had one (the same secretary, as a rule)."""
    return session.exec(
        select(Meeting.minutes_taker_id)
        .where(Meeting.body_id == body_id, Meeting.minutes_taker_id.is_not(None))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    ).first()


def create_meeting(session: Session, body: Body, **values) -> Meeting:
    """A new meeting with the body's standard cases and its current members and staff invited.

    ``values`` are Meeting fields (title, starts_at, ends_at, all_day, place, mode, chair_id,
    minutes_taker_id, video_link, purpose). An empty place becomes the body's default place, no chair
    its current chair, no referent the referent of the body's latest meeting.
    """
    meeting = Meeting(body_id=body.id, **values)
    if not meeting.place:
        meeting.place = body.default_place
    if meeting.chair_id is None:
        meeting.chair_id = current_chair_id(session, body.id, local(meeting.starts_at).date())
    if meeting.minutes_taker_id is None:
        meeting.minutes_taker_id = previous_minutes_taker_id(session, body.id)
    session.add(meeting)
    session.flush()
    add_standard_cases(session, meeting)
    invite_members(session, meeting)
    return meeting


def update_meeting(session: Session, meeting: Meeting, **values) -> Meeting:
    """Change a meeting's time, place, title, mode, chair, referent, meeting link or purpose."""
    ensure_editable(meeting)
    for name, value in values.items():
        setattr(meeting, name, value)
    session.flush()
    session.expire(meeting, ["chair", "minutes_taker"])  # the people follow their changed ids
    return meeting


def cancel_meeting(session: Session, meeting: Meeting, reason: str) -> Meeting:
    """Mark the meeting avlyst; it stays, and calendars see STATUS:CANCELLED."""
    ensure_editable(meeting)
    move_to(meeting, MeetingStatus.cancelled)
    meeting.cancelled_reason = reason
    session.flush()
    return meeting


# --------------------------------------------------------------------------- invited


def invite_members(session: Session, meeting: Meeting) -> list[Attendance]:
    """Invite the body's members, staff and observers on the meeting's date who are not invited yet."""
    ensure_editable(meeting)
    seats = current_memberships(session, meeting.body_id, local(meeting.starts_at).date())
    added = []
    for seat in seats:
        municipality_id = seat.municipality_id if seat.role in VOTING_ROLES else None
        attendance = invite(session, meeting, seat.person_id, municipality_id, flush=False)
        if attendance is not None:
            added.append(attendance)
    session.flush()
    return added


def invite(session: Session, meeting: Meeting, person_id: int, municipality_id: int | None = None,
           flush: bool = True) -> Attendance | None:
    """Put a person on the invited list (last); None when they already are on it."""
    ensure_editable(meeting)
    existing = next((a for a in meeting.attendances if a.person_id == person_id), None)
    if existing is not None:
        if existing.invited:
            return None
        existing.invited = True
        attendance = existing
    else:
        position = max((a.position for a in meeting.attendances), default=-1) + 1
        attendance = Attendance(meeting_id=meeting.id, person_id=person_id, municipality_id=municipality_id,
                                position=position, invited=True)
        meeting.attendances.append(attendance)
        session.add(attendance)
    if flush:
        session.flush()
    return attendance


def uninvite(session: Session, meeting: Meeting, attendance: Attendance) -> None:
    """Take a person off the invited list; recorded attendance is kept, only the invitation goes."""
    ensure_editable(meeting)
    if attendance.status == AttendanceStatus.invited:
        meeting.attendances.remove(attendance)
        session.delete(attendance)
    else:
        attendance.invited = False
    session.flush()


# --------------------------------------------------------------------------- cases


def add_standard_cases(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The body's opening cases first and its closing cases (Eventuelt) last, from its template."""
    template = sorted(meeting.body.standard_cases,
                      key=lambda c: (c.place != StandardCasePlace.opening, c.position, c.id or 0))
    return [add_case(session, meeting, title=c.title, kind=c.kind, proposal=c.proposal,
                     closing=c.place == StandardCasePlace.closing)
            for c in template]


def lock_agenda(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """Wait until no one else changes the meeting's agenda, then read it afresh (in agenda order).

    Every change of the agenda's order starts here, so two secretaries adding cases at the same
    moment get one place each. The meeting's row is written (its ``modified_at``: the agenda
    changes, so does the meeting) and flushed: PostgreSQL keeps that row locked until the request
    commits, and SQLite lets one writer at a time in, so a second writer waits (the busy timeout)
    until the first has committed. The cache's revision rows (boardroom.core.cache) are
    raised only just before the commit, in sorted order, so they never make two writers wait
    for each other in a circle. The agenda is read after the lock,
    so places computed from it are current; the unique constraint on (meeting, position) is the
    last guard.
    """
    meeting.modified_at = utcnow()
    session.flush()
    items = session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id).execution_options(populate_existing=True)
    ).all()
    set_committed_value(meeting, "items", list(items))
    return meeting.items


def closing_start(meeting: Meeting) -> int:
    """Index of the first closing case (Eventuelt and the like), or the end when there is none."""
    return next((index for index, item in enumerate(meeting.items) if item.closing), len(meeting.items))


CASE_FIELDS = ("title", "exempt", "exemption_basis", "public_title")
ITEM_FIELDS = ("kind", "case_handler_id", "agenda_note", "background", "assessment", "proposal", "majority_rule",
               "majority_base", "closing")


def add_case(session: Session, meeting: Meeting, **values) -> AgendaItem:
    """A new case on the agenda, before the closing cases (Eventuelt).

    ``closing=True`` makes it one of the closing cases itself, put last. Once the notice is
    sent the case gets the next free number at once.
    """
    ensure_editable(meeting)
    values.setdefault("majority_rule", meeting.body.majority_rule)  # the body's rule, unless the case says
    values.setdefault("majority_base", meeting.body.majority_base)
    case = Case(body_id=meeting.body_id, **{k: v for k, v in values.items() if k in CASE_FIELDS})
    item = AgendaItem(meeting_id=meeting.id, body_id=meeting.body_id,
                      **{k: v for k, v in values.items() if k in ITEM_FIELDS})
    item.case = case
    return place_treatment(session, meeting, item)


def place_treatment(session: Session, meeting: Meeting, item: AgendaItem) -> AgendaItem:
    """Put a new treatment (a new case, a deferred or a late one) on the meeting's agenda.

    It goes before the closing cases, wherever the secretary has put those; a closing case
    itself goes last. In a meeting whose notice is sent it gets the next free number.
    """
    items = lock_agenda(session, meeting)
    items.insert(len(items) if item.closing else closing_start(meeting), item)  # adds it to the session
    _renumber_positions(session, meeting)
    if meeting.status in NUMBERED_STATES:
        assign_number(session, item, meeting_year(meeting))
    return item


def update_case(session: Session, item: AgendaItem, **values) -> AgendaItem:
    """Change a case's title, kind, handler, texts or exemption. Its number never changes."""
    ensure_editable(item.meeting)
    for name, value in values.items():
        setattr(item.case if name in CASE_FIELDS else item, name, value)
    session.flush()
    return item


class StaysLast(ValueError):
    """An ordinary case does not step past a closing case; the secretary moves the closing case."""


def move_case(session: Session, item: AgendaItem, direction: str) -> None:
    """Move a case one step "up" or "down" on the agenda (its number stays).

    The closing cases (Eventuelt) move only when the secretary moves them: an ordinary case
    next to one stays where it is (``StaysLast``), and Eventuelt itself can be moved up.
    """
    meeting = item.meeting
    ensure_editable(meeting)
    items = lock_agenda(session, meeting)
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return
    neighbour = items[target]
    if neighbour.closing and not item.closing:
        raise StaysLast(f"«{neighbour.case.title}» står sist i sakslisten og flyttes bare når du flytter den selv. "
                        f"Skal en sak stå etter, flytter du «{neighbour.case.title}» opp.")
    items.remove(item)
    items.insert(target, item)
    _renumber_positions(session, meeting)


def reorder(session: Session, meeting: Meeting, item_ids: list[int]) -> None:
    """Put the agenda in the given order (drag and drop, as the secretary dropped the cases).

    ``item_ids`` must be exactly the meeting's cases as they are now, so an order made before
    someone else added a case is refused rather than losing or misplacing it.
    """
    ensure_editable(meeting)
    by_id = {item.id: item for item in lock_agenda(session, meeting)}
    if sorted(item_ids) != sorted(by_id):
        raise ValueError("Rekkefølgen må inneholde hver sak i møtet nøyaktig én gang. "
                         "Last siden på nytt hvis noen har endret sakslisten i mellomtiden.")
    meeting.items[:] = [by_id[i] for i in item_ids]
    _renumber_positions(session, meeting)


def _renumber_positions(session: Session, meeting: Meeting) -> None:
    """Positions 0…n-1 in agenda order, flushed.

    Positions are unique per meeting at every step (not only at commit; SQLite has no deferred
    constraints), so cases that take a place another case still holds first step aside to
    negative positions, then take their places.
    """
    changed = [(position, item) for position, item in enumerate(meeting.items)
               if item.position != position or item.id is None]
    held = {item.position for _, item in changed if item.id is not None}
    if any(position in held for position, _ in changed):
        for position, item in changed:
            item.position = -1 - position
        session.flush()
    for position, item in changed:
        item.position = position
    session.flush()


# --------------------------------------------------------------------------- notice


def send_notice(session: Session, meeting: Meeting, now: datetime | None = None) -> list[AgendaItem]:
    """Send the notice (innkalling): planlagt → innkalt, and number every unnumbered case in agenda order.

    Returns the cases numbered now. Numbers continue the body's sequence for the meeting's year.
    """
    ensure_editable(meeting)
    if meeting.status != MeetingStatus.called:
        move_to(meeting, MeetingStatus.called)
        meeting.called_at = now or utcnow()
    numbered = [item for item in meeting.items if item.number_seq is None]
    year = meeting_year(meeting)
    for item in numbered:
        assign_number(session, item, year)
    session.flush()
    return numbered


# --------------------------------------------------------------------------- attachments


def add_attachment(session: Session, meeting: Meeting, title: str, filename: str, data: bytes,
                   item: AgendaItem | None = None, exempt: bool = False, exemption_basis: str = "",
                   alt_text: str = "") -> Attachment:
    """Upload a Vedlegg to a meeting, or to one of its cases; the file is stored once by content.

    With ``alt_text`` the file is a figure the case text can show (``![alt](bilde:ID)``): it must be a
    PNG or JPEG picture that Word can show.
    """
    ensure_editable(meeting)
    filename = files.clean_filename(filename)
    alt_text = (alt_text or "").strip()
    if alt_text:
        files.check_figure(filename, data)
    stored = files.store(session, filename, data)
    owner = item if item is not None else meeting
    attachment = Attachment(
        meeting_id=None if item is not None else meeting.id,
        agenda_item_id=item.id if item is not None else None,
        file_id=stored.id, title=title, filename=filename, exempt=exempt,
        exemption_basis=exemption_basis if exempt else "", alt_text=alt_text,
        position=max((a.position for a in owner.attachments), default=-1) + 1,
    )
    session.add(attachment)
    attachment.file = stored
    owner.attachments.append(attachment)
    session.flush()
    return attachment


def remove_attachment(session: Session, meeting: Meeting, attachment: Attachment) -> None:
    """Take a Vedlegg off its meeting or case (the stored file stays, others may share it)."""
    ensure_editable(meeting)
    session.delete(attachment)
    session.flush()


def attachment_meeting(attachment: Attachment) -> Meeting:
    return attachment.meeting if attachment.meeting_id else attachment.agenda_item.meeting


def load_item_in_meeting(session: Session, item_id: int) -> AgendaItem | None:
    """The case with its whole meeting loaded (so its place among the others is known)."""
    item = session.get(AgendaItem, item_id)
    if item is not None:
        load_meeting(session, item.meeting_id)
    return item


def load_attachment(session: Session, attachment_id: int) -> Attachment | None:
    """The attachment with its file, meeting and case."""
    return session.exec(
        select(Attachment).where(Attachment.id == attachment_id).options(
            joinedload(Attachment.file), joinedload(Attachment.meeting),
            joinedload(Attachment.agenda_item).joinedload(AgendaItem.case),
            joinedload(Attachment.agenda_item).joinedload(AgendaItem.meeting),
        )
    ).first()
