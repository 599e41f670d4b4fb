"""The meeting plan as iCalendar (RFC 5545), and the SEQUENCE bookkeeping behind it.

One VEVENT per meeting with a stable UID (``meeting-<id>@<host>``): moving a meeting keeps
its UID and raises SEQUENCE. A cancelled meeting stays in the feed with STATUS:CANCELLED and
"AVLYST: " before its title, so subscribed calendars mark it instead of keeping a stale copy.
All-day meetings are DATE events (end exclusive), so a two-day meeting is one event; timed
meetings carry TZID=Europe/Oslo and the matching VTIMEZONE, written as two yearly rules
(RRULE) as Outlook expects. The feed asks to be fetched again every hour (REFRESH-INTERVAL,
X-PUBLISHED-TTL). Calendar apps ignore URL, so DESCRIPTION starts with the meeting's link.

What a feed says is what the public may read (the saksliste once the notice is sent, public
titles of exempt cases), whoever subscribes: a feed address can be passed on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlmodel import select

from boardroom.core.access import agenda_published, public_title
from boardroom.core.formatting import local
from boardroom.core.labels import label
from boardroom.meetings.minutes import item_number
from boardroom.models import AgendaItem, Body, Case, Meeting, MeetingStatus

PRODID = "-//boardroom//Meeting plan//NB"
TIMEZONE = "Europe/Oslo"
CANCELLED_PREFIX = "AVLYST: "
REFRESH = timedelta(hours=1)  # how often subscribed calendars should fetch the feed again

# What a subscriber sees change in their calendar; a change to any of these raises SEQUENCE.
CALENDAR_FIELDS = ("starts_at", "ends_at", "all_day", "place", "title", "status", "mode")

# A planned meeting has a date but no notice yet and may still move, so it is TENTATIVE;
# once the notice is sent (called) the time is binding, and held/approved meetings took place.
STATUS = {
    MeetingStatus.planned: "TENTATIVE",
    MeetingStatus.called: "CONFIRMED",
    MeetingStatus.held: "CONFIRMED",
    MeetingStatus.approved: "CONFIRMED",
    MeetingStatus.cancelled: "CANCELLED",
}


def load_meetings(session: Session, *where, light: bool = False) -> list[Meeting]:
    """Every meeting (or those matching ``where``) by start, with body, cases and items, in a
    fixed number of queries. ``light``: of items and cases only what an event shows (a feed
    over years of meetings need not read every case text)."""
    # loader options are generative: each call gives a new option, which is what is kept
    items = selectinload(Meeting.items)
    if light:
        items = items.load_only(AgendaItem.meeting_id, AgendaItem.case_id, AgendaItem.position,
                                AgendaItem.number_year, AgendaItem.number_seq, AgendaItem.modified_at)
    cases = items.joinedload(AgendaItem.case)  # many-to-one: in the items' statement
    if light:
        cases = cases.load_only(Case.title, Case.exempt, Case.public_title, Case.modified_at)
    return list(
        session.exec(
            select(Meeting)
            .where(*where)
            .options(joinedload(Meeting.body), cases)  # many-to-one: joined into the same statement
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def meeting_url(meeting: Meeting, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/meetings/{meeting.id}"


def meeting_uid(meeting: Meeting, base_url: str) -> str:
    """'meeting-7@boardroom.example.no': never changes, whatever happens to the meeting."""
    host = urlsplit(base_url).hostname or "boardroom"
    return f"meeting-{meeting.id}@{host}"


def changed_at(meeting: Meeting) -> datetime:
    """When anything the meeting's event shows last changed (meeting, body, cases)."""
    rows = [meeting, meeting.body, *meeting.items, *(item.case for item in meeting.items)]
    return max(row.modified_at for row in rows)


def event_dates(meeting: Meeting) -> tuple[date, date]:
    """First day and the day after the last (DTEND of an all-day event is exclusive)."""
    start, end = local(meeting.starts_at), local(meeting.ends_at)
    last_day = (end - timedelta(seconds=1)).date() if end > start else start.date()
    return start.date(), last_day + timedelta(days=1)


def description(meeting: Meeting, base_url: str) -> str:
    lines = [f"Møteside: {meeting_url(meeting, base_url)}"]
    if meeting.purpose:
        lines.append(f"Formål: {meeting.purpose}")
    lines.append(f"Møteform: {label(meeting.mode)}")
    if meeting.status == MeetingStatus.cancelled and meeting.cancelled_reason:
        lines.append(f"Avlyst: {meeting.cancelled_reason}")
    if meeting.items and agenda_published(meeting):  # subscribers are the public
        lines += ["", "Saksliste:"]
        lines += [f"{item_number(item)} {public_title(item.case)}".strip() for item in meeting.items]
    return "\n".join(lines)


def meeting_event(meeting: Meeting, base_url: str) -> icalendar.Event:
    """One VEVENT for a meeting."""
    summary = f"{meeting.title} – {meeting.body.name}"
    if meeting.status == MeetingStatus.cancelled:
        summary = CANCELLED_PREFIX + summary
    changed = changed_at(meeting)

    ev = icalendar.Event()
    ev.add("uid", meeting_uid(meeting, base_url))
    # the time of the last change, not of the request, so the feed is byte-stable
    ev.add("dtstamp", changed)
    ev.add("created", meeting.created_at)
    ev.add("last-modified", changed)
    ev.add("sequence", meeting.sequence)
    if meeting.all_day:
        first, after_last = event_dates(meeting)
        ev.add("dtstart", first)
        ev.add("dtend", after_last)
    else:
        ev.add("dtstart", local(meeting.starts_at))
        if meeting.ends_at > meeting.starts_at:
            ev.add("dtend", local(meeting.ends_at))
    ev.add("summary", summary)
    if meeting.place:
        ev.add("location", meeting.place)
    ev.add("url", meeting_url(meeting, base_url))
    ev.add("description", description(meeting, base_url))
    ev.add("status", STATUS[meeting.status])
    ev.add("transp", "TRANSPARENT" if meeting.status == MeetingStatus.cancelled else "OPAQUE")
    return ev


