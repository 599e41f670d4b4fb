"""Generated pages, JSON and documents, built once per change of the data.

Every flush that changes a row raises the single ``Revision`` counter in the same
transaction (a ``before_flush`` listener below). A cached response is keyed by the
endpoint, its arguments and that counter, so a read costs one small query while nothing
has changed, and the first read after a change rebuilds it. The ETag comes with it, so
calendar apps and browsers get 304 Not Modified.

Written by hand: Flask-Caching would still need this invalidation key, which is the
whole of the logic here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from functools import wraps

import sqlalchemy as sa
from flask import current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from boardroom.core.db import get_session
from boardroom.core.formatting import OSLO
from boardroom.core.inputs import today
from boardroom.models import Revision, utcnow

REVISION = Revision.__table__


@event.listens_for(OrmSession, "before_flush")
def _raise_revision(session, _flush_context, _instances):
    changed = [o for o in (*session.new, *session.dirty, *session.deleted) if not isinstance(o, Revision)]
    if not changed:
        return
    connection = session.connection()
    result = connection.execute(
        sa.update(REVISION).where(REVISION.c.id == 1).values(value=REVISION.c.value + 1, changed_at=utcnow())
    )
    if result.rowcount == 0:
        connection.execute(sa.insert(REVISION).values(id=1, value=1, changed_at=utcnow()))


def current_revision(session) -> int:
    value = session.connection().execute(sa.select(REVISION.c.value).where(REVISION.c.id == 1)).scalar()
    return value or 0


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


def viewer() -> str:
    """Whose copy: visitors share one; each signed-in account has its own."""
    return f"user-{current_user.get_id()}" if current_user.is_authenticated else "public"


def cached(view):
    """Cache a GET view's successful response until the data changes.

    Visitors share one copy per host; a signed-in account gets its own (pages show what its role
    may see, and its name in the header).
    """

    @wraps(view)
    def wrapper(**kwargs):
        if "_flashes" in session:  # a message waits to be shown once: build the page fresh
            return view(**kwargs)
        cache: LRUCache = current_app.extensions["boardroom.cache"]
        key = (request.endpoint, tuple(sorted(kwargs.items())), request.query_string, viewer(),
               request.host,  # never share a copy between hosts (links come from BASE_URL anyway)
               request.script_root,  # the organisation ("/<slug>" or the first one's bare addresses)
               datetime.now(OSLO).date(),  # "forfalt" and "kommende" change at midnight
               current_revision(get_session()))
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
        body, headers = entry
        return current_app.response_class(body, headers=headers).make_conditional(request)

    wrapper.organisation_checked = True  # boardroom.core.access.check_views leaves it alone
    return wrapper


def cached_daily(view):
    """``cached`` with today's date in the key, for pages that mark overdue follow-ups."""
    inner = cached(lambda day, **kwargs: view(**kwargs))

    @wraps(view)
    def wrapper(**kwargs):
        return inner(day=today().isoformat(), **kwargs)

    return wrapper
