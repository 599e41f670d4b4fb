"""What "Min side" shows a signed-in board member: their next meetings with the papers and their
answer, the cases they handle or are disqualified in, their follow-ups, their municipality's open
participation answers and whether their personal calendar feed is active.

Everything comes in a fixed number of queries, however many meetings, cases or answers there are.
What the member may read is decided by ``boardroom.core.access``, as on every other page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.access import agenda_published, can_see_agenda, shown_title
from boardroom.core.formatting import OSLO
from boardroom.decisions.absence import can_report
from boardroom.followups.followups import FollowUpRow, follow_up_rows, visible_follow_ups
from boardroom.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Disqualification,
    FeedToken,
    FollowUp,
    Meeting,
    MeetingStatus,
    Membership,
    Municipality,
    ParticipationAnswer,
    Person,
)
from boardroom.participation.matrix import fast_overview
from boardroom.participation.status import DecisionStatus

RECENT_DAYS = 120  # "recent" cases: of meetings that began at most this long ago


def now() -> datetime:
    """The present moment (tests replace it)."""
    return datetime.now(OSLO)


@dataclass
class MyMeeting:
    """A coming meeting I am invited to (or called in to as deputy), with my answer."""

    meeting: Meeting
    attendance: Attendance
    items: list[AgendaItem]  # the saksliste, when I may see it
    notice_sent: bool  # innkalling.docx and the numbered saksliste are out
    may_report: bool  # absence can still be reported

    @property
    def absent(self) -> bool:
        return self.attendance.status == AttendanceStatus.absent_notice

    @property
    def deputy_for(self) -> str:
        sub = self.attendance.substitute_for
        return sub.name if sub is not None else ""


@dataclass
class MyCase:
    """A case of a coming or recent meeting that I handle or am disqualified in."""

    item: AgendaItem
    title: str
    handler: bool
    disqualified: Disqualification | None
    coming: bool


@dataclass
class MyPage:
    person: Person
    meetings: list[MyMeeting]
    cases: list[MyCase]
    follow_ups: list[FollowUpRow]
    municipality: Municipality | None
    open_answers: list[DecisionStatus]  # decisions my municipality has not answered, or answers "Avklares"
    feed_token: FeedToken | None
    recent_days: int = RECENT_DAYS

    @property
    def open_follow_ups(self) -> int:
        return sum(not r.closed for r in self.follow_ups)

    @property
    def overdue_follow_ups(self) -> int:
        return sum(r.overdue for r in self.follow_ups)


def my_seat(session: Session, person_id: int, day) -> Membership | None:
    """The seat through which the person represents a municipality: a current one, else the newest."""
    seats = session.exec(
        select(Membership).where(Membership.person_id == person_id, Membership.municipality_id.is_not(None))
        .options(joinedload(Membership.municipality)).order_by(Membership.id)
    ).all()
    current = [s for s in seats if (s.start is None or s.start <= day) and (s.end is None or day <= s.end)]
    return (current or seats[::-1] or [None])[0]


def my_meetings(session: Session, person_id: int, moment: datetime) -> list[MyMeeting]:
    """Meetings not yet over where I am invited or called in as deputy, soonest first (two queries)."""
    rows = session.exec(
        select(Attendance, Meeting)
        .join(Meeting, Attendance.meeting_id == Meeting.id)
        .where(Attendance.person_id == person_id,
               or_(Attendance.invited, Attendance.substitute_for_id.is_not(None)),
               Meeting.ends_at >= moment)
        .options(joinedload(Attendance.substitute_for))
        .options(joinedload(Meeting.body))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    shown = [meeting.id for _, meeting in rows if can_see_agenda(meeting)]
    items: dict[int, list[AgendaItem]] = {}
    if shown:
        for item in session.exec(
            select(AgendaItem).where(AgendaItem.meeting_id.in_(shown))
            .options(joinedload(AgendaItem.case), joinedload(AgendaItem.meeting).joinedload(Meeting.body))
            .order_by(AgendaItem.meeting_id, AgendaItem.position)
        ):
            items.setdefault(item.meeting_id, []).append(item)
    return [
        MyMeeting(meeting, attendance, items.get(meeting.id, []), agenda_published(meeting),
                  can_report(meeting, attendance))
        for attendance, meeting in rows
    ]


def my_cases(session: Session, person_id: int, moment: datetime) -> list[MyCase]:
    """Cases of meetings that are coming or began within RECENT_DAYS that I handle or am disqualified
    in; coming ones first, soonest first, then recent ones, newest first (two queries)."""
    since = moment - timedelta(days=RECENT_DAYS)
    disqualified = select(Disqualification.agenda_item_id).where(Disqualification.person_id == person_id)
    items = session.exec(
        select(AgendaItem).join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(or_(AgendaItem.case_handler_id == person_id, AgendaItem.id.in_(disqualified)),
               Meeting.starts_at >= since, Meeting.status != MeetingStatus.cancelled)
        .options(joinedload(AgendaItem.case), joinedload(AgendaItem.meeting).joinedload(Meeting.body))
        .order_by(Meeting.starts_at, AgendaItem.position)
    ).all()
    reasons = {d.agenda_item_id: d for d in session.exec(
        select(Disqualification).where(Disqualification.person_id == person_id,
                                       Disqualification.agenda_item_id.in_([i.id for i in items]))
    )} if items else {}
    rows = [MyCase(i, shown_title(i), i.case_handler_id == person_id, reasons.get(i.id),
                   i.meeting.ends_at >= moment) for i in items]
    return [r for r in rows if r.coming] + [r for r in rows if not r.coming][::-1]


def open_answers(session: Session, municipality: Municipality) -> list[DecisionStatus]:
    """Project decisions the municipality was a member for whose latest answer is "Avklares" or missing."""
    _, statuses, _ = fast_overview(session)
    result = []
    for status in statuses:
        if not municipality.is_member_on(status.decision.decided_on):
            continue
        given = status.answer_for(municipality)
        if given is None or given.answer == ParticipationAnswer.pending:
            result.append(status)
    return result


def my_page(session: Session, person_id: int, moment: datetime | None = None) -> MyPage:
    """Everything Min side shows for the person, in a fixed number of queries."""
    moment = moment or now()
    person = session.get(Person, person_id)
    seat = my_seat(session, person_id, moment.astimezone(OSLO).date())
    town = seat.municipality if seat is not None else None
    follow_ups = visible_follow_ups(
        follow_up_rows(session, FollowUp.responsible_person_id == person_id, moment.astimezone(OSLO).date()),
        public=False)
    token = session.exec(
        select(FeedToken).where(FeedToken.person_id == person_id, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.id.desc())
    ).first()
    return MyPage(
        person=person,
        meetings=my_meetings(session, person_id, moment),
        cases=my_cases(session, person_id, moment),
        follow_ups=follow_ups,
        municipality=town,
        open_answers=open_answers(session, town) if town is not None else [],
        feed_token=token,
    )
