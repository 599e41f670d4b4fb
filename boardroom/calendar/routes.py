"""Calendar: the meeting plan as an iCalendar feed that calendar apps subscribe to."""

from flask import Blueprint, make_response, request

from boardroom.calendar.ical import changed_at, load_meetings, make_calendar  # importing ical registers SEQUENCE upkeep
from boardroom.core.cache import cached
from boardroom.core.db import get_session
from boardroom.core.views import base_url

bp = Blueprint("calendar", __name__)


@bp.get("/calendar.ics")
@cached
def feed():
    """All meetings; answers 304 when the subscriber's copy is current (ETag / Last-Modified)."""
    meetings = load_meetings(get_session())
    response = make_response(make_calendar(meetings, base_url()).to_ical())
    response.content_type = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="moteplan.ics"'
    response.add_etag()  # a hash of the feed: also changes when a meeting is deleted
    if meetings:
        response.last_modified = max(changed_at(m) for m in meetings)
    response.cache_control.no_cache = True
    return response.make_conditional(request)
