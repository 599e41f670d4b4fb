"""Generated pages, JSON and documents, built once per change of the data they show.

The data is divided into scopes: one meeting with everything recorded in it ("meeting", id),
a body's meetings as a whole where one meeting shows another's cases or follow-ups ("body",
id), every meeting at once for the lists ("meetings"), and everything else – registers,
people, projects, costs – that many pages show ("global"). Every change raises, in the
writer's transaction, the counter of each scope it touches (``Revision`` rows; ``SCOPES``
below maps each model to its scopes). A cached response is keyed by the endpoint, its
arguments and the counters of the scopes it shows, so a read costs one small query while
nothing it shows has changed, and a change to one meeting leaves the other meetings cached.
The ETag comes with it, so calendar apps and browsers get 304 Not Modified.

The counters are raised once per transaction, just before it commits, in one order (sorted
by scope), with an upsert: two writers never wait for each other in a circle over them, and
no increment is lost. A further kind of scope (an organisation) is a new entry in ``SCOPES``
and in the views' scope lists.

Written by hand: Flask-Caching would still need this invalidation key, which is the
whole of the logic here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache, wraps

import sqlalchemy as sa
from flask import current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession

from boardroom.core.db import get_session
from boardroom.core.formatting import OSLO
from boardroom.core.inputs import today
from boardroom.models import (
    AgendaItem,
    Attachment,
    Attendance,
    AuditEntry,
    Case,
    Correction,
    Disqualification,
    FollowUp,
    LoginThrottle,
    Meeting,
    MinutesVersion,
    OutboxMessage,
    Revision,
    UsedToken,
    Vote,
    VoteEvent,
    utcnow,
)

REVISION = Revision.__table__
AGENDA = AgendaItem.__table__
FOLLOW_UP = FollowUp.__table__

Scope = tuple[str, int]
GLOBAL: Scope = ("global", 0)
MEETINGS: Scope = ("meetings", 0)  # raised with every meeting's scope: the lists of meetings


def meeting(meeting_id: int | None) -> Scope | None:
    return ("meeting", meeting_id) if meeting_id is not None else None


def body(body_id: int | None) -> Scope | None:
    return ("body", body_id) if body_id is not None else None


class _Resolver:
    """Finds the meeting a changed row belongs to, from the session's rows or one small query."""

    def __init__(self, orm_session: OrmSession):
        self.session = orm_session
        self.connection = orm_session.connection()
        self.items: dict[int, tuple[int | None, int | None]] = {}
        self.events: dict[int, int | None] = {}

    def _loaded(self, model, key):
        return self.session.identity_map.get(sa.inspect(model).identity_key_from_primary_key((key,)))

    def item(self, item_id: int | None) -> tuple[int | None, int | None]:
        """(meeting id, body id) of an agenda item."""
        if item_id is None:
            return None, None
        if item_id not in self.items:
            row = self._loaded(AgendaItem, item_id)
            if row is not None and row.meeting_id is not None:
                self.items[item_id] = (row.meeting_id, row.body_id)
            else:
                found = self.connection.execute(
                    sa.select(AGENDA.c.meeting_id, AGENDA.c.body_id).where(AGENDA.c.id == item_id)
                ).first()
                self.items[item_id] = tuple(found) if found else (None, None)
        return self.items[item_id]

    def vote_event_item(self, event_id: int | None) -> int | None:
        if event_id is None:
            return None
        if event_id not in self.events:
            row = self._loaded(VoteEvent, event_id)
            self.events[event_id] = (
                row.agenda_item_id
                if row is not None
                else self.connection.execute(
                    sa.select(VoteEvent.__table__.c.agenda_item_id).where(VoteEvent.__table__.c.id == event_id)
                ).scalar()
            )
        return self.events[event_id]

    def case_meetings(self, case_id: int) -> list[int]:
        return list(
            self.connection.execute(
                sa.select(AGENDA.c.meeting_id).where(AGENDA.c.case_id == case_id).distinct()
            ).scalars()
        )

    def shared_items(self, item_ids: set[int]) -> set[int]:
        """Those of ``item_ids`` that another meeting's page shows: an item with follow-ups (later
        meetings list them), one that closes a follow-up, one deferred to another meeting, or a
        treatment of a case treated in more than one meeting."""
        if not item_ids:
            return set()
        other = AGENDA.alias("other")
        ids = list(item_ids)
        query = sa.union(
            sa.select(FOLLOW_UP.c.agenda_item_id).where(FOLLOW_UP.c.agenda_item_id.in_(ids)),
            sa.select(FOLLOW_UP.c.closed_by_item_id).where(FOLLOW_UP.c.closed_by_item_id.in_(ids)),
            sa.select(AGENDA.c.deferred_from_id).where(AGENDA.c.deferred_from_id.in_(ids)),
            sa.select(AGENDA.c.id)
            .join(other, (other.c.case_id == AGENDA.c.case_id) & (other.c.meeting_id != AGENDA.c.meeting_id))
            .where(AGENDA.c.id.in_(ids)),
        )
        return set(self.connection.execute(query).scalars())


