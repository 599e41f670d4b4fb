"""Members: the member municipalities, their population, board seats and participation."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, render_template
from sqlalchemy.orm import selectinload
from sqlmodel import select

from ..db import get_session
from ..formatting import OSLO
from ..minutes import BOARD_ROLES
from ..models import Membership, Municipality
from ..participation import overview

bp = Blueprint("members", __name__)


def latest_population(municipality: Municipality):
    """The newest PopulationFigure of a municipality (None when there is none)."""
    return max(municipality.populations, key=lambda p: p.as_of, default=None)


def current_seats(session, municipality_id: int | None = None) -> list[Membership]:
    """Memberships valid today, with their person (and municipality), optionally for one municipality."""
    today = datetime.now(OSLO).date()
    query = (
        select(Membership)
        .where(Membership.municipality_id.is_not(None))
        .options(selectinload(Membership.person))
        .order_by(Membership.id)
    )
    if municipality_id is not None:
        query = query.where(Membership.municipality_id == municipality_id)
    seats = session.exec(query).all()
    return [s for s in seats if (s.start is None or s.start <= today) and (s.end is None or today <= s.end)]


@bp.get("/municipalities")
def index():
    session = get_session()
    municipalities = session.exec(
        select(Municipality).options(selectinload(Municipality.populations)).order_by(Municipality.number)
    ).all()
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
    )


@bp.get("/municipalities/<kommunenummer>")
def municipality(kommunenummer: str):
    session = get_session()
    found = session.exec(
        select(Municipality)
        .where(Municipality.number == kommunenummer)
        .options(selectinload(Municipality.populations))
    ).first()
    if found is None:
        abort(404, "Kommunen finnes ikke.")
    groups = {"joined": [], "declined": [], "pending": []}
    for status in overview(session)[1]:
        for key in groups:
            if any(m.id == found.id for m in getattr(status, key)):
                groups[key].append((status, status.answer_for(found)))
    return render_template(
        "members/municipality.html",
        municipality=found,
        population=latest_population(found),
        seats=current_seats(session, found.id),
        groups=groups,
    )
