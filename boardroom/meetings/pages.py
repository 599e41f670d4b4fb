"""What the meeting pages show, loaded by their views in a fixed number of queries: the list of
meetings by year, one meeting with its minutes' lists, the follow-ups it takes up and its
decisions' record, and one case with its record, cost shares, follow-ups and history.

``public`` means the viewer is not signed in: then only published material is included."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from boardroom.archive.versions import Shown, current_version, minutes_record, read_version, versions
from boardroom.core.access import plan_visible_clause, shown_versions
from boardroom.core.formatting import local
from boardroom.core.orgs import here
from boardroom.costs.approved import control_slips, differs_from_key, slips
from boardroom.costs.tables import ShareTable, tables_for_items
from boardroom.decisions.history import HistoryRow, case_history
from boardroom.decisions.record import MinutesExtras, case_extras
from boardroom.followups.followups import FollowUpRow, follow_up_rows, open_follow_ups_for, visible_follow_ups
from boardroom.meetings.lookup import published
from boardroom.meetings.minutes import MinutesView
from boardroom.models import (
    AgendaItem,
    Body,
    Case,
    FollowUp,
    Meeting,
    MeetingStatus,
    Membership,
    MinutesVersion,
    Vote,
    VoteEvent,
)
from boardroom.participation.status import ParticipationLine, participation_lines


def meetings_by_year(session: Session) -> list[tuple[int, list[tuple[Meeting, int]]]]:
    """Every meeting with its number of cases, grouped by year (newest year first)."""
    counts = dict(
        session.exec(select(AgendaItem.meeting_id, func.count(AgendaItem.id)).group_by(AgendaItem.meeting_id)).all()
    )
    meetings = session.exec(select(Meeting).join(Body, Meeting.body_id == Body.id).where(here(Body.organisation_id))
                            .where(plan_visible_clause()).order_by(Meeting.starts_at, Meeting.id)).all()
    rows = [(m, counts.get(m.id, 0)) for m in meetings]
    groups = [(year, list(group)) for year, group in groupby(rows, key=lambda r: local(r[0].starts_at).year)]
    return sorted(groups, key=lambda g: g[0], reverse=True)


@dataclass
class MeetingPage:
    meeting: Meeting  # or, for approved minutes, the stored version read back (boardroom.archive)
    minutes: MinutesView
    record: MinutesExtras  # vote results, disqualifications, corrections
    follow_ups: list[FollowUpRow]  # "Oppfølging av tidligere vedtak"
    version: MinutesVersion | None = None  # the current stored version of approved minutes
    versions: list[MinutesVersion] = field(default_factory=list)


def meeting_page(session: Session, meeting: Meeting, public: bool, shown: Shown | None = None) -> MeetingPage:
    """``meeting`` as ``load_meeting`` gives it, or with ``shown`` as ``load_shown`` gives it."""
    record, current = (shown.record, shown.stored) if shown is not None else minutes_record(session, meeting)
    return MeetingPage(record.meeting, record.minutes, record.extras,
                       visible_follow_ups(open_follow_ups_for(session, meeting), public),
                       current, shown_versions(versions(session, meeting.id) if shown is None else shown.versions,
                                               record.extras.corrections, record.meeting) if current else [])


_ITEM_LIGHT = (joinedload(AgendaItem.meeting).joinedload(Meeting.body),
               joinedload(AgendaItem.case).selectinload(Case.treatments).joinedload(AgendaItem.meeting))
_ITEM_FULL = (
    joinedload(AgendaItem.case_handler),
    selectinload(AgendaItem.attachments),
    joinedload(AgendaItem.deferred_from).joinedload(AgendaItem.meeting),
    selectinload(AgendaItem.vote_events).selectinload(VoteEvent.votes).options(
        joinedload(Vote.municipality), joinedload(Vote.membership).joinedload(Membership.person)),
)
# built once, with the item's id as a parameter (their cache keys are worked out once, not per page)
_ITEM_QUERIES = {full: select(AgendaItem).where(AgendaItem.id == sa.bindparam("item_id"))
                 .options(*_ITEM_LIGHT, *(_ITEM_FULL if full else ())) for full in (False, True)}


def load_item(session: Session, item_id: int, full: bool = True) -> AgendaItem | None:
    """One treatment of a case with its meeting and the case's other treatments, and (``full``)
    its texts' handler, attachments and votes: a case the approved minutes store needs none of
    those, its page shows them as stored."""
    return session.exec(_ITEM_QUERIES[bool(full)], params={"item_id": item_id}).first()


@dataclass
class CasePage:
    item: AgendaItem
    record: MinutesExtras
    cost_tables: list[ShareTable] = field(default_factory=list)  # as decided, on the meeting's day
    follow_ups: list[FollowUpRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)  # for signed-in users only
    stored: bool = False  # the case as the approved minutes store it
    # cost id → the slips of approved rows that are not what the key gives (boardroom.costs.approved)
    cost_slips: dict[int, list[str]] = field(default_factory=dict)
    participation: list[ParticipationLine] = field(default_factory=list)  # decided in the case


def stored_case_page(session: Session, item: AgendaItem) -> CasePage | None:
    """The case as its meeting's stored minutes hold it, with its other treatments as they are now."""
    if item.meeting.status != MeetingStatus.approved:
        return None
    row = current_version(session, item.meeting_id)
    if row is None:
        return None
    record = read_version(session, row).record
    frozen = next((i for i in record.meeting.items if i.id == item.id), None)
    if frozen is None:
        return None
    frozen.case.treatments = item.case.treatments
    return CasePage(frozen, record.extras, stored=True)


def case_page(session: Session, item: AgendaItem, public: bool, readable: bool) -> CasePage:
    """``item`` as ``load_item`` gives it (``full`` or not). ``readable``: the viewer may read the
    case's texts (it is not exempt from them).

    A case of approved minutes is shown as stored: its texts, votes and cost tables as approved."""
    page = stored_case_page(session, item)
    if page is None:
        item = load_item(session, item.id)  # as it stands: its handler, attachments and votes too
        page = CasePage(item, case_extras(session, item))
    if readable:
        tables = page.item.cost_tables if page.stored else tables_for_items(session, [item.id]).get(item.id, [])
        page.cost_tables = [] if public and not published(item) else tables
        page.cost_slips = {t.cost.id: slips(t) + control_slips(page.item.background)
                           for t in page.cost_tables if differs_from_key(t)}
        page.follow_ups = visible_follow_ups(follow_up_rows(session, FollowUp.agenda_item_id == item.id), public)
        page.participation = (page.item.participation if page.stored
                              else participation_lines(session, [item.id]).get(item.id, []))
    if not public:
        page.history = case_history(session, item)
    return page