def _values(obj, name: str) -> list:
    """The attribute's value now and the one it had before this flush changed it."""
    found = [getattr(obj, name, None)]
    history = sa.inspect(obj).attrs[name].history
    found.extend(history.deleted or ())
    return [v for v in found if v is not None]


def _item_scopes(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    # whether another meeting's page shows it too is asked for every item of the flush at once
    for meeting_id in _values(obj, "meeting_id"):
        yield meeting(meeting_id)
    for original in _values(obj, "deferred_from_id"):  # the original shows where it went
        yield meeting(r.item(original)[0])


def _via_item(name: str):
    def scopes(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
        for item_id in _values(obj, name):
            yield meeting(r.item(item_id)[0])

    return scopes


def _own_meeting(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    for meeting_id in _values(obj, "meeting_id"):
        yield meeting(meeting_id)


# a meeting's columns that no other page of its body shows
OWN_MEETING_COLUMNS = {
    "modified_at",
    "sequence",
    "place",
    "mode",
    "purpose",
    "video_link",
    "chair_id",
    "co_signer_id",
    "second_co_signer_id",
    "minutes_taker_id",
    "called_at",
}


def _meeting_row(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    yield meeting(obj.id)
    state = sa.inspect(obj)
    changed = {c.key for c in state.mapper.column_attrs if state.attrs[c.key].history.has_changes()}
    if kind != "dirty" or changed - OWN_MEETING_COLUMNS:
        # its date, title and status appear in later meetings' follow-ups and in deferrals
        for body_id in _values(obj, "body_id"):
            yield body(body_id)


def _case(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    if kind == "new":
        return  # a new case: its agenda item names the meeting
    treated_in = r.case_meetings(obj.id)
    for meeting_id in treated_in:
        yield meeting(meeting_id)
    if len(treated_in) > 1:  # each treatment's case page lists the others
        yield body(obj.body_id)


def _attachment(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    yield from _own_meeting(obj, r, kind)
    yield from _via_item("agenda_item_id")(obj, r, kind)


def _vote(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    for event_id in _values(obj, "vote_event_id"):
        yield meeting(r.item(r.vote_event_item(event_id))[0])


def _follow_up(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    # shown in its own meeting, in the meeting that closes it, and in the body's later meetings
    for name in ("agenda_item_id", "closed_by_item_id"):
        for item_id in _values(obj, name):
            meeting_id, body_id = r.item(item_id)
            yield meeting(meeting_id)
            yield body(body_id)


def _outbox(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    found = _values(obj, "meeting_id")
    yield from (meeting(m) for m in found) if found else (GLOBAL,)


def _audit(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    # the history on a case page; the log of everything else is not cached
    yield meeting(obj.meeting_id)
    yield meeting(r.item(obj.agenda_item_id)[0])


def _nothing(obj, r: _Resolver, kind: str) -> Iterable[Scope | None]:
    return ()  # never called: such rows are left out before


# What a change of each kind of row makes stale. A row of any other model raises GLOBAL.
# A meeting's scope is always raised with MEETINGS (the lists); a row whose meeting cannot be
# found raises GLOBAL, which every page shows.
SCOPES: dict[type, Callable[..., Iterable[Scope | None]]] = {
    Meeting: _meeting_row,
    AgendaItem: _item_scopes,
    Case: _case,
    Attendance: _own_meeting,
    MinutesVersion: _own_meeting,
    Correction: _own_meeting,
    Attachment: _attachment,
    Disqualification: _via_item("agenda_item_id"),
    VoteEvent: _via_item("agenda_item_id"),
    Vote: _vote,
    FollowUp: _follow_up,
    OutboxMessage: _outbox,
    AuditEntry: _audit,
    # kept by the app for itself, shown on no page
    Revision: _nothing,
    LoginThrottle: _nothing,
    UsedToken: _nothing,
}

# a new case (its agenda item names the meeting), an audit entry of no meeting (the log is not cached)
MAY_TOUCH_NOTHING = {Case, AuditEntry}

_PENDING = "boardroom.cache.scopes"


def _collect(orm_session: OrmSession, objects: Iterable, kind: str) -> None:
    """Note the scopes the ``kind`` ("new", "dirty", "deleted") ``objects`` touch, to be raised at commit."""
    objects = [o for o in objects if SCOPES.get(type(o)) is not _nothing]
    if not objects:
        return
    pending: set[Scope] = orm_session.info.setdefault(_PENDING, set())
    resolver = _Resolver(orm_session)
    candidates = {o.id: o.body_id for o in objects if isinstance(o, AgendaItem) and o.id is not None}
    for obj in objects:
        mapping = SCOPES.get(type(obj))
        if mapping is None:
            pending.add(GLOBAL)
            continue
        found = [scope for scope in mapping(obj, resolver, kind) if scope is not None]
        if not found and type(obj) not in MAY_TOUCH_NOTHING:
            pending.add(GLOBAL)  # its meeting is gone or unknown: everything may show it
        for scope in found:
            pending.add(scope)
            if scope[0] == "meeting":
                pending.add(MEETINGS)
        if isinstance(obj, Case):
            pending.add(MEETINGS)
    for item_id in resolver.shared_items(set(candidates)):
        pending.add(body(candidates[item_id]))


@event.listens_for(OrmSession, "before_flush")
def _before_flush(orm_session, _flush_context, _instances):
    # deleted rows are looked up while they are still there
    _collect(orm_session, list(orm_session.deleted), "deleted")


@event.listens_for(OrmSession, "after_flush")
def _after_flush(orm_session, _flush_context):
    # new rows have their ids and foreign keys now; the history still shows what changed
    _collect(orm_session, list(orm_session.new), "new")
    _collect(orm_session, [o for o in orm_session.dirty if orm_session.is_modified(o)], "dirty")


@event.listens_for(OrmSession, "before_commit")
def _raise_revisions(orm_session):
    if orm_session.in_nested_transaction():
        return
    orm_session.flush()
    scopes = orm_session.info.pop(_PENDING, None)
    if scopes:
        raise_revisions(orm_session.connection(), scopes)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget(orm_session, transaction):
    if transaction.parent is None:
        orm_session.info.pop(_PENDING, None)


def raise_revisions(connection, scopes: Iterable[Scope]) -> None:
    """Raise each scope's counter by one, in sorted order; an upsert, so no increment is lost."""
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    for scope, scope_id in sorted(set(scopes)):
        statement = insert(REVISION).values(scope=scope, scope_id=scope_id, value=1, changed_at=now)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[REVISION.c.scope, REVISION.c.scope_id],
                set_={"value": REVISION.c.value + 1, "changed_at": now},
            )
        )


class RowOf(tuple):
    """A scope's id read in the revision query itself: ``column`` of the row ``row_id`` of its
    table (a meeting's body), so a page's scopes cost no query of their own."""

    def __new__(cls, column: sa.Column, row_id: int):
        return super().__new__(cls, (column, row_id))


@lru_cache(maxsize=64)
def _revision_query(shape: tuple) -> sa.Select:
    """The revision query for scopes of this shape ((kind, None) for a plain id, (kind, column)
    for a ``RowOf``), its ids as parameters p0, p1, …: built once, so a request pays for
    neither building the statement nor its cache key."""
    matches = []
    for n, (kind, column) in enumerate(shape):
        key = sa.bindparam(f"p{n}")
        if column is not None:
            key = sa.select(column).where(column.table.c.id == key).scalar_subquery()
        matches.append((REVISION.c.scope == kind) & (REVISION.c.scope_id == key))
    return sa.select(REVISION.c.scope, REVISION.c.scope_id, REVISION.c.value, REVISION.c.changed_at) \
        .where(sa.or_(*matches))


def revisions(orm_session, scopes: Iterable) -> tuple[tuple, datetime | None]:
    """The counters of ``scopes`` (one query) and when the latest of them moved. ``scopes``:
    (kind, id) pairs; the id may be a ``RowOf`` (the meeting's body)."""
    scopes = tuple(scopes)
    shape = tuple((kind, key[0] if isinstance(key, RowOf) else None) for kind, key in scopes)
    params = {f"p{n}": key[1] if isinstance(key, RowOf) else key for n, (_kind, key) in enumerate(scopes)}
    rows = orm_session.connection().execute(_revision_query(shape), params).all()
    rows.sort(key=lambda row: (row[0], row[1]))
    return tuple((row[0], row[1], row[2]) for row in rows), max((row[3] for row in rows), default=None)


def current_revision(orm_session, scopes: Iterable = (GLOBAL, MEETINGS)) -> tuple:
    return revisions(orm_session, scopes)[0]


def total_revision(orm_session) -> int:
    """The sum of every counter: moves whenever anything is written."""
    return orm_session.connection().execute(sa.select(sa.func.coalesce(sa.func.sum(REVISION.c.value), 0))).scalar()


BROAD = (GLOBAL, MEETINGS)


def broad_scopes(**_kwargs) -> tuple:
    """Lists, registers, projects, costs, feeds: anything may show on them."""
    return BROAD


def meeting_scopes(meeting_id: int, **_kwargs) -> tuple:
    """A meeting's page, JSON and documents: the meeting, its body's shared cases and follow-ups,
    and the registers."""
    return GLOBAL, ("meeting", meeting_id), ("body", RowOf(Meeting.__table__.c.body_id, meeting_id))


def item_scopes(agenda_item_id: int, **_kwargs) -> tuple:
    """A case's page: its meeting, its body (the case's other treatments) and the registers."""
    return GLOBAL, ("meeting", RowOf(AGENDA.c.meeting_id, agenda_item_id)), ("body", RowOf(AGENDA.c.body_id, agenda_item_id))


class LRUCache:
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int = 256):
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


def init_app(app) -> None:
    app.extensions["boardroom.cache"] = LRUCache(app.config["RESPONSE_CACHE_SIZE"])
    # each meeting's calendar event, by what it shows (boardroom.calendar.ical.feed_ics)
    app.extensions["boardroom.events"] = LRUCache(app.config.get("EVENT_CACHE_SIZE", 4096))


def viewer() -> str:
    """Whose copy: visitors share one; each signed-in account has its own."""
    return f"user-{current_user.get_id()}" if current_user.is_authenticated else "public"


def cached(view=None, *, scopes: Callable[..., tuple] = broad_scopes):
    """Cache a GET view's successful response until the data it shows changes.

    ``scopes(**kwargs)`` names the scopes the page shows (default: every scope). Visitors share
    one copy per host; a signed-in account gets its own (pages show what its role may see, and
    its name in the header).
    """
    if view is None:
        return lambda inner: cached(inner, scopes=scopes)

    @wraps(view)
    def wrapper(**kwargs):
        if "_flashes" in session:  # a message waits to be shown once: build the page fresh
            return view(**kwargs)
        cache: LRUCache = current_app.extensions["boardroom.cache"]
        key = (
            request.endpoint,
            tuple(sorted(kwargs.items())),
            request.query_string,
            viewer(),
            request.host,  # never share a copy between hosts (links come from BASE_URL anyway)
            request.script_root,  # the organisation ("/<slug>" or the first one's bare addresses)
            datetime.now(OSLO).date(),  # "forfalt" and "kommende" change at midnight
            current_revision(get_session(), scopes(**kwargs)),
        )
        entry = cache.get(key)
        if entry is None:
            from boardroom.core.access import check_address_ids

            check_address_ids(get_session(), kwargs)  # a hit was checked when it was built
            response = make_response(view(**kwargs))
            if response.status_code != 200 or response.direct_passthrough:
                return response
            response.add_etag()
            entry = (response.get_data(), list(response.headers.items()))
            cache.put(key, entry)
        content, headers = entry
        return current_app.response_class(content, headers=headers).make_conditional(request)

    wrapper.organisation_checked = True  # boardroom.core.access.check_views leaves it alone
    return wrapper


def cached_daily(view):
    """``cached`` with today's date in the key, for pages that mark overdue follow-ups."""
    inner = cached(lambda day, **kwargs: view(**kwargs))

    @wraps(view)
    def wrapper(**kwargs):
        return inner(day=today().isoformat(), **kwargs)

    return wrapper
