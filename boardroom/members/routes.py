"""Members: the member municipalities, their population, board seats and participation."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload
from sqlmodel import select

from boardroom.core.access import login_required, reads_everything
from boardroom.core.cache import cached_daily
from boardroom.core.db import get_session
from boardroom.core.formatting import OSLO, by_name
from boardroom.core.labels import only_municipalities
from boardroom.core.orgs import here
from boardroom.core.views import base_url, or_404
from boardroom.core.years import asked_year
from boardroom.meetings.minutes import BOARD_ROLES
from boardroom.members.minside import my_page
from boardroom.members.pages import (
    current_seats,
    latest_population,
    load_municipality,
    municipality_view,
    representatives,
)
from boardroom.models import Membership, Municipality, UserRole

bp = Blueprint("members", __name__)


@bp.get("/municipalities")
@cached_daily  # the seats held today
def index():
    session = get_session()
    municipalities = by_name(session.exec(
        select(Municipality).where(here(Municipality.organisation_id))
        .options(selectinload(Municipality.populations))).all())
    representatives: dict[int, list[Membership]] = {}
    for seat in current_seats(session):
        if seat.role in BOARD_ROLES:
            representatives.setdefault(seat.municipality_id, []).append(seat)
    rows = [(m, latest_population(m), representatives.get(m.id, [])) for m in municipalities]
    dates = {p.as_of for _, p, _ in rows if p}
    return render_template(
        "members/index.html",
        rows=rows,
        common_date=dates.pop() if len(dates) == 1 else None,
        total=sum(p.population for _, p, _ in rows if p),
        municipal=only_municipalities(municipalities),
    )


@bp.get("/municipalities/<kommunenummer>")
@cached_daily
def municipality(kommunenummer: str):
    """One municipality: answers, cost shares per year, votes, follow-ups, benefits.

    Visitors see what is published (votes and follow-ups of approved minutes); signed-in
    accounts see everything. Cached until the data or the date (overdue follow-ups) changes.
    """
    session = get_session()
    found = or_404(load_municipality(session, kommunenummer), "Kommunen finnes ikke.")
    view = municipality_view(
        session, found, public=not reads_everything(), asked=asked_year(request.args),
        person_ids=representatives(session, found.id),
    )
    return render_template(
        "members/municipality.html",
        municipality=found,
        population=latest_population(found),
        seats=current_seats(session, found.id),
        groups=view.groups,
        view=view,
        feed_url=base_url() + url_for("calendar.municipality_feed", kommunenummer=found.number),
    )


@bp.get("/min-kommune")
@login_required
def mine():
    """The signed-in board member's municipality (the one their seat represents)."""
    session = get_session()
    user_person = current_user.person_id
    seats = session.exec(
        select(Membership).where(Membership.person_id == user_person, Membership.municipality_id.is_not(None))
        .order_by(Membership.id)
    ).all() if user_person else []
    today = datetime.now(OSLO).date()
    current = [s for s in seats if (s.start is None or s.start <= today) and (s.end is None or today <= s.end)]
    chosen = (current or seats or [None])[0]
    if chosen is None:
        abort(404, "Kontoen din er ikke knyttet til en medlemskommune. Be sekretæren knytte kontoen til "
                   "personen som har setet i styret.")
    town = session.get(Municipality, chosen.municipality_id)
    return redirect(url_for(".municipality", kommunenummer=town.number))


@bp.get("/min-side")
@login_required
def minside():
    """The signed-in board member's own page: meetings, cases, follow-ups, open answers, feed."""
    if not current_user.person_id:
        return render_template("members/minside_none.html")
    page = my_page(get_session(), current_user.person_id)
    return render_template("members/minside.html", page=page,
                           may_report_absence=current_user.role == UserRole.member)
