"""Calendar: the feeds calendar apps subscribe to, one meeting's .ics, and the "Kalender" page
where a board member gets, renews or revokes the secret address of their own feed."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlmodel import select

import boardroom.calendar.ical  # noqa: F401  (importing it registers the SEQUENCE upkeep)
from boardroom.calendar import feeds
from boardroom.calendar.ical import load_meetings
from boardroom.core.access import can_edit, editor_required, is_signed_in, login_required
from boardroom.core.cache import BROAD, cached, meeting_scopes, revisions
from boardroom.core.db import get_session
from boardroom.core.formatting import nb_sort_key
from boardroom.core.orgs import current_organisation_id, here
from boardroom.core.views import base_url, get_or_404, or_404, organisation_url, saved
from boardroom.models import Body, Meeting, Municipality, Person

bp = Blueprint("calendar", __name__)

ICS_TYPE = "text/calendar; charset=utf-8"
NEW_URL_KEY = "calendar.new_feed_url"  # the new secret address, shown once on the next page


def ics_response(feed: feeds.Feed, disposition: str = "inline"):
    """The feed's .ics, with an ETag (a hash of it: it also changes when a meeting leaves the
    feed) and the time of its last change."""
    data, changed = feed.ics(get_session(), organisation_url())
    response = make_response(data)
    response.add_etag()
    if changed is not None:
        response.last_modified = changed
    response.content_type = ICS_TYPE
    response.headers["Content-Disposition"] = f'{disposition}; filename="{feed.filename}"'
    response.cache_control.no_cache = True
    return response


def feed_response(key: tuple, build):
    """The feed ``build()`` gives, built once per change of the data; 304 when the subscriber's
    copy is current. The cache key names the feed by ids (never by its secret token)."""
    db = get_session()
    revision, changed = revisions(db, BROAD)
    cache = current_app.extensions["boardroom.cache"]
    full_key = ("feed", request.script_root, *key, revision)
    entry = cache.get(full_key)
    if entry is None:
        response = ics_response(build())
        if changed is not None:  # the last change of any data: also moves when a meeting leaves the feed
            response.last_modified = changed
        entry = (response.get_data(), list(response.headers.items()))
        cache.put(full_key, entry)
    body, headers = entry
    return current_app.response_class(body, headers=headers).make_conditional(request)


@bp.get("/calendar.ics")
@cached
def feed():
    """All meetings of the open bodies; 304 when the subscriber's copy is current (ETag / Last-Modified)."""
    return ics_response(feeds.all_open_meetings()).make_conditional(request)


@bp.get("/calendar/bodies/<int:body_id>.ics")
def body_feed(body_id: int):
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    if not body.public:
        abort(404, "Møteplanen til dette organet er ikke åpen. Be sekretæren om en egen kalenderlenke.")
    return feed_response(("body", body.id), lambda: feeds.body_feed(body))


@bp.get("/calendar/municipalities/<kommunenummer>.ics")
def municipality_feed(kommunenummer: str):
    db = get_session()
    town = or_404(db.exec(select(Municipality).where(Municipality.number == kommunenummer,
                                                     here(Municipality.organisation_id))).first(),
                  "Kommunen finnes ikke.")
    return feed_response(("municipality", town.id), lambda: feeds.municipality_feed(town))


@bp.get("/calendar/feed/<token>.ics")
def token_feed(token: str):
    """A personal or closed feed by its secret address; an unknown or revoked token answers 404."""
    db = get_session()
    row = or_404(feeds.find_token(db, token), "Kalenderlenken finnes ikke eller er trukket tilbake.")
    owner = row.person if row.person_id else row.body
    if owner.organisation_id != current_organisation_id():  # another organisation's feed: its own address
        abort(404, "Kalenderlenken finnes ikke eller er trukket tilbake.")
    return feed_response(("token", row.id), lambda: feeds.token_feed(db, row))


@bp.get("/meetings/<int:meeting_id>.ics")
@cached(scopes=meeting_scopes)
def meeting_ics(meeting_id: int):
    """One meeting to import once (it does not update itself, unlike a subscription)."""
    # what an event shows (load_meetings' light load), not the meeting's papers
    found = load_meetings(get_session(), Meeting.id == meeting_id, light=True)
    meeting = or_404(found[0] if found else None, "Møtet finnes ikke.")
    if not meeting.body.public and not is_signed_in():
        return redirect(url_for("auth.login", next=request.path))
    response = ics_response(feeds.meeting_feed(meeting), disposition="attachment")
    return response.make_conditional(request)


# --------------------------------------------------------------------------- the Kalender page


def token_url(token: str) -> str:
    return f"{base_url()}{url_for('calendar.token_feed', token=token)}"


def own_person() -> Person | None:
    return get_session().get(Person, current_user.person_id) if is_signed_in() and current_user.person_id else None


@bp.get("/calendar")
def index():
    """Every feed one may subscribe to, with the help text; the signed-in member's own feed."""
    db = get_session()
    bodies = sorted(db.exec(select(Body).where(here(Body.organisation_id))).all(), key=lambda b: nb_sort_key(b.name))
    towns = sorted(db.exec(select(Municipality).where(here(Municipality.organisation_id))).all(),
                   key=lambda t: nb_sort_key(t.name))
    person = own_person()
    closed_tokens = {}
    if can_edit():
        closed_tokens = {b.id: feeds.active_token(db, body=b) for b in bodies if not b.public}
    return render_template(
        "calendar/index.html", bodies=bodies, towns=towns, person=person,
        own_token=feeds.active_token(db, person=person) if person else None,
        closed_tokens=closed_tokens, new_url=session.pop(NEW_URL_KEY, None),
        all_url=f"{base_url()}{url_for('calendar.feed')}", webcal=feeds.webcal, base=base_url(),
    )


def after_new_token(token: str, what: str):
    session[NEW_URL_KEY] = token_url(token)
    return saved(f"{what} Kopier den nye lenken nå: den vises bare denne ene gangen.",
                 url_for("calendar.index", _anchor="ny-lenke"))


@bp.post("/calendar/mine")
@login_required
def new_own_token():
    """Make (or make anew) the signed-in member's secret feed address; the old one stops working."""
    person = own_person()
    if person is None:
        abort(403, "Kontoen din er ikke knyttet til en person. Be sekretæren knytte kontoen til deg.")
    token = feeds.issue_token(get_session(), person=person, by=current_user.email)
    return after_new_token(token, "Du har fått en ny lenke til kalenderen din.")


@bp.post("/calendar/mine/revoke")
@login_required
def revoke_own_token():
    person = own_person()
    if person is None:
        abort(403, "Kontoen din er ikke knyttet til en person.")
    feeds.revoke_tokens(get_session(), person=person)
    return saved("Lenken til kalenderen din er trukket tilbake og virker ikke lenger.", url_for("calendar.index"))


@bp.post("/calendar/bodies/<int:body_id>/token")
@editor_required
def new_body_token(body_id: int):
    """A secret address for a closed body's meeting plan (the secretary hands it out)."""
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    if body.public:
        abort(400, "Møteplanen til dette organet er åpen og trenger ingen egen lenke.")
    token = feeds.issue_token(get_session(), body=body, by=current_user.email)
    return after_new_token(token, f"Ny kalenderlenke for {body.name}.")


@bp.post("/calendar/bodies/<int:body_id>/token/revoke")
@editor_required
def revoke_body_token(body_id: int):
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    feeds.revoke_tokens(get_session(), body=body)
    return saved(f"Kalenderlenken for {body.name} er trukket tilbake.", url_for("calendar.index"))

