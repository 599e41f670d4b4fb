"""Minutes assembly: a meeting with everything its page, JSON and protokoll.docx show.

``load_meeting`` fetches a meeting and all it needs in a fixed number of queries, however
many cases it has. ``assemble`` turns it into the lists the minutes print (Styremedlemmer,
Innkalt, Til stede, Ikke til stede), so the page and the document say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from boardroom.core.formatting import local
from boardroom.meetings.numbering import format_number
from boardroom.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    Membership,
    MembershipRole,
    Vote,
    VoteEvent,
)
from boardroom.participation.status import join_names

BOARD_ROLES = (MembershipRole.chair, MembershipRole.deputy_chair, MembershipRole.member)


# built once, with the meeting's id as a parameter: the options' cache key is worked out once,
# not on every page (a tenth of a small meeting's page)
_MEETING_QUERY = (
    select(Meeting)
    .where(Meeting.id == sa.bindparam("meeting_id"))
    .options(
        # many-to-one rows join into their parent's query; lists come in one query each
        joinedload(Meeting.body),
        joinedload(Meeting.chair),
        joinedload(Meeting.co_signer),
        joinedload(Meeting.second_co_signer),
        joinedload(Meeting.minutes_taker),
        selectinload(Meeting.attachments),
        selectinload(Meeting.attendances).options(
            joinedload(Attendance.person),
            joinedload(Attendance.municipality),
            joinedload(Attendance.substitute_for),
        ),
        selectinload(Meeting.items).options(
            joinedload(AgendaItem.case),
            joinedload(AgendaItem.case_handler),
            selectinload(AgendaItem.attachments),
            joinedload(AgendaItem.deferred_from).joinedload(AgendaItem.meeting),
            selectinload(AgendaItem.vote_events).selectinload(VoteEvent.votes)
            .selectinload(Vote.membership).joinedload(Membership.person),
        ),
    )
)


def load_meeting(session: Session, meeting_id: int) -> Meeting | None:
    """The meeting with body, people, attendance, cases, votes and attachments loaded."""
    return session.exec(_MEETING_QUERY, params={"meeting_id": meeting_id}).first()


def board_members(session: Session, body_id: int, day: date) -> list[Membership]:
    """The body's voting members (chair, deputy chair, members) on a day."""
    seats = session.exec(
        select(Membership)
        .where(Membership.body_id == body_id, Membership.role.in_(BOARD_ROLES))
        .options(joinedload(Membership.person), joinedload(Membership.municipality))
    ).all()
    seats = [s for s in seats if (s.start is None or s.start <= day) and (s.end is None or day <= s.end)]
    return sorted(seats, key=lambda s: s.id)  # the order the secretary entered them


def item_number(item: AgendaItem) -> str:
    return format_number(item.meeting.body.case_number_format, item.number_year, item.number_seq)


def person_with_affiliation(att: Attendance) -> str:
    """'Rachel Berg (Alstahaug)', 'Hilde Rafaelsen (DH)', and for a deputy
    'Atle Henriksen (Lurøy, vara for Stian Skjærvik)'."""
    where = att.municipality.name if att.municipality else att.person.affiliation
    if att.substitute_for is not None:
        where = f"{where}, vara for {att.substitute_for.name}" if where else f"vara for {att.substitute_for.name}"
    return f"{att.person.name} ({where})" if where else att.person.name


NOT_RECORDED = "Oppmøte ikke registrert"


@dataclass
class MinutesView:
    meeting: Meeting
    members: list[Membership]
    invited_text: str
    present: list[str]
    absent_text: str  # the members (municipalities) nobody represented: 'Dønna, Sømna og Træna'
    apologies: list[str] = field(default_factory=list)  # forfall: who sent apologies, and whom they represent
    no_shows: list[str] = field(default_factory=list)  # ikke møtt: absent without notice
    recorded: bool = True  # attendance has been recorded (else the draft says so)

    @property
    def members_text(self) -> str:
        return ", ".join(
            f"{s.person.name} ({s.municipality.name})" if s.municipality else s.person.name for s in self.members
        )

    @property
    def present_text(self) -> str:
        return ", ".join(self.present) if self.recorded else NOT_RECORDED

    @property
    def apologies_text(self) -> str:
        return ", ".join(self.apologies)

    @property
    def no_shows_text(self) -> str:
        return ", ".join(self.no_shows)


def assemble(session: Session, meeting: Meeting) -> MinutesView:
    """The attendance lists as the minutes print them."""
    day = local(meeting.starts_at).date()
    members = board_members(session, meeting.body_id, day)
    member_ids = {s.person_id for s in members}
    invited = [a for a in meeting.attendances if a.invited]
    invited_ids = {a.person_id for a in invited}
    others = [a for a in invited if a.person_id not in member_ids and a.substitute_for_id is None]

    if members and member_ids <= invited_ids:
        parts = ["Alle styremedlemmer"]
    else:
        parts = [person_with_affiliation(a) for a in invited if a.person_id in member_ids]
    for a in others:
        role = ", ".join(x for x in (a.person.title, a.person.affiliation) if x)
        parts.append(f"{a.person.name} ({role})" if role else a.person.name)
    invited_text = ", ".join(parts)

    present_atts = [a for a in meeting.attendances if a.status == AttendanceStatus.present]
    present = [person_with_affiliation(a) for a in present_atts]

    # a municipality is absent when none of its representatives (member or deputy) came
    represented = {a.municipality_id for a in present_atts if a.municipality_id}
    absent = [
        s.municipality.name
        for s in members
        if s.municipality and s.municipality_id not in represented
        and any(a.person_id == s.person_id and a.status in (AttendanceStatus.absent, AttendanceStatus.absent_notice)
                for a in meeting.attendances)
    ]
    invited_or_present = [a for a in meeting.attendances if a.invited or a.status != AttendanceStatus.invited]
    recorded = any(a.status != AttendanceStatus.invited for a in invited_or_present) or not invited_or_present
    return MinutesView(
        meeting, members, invited_text, present, join_names(absent),
        apologies=[person_with_affiliation(a) for a in meeting.attendances if a.status == AttendanceStatus.absent_notice],
        no_shows=[person_with_affiliation(a) for a in meeting.attendances if a.status == AttendanceStatus.absent],
        recorded=recorded,
    )
