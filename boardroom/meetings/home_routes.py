"""The front page (next meeting, latest decisions, coming meetings) and the layout's context."""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache

import sqlalchemy as sa
from flask import Blueprint, current_app, g, render_template, url_for
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import contains_eager, joinedload
from sqlmodel import select

from boardroom.core.access import plan_visible_clause, reads_everything
from boardroom.core.cache import cached
from boardroom.core.db import get_session
from boardroom.core.formatting import OSLO
from boardroom.core.orgs import organisation_expr, organisation_param, prefixed_organisation_id
from boardroom.models import (
    AgendaItem,
    Body,
    ItemStatus,
    Meeting,
    MeetingStatus,
    MemberKind,
    Municipality,
    Organisation,
)

bp = Blueprint("main", __name__)

LATEST_DECISIONS = 10
COMING_MEETINGS = 5


@lru_cache(maxsize=4)
def _layout_query(given: bool, with_body: bool):
    """The organisation (the one given as "organisation", else the first), with its first body
    when ``with_body``, and whether all its members are municipalities: one query, built once."""
    municipal_only = ~sa.exists().where(
        Municipality.organisation_id == Organisation.id, Municipality.kind != MemberKind.municipality)
    wanted = organisation_param(given)
    if with_body:
        return (select(Organisation, Body, municipal_only.label("municipal"))
                .outerjoin(Body, Body.organisation_id == Organisation.id)
                .where(Organisation.id == wanted).order_by(Body.id).limit(1))
    return select(Organisation, municipal_only.label("municipal")).where(Organisation.id == wanted)


@bp.app_context_processor
def layout_context():
    """The organisation shown in the header of every page, the word for its members, and the calendar link."""
    body = g.get("site_body")  # a view that has loaded its body already sets it
    organisation, municipal = None, True
    try:
        session = get_session()
        if body is None:
            organisation_id = prefixed_organisation_id()
            row = session.exec(_layout_query(organisation_id is not None, True),
                               params={"organisation": organisation_id}).first()
            organisation, body, municipal = row if row else (None, None, True)
        else:
            row = session.exec(_layout_query(True, False), params={"organisation": body.organisation_id}).first()
            organisation, municipal = row if row else (None, True)
    except SQLAlchemyError:  # an error page after a failed query must still render
        body = organisation = None
    has_feed = "calendar.feed" in current_app.view_functions
    calendar_url = url_for("calendar.feed") if has_feed else "/calendar.ics"
    return {"site_body": body, "site_organisation": organisation, "calendar_url": calendar_url,
            "site_members_word": "Kommuner" if municipal else "Medlemmer",
            "site_my_member": "Min kommune" if municipal else "Mitt medlem"}


def start_of_today() -> datetime:
    """Midnight today in Oslo, as an aware datetime."""
    return datetime.combine(datetime.now(OSLO).date(), time(), tzinfo=OSLO)


def coming_meetings(session, limit: int) -> list[Meeting]:
    """Meetings that are not cancelled and start today or later, soonest first."""
    return list(
        session.exec(
            select(Meeting).join(Body, Meeting.body_id == Body.id)
            .where(Body.organisation_id == organisation_expr(), plan_visible_clause())
            .where(Meeting.status != MeetingStatus.cancelled, Meeting.starts_at >= start_of_today())
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
    )


def latest_decisions(session, limit: int, published_only: bool) -> list[AgendaItem]:
    """Treated agenda items with a decision, newest meeting first (only approved minutes for visitors).

    The newest ``limit`` meetings that have a decision hold the newest ``limit`` decisions: their
    start times are read first (by the meetings' date index), then the decided items of the
    meetings starting at the earliest of those times or later (meetings at the same time all
    count), by id. The database sorts ids, never every item's texts, and reads no older
    meeting's cases."""
    decided = (AgendaItem.status == ItemStatus.treated) & (AgendaItem.decision != "")
    shown = [Body.organisation_id == organisation_expr(), plan_visible_clause()]  # the meetings this viewer sees
    if published_only:
        shown.append(Meeting.status == MeetingStatus.approved)
    starts = session.exec(
        select(Meeting.starts_at).join(Body, Meeting.body_id == Body.id)
        .where(*shown, sa.exists().where(AgendaItem.meeting_id == Meeting.id, decided))
        .order_by(Meeting.starts_at.desc()).limit(limit)
    ).all()
    if not starts:
        return []
    order = (Meeting.starts_at.desc(), AgendaItem.position.desc(), AgendaItem.id.desc())
    newest = select(AgendaItem.id).join(Meeting, AgendaItem.meeting_id == Meeting.id) \
        .join(Body, Meeting.body_id == Body.id) \
        .where(*shown, Meeting.starts_at >= starts[-1], decided).order_by(*order).limit(limit)
    return list(
        session.exec(
            select(AgendaItem).join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(AgendaItem.id.in_(newest.scalar_subquery()))
            .order_by(*order)
            .options(  # many-to-one: joined into the same statement
                joinedload(AgendaItem.case),
                contains_eager(AgendaItem.meeting).joinedload(Meeting.body),
            )
        )
    )


@bp.get("/logo")
def logo():
    """The organisation's logo, as its pages' header shows it; 404 when it has none."""
    from io import BytesIO

    from flask import abort, send_file

    from boardroom.core import files
    from boardroom.core.orgs import current_organisation
    from boardroom.models import StoredFile

    organisation = current_organisation()
    stored = get_session().get(StoredFile, organisation.logo_id) if organisation and organisation.logo_id else None
    if stored is None:
        abort(404, "Organisasjonen har ingen logo.")
    response = send_file(BytesIO(files.read(get_session(), stored)), mimetype=stored.media_type, etag=stored.sha256,
                         conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/")
@cached
def index():
    session = get_session()
    meetings = coming_meetings(session, COMING_MEETINGS + 1)
    return render_template(
        "meetings/home.html",
        next_meeting=meetings[0] if meetings else None,
        coming=meetings[1:],
        decisions=latest_decisions(session, LATEST_DECISIONS, published_only=not reads_everything()),
    )