def observance(kind, name: str, start: datetime, month: int, offset_from: int, offset_to: int):
    part = kind()
    part.add("tzname", name)
    part.add("dtstart", start)
    part.add("tzoffsetfrom", timedelta(hours=offset_from))
    part.add("tzoffsetto", timedelta(hours=offset_to))
    part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
    return part


def oslo_timezone() -> icalendar.Timezone:
    """VTIMEZONE for Europe/Oslo as two yearly rules (EU summer time since 1996).

    Outlook reads a STANDARD and a DAYLIGHT observance with RRULE; the long RDATE lists that
    icalendar derives from the tz database are read wrongly by Outlook, dateutil and ical.js.
    """
    zone = icalendar.Timezone()
    zone.add("tzid", TIMEZONE)
    zone.add("x-lic-location", TIMEZONE)
    # summer time ends on the last Sunday of October at 03.00 and starts on the last of March at 02.00
    zone.add_component(observance(icalendar.TimezoneStandard, "CET", datetime(1996, 10, 27, 3), 10, 2, 1))
    zone.add_component(observance(icalendar.TimezoneDaylight, "CEST", datetime(1996, 3, 31, 2), 3, 1, 2))
    return zone


def calendar_name(body_names: set[str]) -> str:
    """'Møteplan – Styret i …' for one body's meetings, else 'Møteplan'."""
    return f"Møteplan – {next(iter(body_names))}" if len(body_names) == 1 else "Møteplan"


def make_calendar(meetings: list[Meeting], base_url: str, name: str | None = None) -> icalendar.Calendar:
    """A feed of ``meetings``, called ``name`` (by default after their body)."""
    name = name or calendar_name({m.body.name for m in meetings})
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)  # RFC 7986
    cal.add("x-wr-calname", name)  # what Outlook, Google and Apple show
    cal.add("x-wr-timezone", TIMEZONE)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    # always, and first: every timed event is in Europe/Oslo, and even a plan of only
    # all-day meetings says which zone its dates belong to
    cal.add_component(oslo_timezone())
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, base_url))
    return cal


def event_stamps(session: Session, where: tuple) -> list:
    """Per meeting of the feed, by start: its id, its body's name and what its event depends
    on (the last change of meeting, body, items and cases, and how many items it has), in
    one query whatever the number of meetings."""
    query = (
        sa.select(Meeting.id, Meeting.created_at, Meeting.modified_at, Meeting.sequence, Body.name,
                  Body.modified_at, sa.func.max(AgendaItem.modified_at), sa.func.max(Case.modified_at),
                  sa.func.count(AgendaItem.id))
        .join(Body, Body.id == Meeting.body_id)
        .outerjoin(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(Case, Case.id == AgendaItem.case_id)
        .where(*where)
        .group_by(Meeting.id, Meeting.created_at, Meeting.modified_at, Meeting.sequence, Meeting.starts_at,
                  Body.name, Body.modified_at)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return list(session.execute(query))


def feed_ics(session: Session, where: tuple, base_url: str, name: str | None = None) -> tuple[bytes, datetime | None]:
    """The feed of the meetings matching ``where`` as iCalendar, and its last change.

    The same bytes as ``make_calendar(...).to_ical()``, but each meeting's VEVENT is built
    once per change of what it shows and kept in the app's bounded event cache, so after a
    change to one meeting only that meeting is read and written again; the feed itself costs
    one query. Written by hand because icalendar has no such cache."""
    cache = current_app.extensions.get("boardroom.events") if has_app_context() else None
    rows = event_stamps(session, where)
    events: dict[int, bytes] = {}
    keys = {}
    for row in rows:
        keys[row[0]] = (row[0], base_url, *row[1:4], *row[5:])
        found = cache.get(keys[row[0]]) if cache is not None else None
        if found is not None:
            events[row[0]] = found
    missing = [meeting_id for meeting_id in keys if meeting_id not in events]
    if missing:
        for meeting in load_meetings(session, Meeting.id.in_(missing), light=True):
            events[meeting.id] = meeting_event(meeting, base_url).to_ical()
            if cache is not None:
                cache.put(keys[meeting.id], events[meeting.id])
    head = make_calendar([], base_url, name or calendar_name({row[4] for row in rows})).to_ical()
    end = b"END:VCALENDAR\r\n"  # the events go before it
    changes = [stamp for row in rows for stamp in (row[2], row[5], row[6], row[7]) if stamp is not None]
    return head[: -len(end)] + b"".join(events[row[0]] for row in rows) + end, max(changes, default=None)


def calendar_changed(meeting: Meeting) -> bool:
    state = inspect(meeting)
    return any(state.attrs[name].history.has_changes() for name in CALENDAR_FIELDS)


@event.listens_for(Session, "before_flush")
def _raise_sequence_before_flush(session, flush_context, instances):
    """Raise SEQUENCE of every stored meeting whose time, place, title, status or mode changed."""
    for obj in list(session.dirty):
        if isinstance(obj, Meeting) and inspect(obj).persistent and calendar_changed(obj):
            obj.sequence = (obj.sequence or 0) + 1
