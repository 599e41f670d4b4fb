"""Meetings: the list, one meeting with its saksliste and cases, one case, the minutes DOCX."""

from itertools import groupby

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import select

from boardroom.core.access import can_see_agenda, can_see_minutes
from boardroom.core.cache import cached
from boardroom.core.db import get_session
from boardroom.core.formatting import local
from boardroom.meetings.minutes import assemble, item_number, load_meeting
from boardroom.models import AgendaItem, Case, Meeting, Vote, VoteEvent

bp = Blueprint("meetings", __name__)
bp.add_app_template_global(item_number)


@bp.app_template_filter()
def scrollable_tables(html: str) -> Markup:
    """Sanitised case HTML with each table in a region that scrolls sideways and takes keyboard focus."""
    return Markup(
        str(html or "")
        .replace("<table>", '<div class="table-scroll" role="region" aria-label="Tabell" tabindex="0"><table>')
        .replace("</table>", "</table></div>")
    )

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_meeting_or_404(session, meeting_id: int):
    """The fully loaded meeting; 404 with a Norwegian message when there is none."""
    meeting = load_meeting(session, meeting_id)
    if meeting is None:
        abort(404, "Møtet finnes ikke.")
    return meeting


def meetings_by_year(session) -> list[tuple[int, list[tuple[Meeting, int]]]]:
    """Every meeting with its number of cases, grouped by year (newest year first)."""
    counts = dict(
        session.exec(select(AgendaItem.meeting_id, func.count(AgendaItem.id)).group_by(AgendaItem.meeting_id)).all()
    )
    meetings = session.exec(select(Meeting).order_by(Meeting.starts_at, Meeting.id)).all()
    rows = [(m, counts.get(m.id, 0)) for m in meetings]
    groups = [(year, list(group)) for year, group in groupby(rows, key=lambda r: local(r[0].starts_at).year)]
    return sorted(groups, key=lambda g: g[0], reverse=True)


def get_item_or_404(session, item_id: int) -> AgendaItem:
    """One treatment of a case with its meeting, texts, votes and the case's other treatments."""
    item = session.exec(
        select(AgendaItem)
        .where(AgendaItem.id == item_id)
        .options(
            joinedload(AgendaItem.meeting).joinedload(Meeting.body),
            joinedload(AgendaItem.case).selectinload(Case.treatments).joinedload(AgendaItem.meeting),
            joinedload(AgendaItem.case_handler),
            selectinload(AgendaItem.attachments),
            joinedload(AgendaItem.deferred_from).joinedload(AgendaItem.meeting),
            selectinload(AgendaItem.vote_events).selectinload(VoteEvent.votes).selectinload(Vote.municipality),
        )
    ).first()
    if item is None:
        abort(404, "Saken finnes ikke.")
    return item


@bp.get("/meetings")
@cached
def index():
    return render_template("meetings/index.html", years=meetings_by_year(get_session()))


@bp.get("/meetings/<int:meeting_id>")
@cached
def show(meeting_id: int):
    session = get_session()
    meeting = get_meeting_or_404(session, meeting_id)
    g.site_body = meeting.body
    return render_template("meetings/show.html", meeting=meeting, minutes=assemble(session, meeting))


@bp.get("/cases/<int:agenda_item_id>")
@cached
def case(agenda_item_id: int):
    item = get_item_or_404(get_session(), agenda_item_id)
    if not can_see_agenda(item.meeting):
        return redirect(url_for("auth.login", next=request.path))
    g.site_body = item.meeting.body
    return render_template("meetings/case.html", item=item)


@bp.get("/meetings/<int:meeting_id>/protokoll.docx")
@cached
def protokoll(meeting_id: int):
    from boardroom.documents.protokoll import build_protokoll, protokoll_filename

    session = get_session()
    meeting = get_meeting_or_404(session, meeting_id)
    if not can_see_minutes(meeting):
        return redirect(url_for("auth.login", next=request.path))
    return Response(
        build_protokoll(session, meeting),
        mimetype=DOCX_MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename={protokoll_filename(meeting)}"},  # an ASCII slug
    )
