"""Meetings: the list, one meeting with its saksliste and cases, one case, the minutes DOCX."""


from flask import Blueprint, Response, g, render_template, url_for
from flask_login import current_user

from boardroom.archive import versions as archive
from boardroom.core.access import (
    can_edit,
    can_see_agenda,
    can_see_case,
    can_see_minutes,
    is_signed_in,
    not_for_this_viewer,
    plan_visible,
    reads_restricted,
)
from boardroom.core.cache import cached, item_scopes, meeting_scopes
from boardroom.core.db import get_session
from boardroom.core.views import base_url, or_404
from boardroom.decisions.absence import attendance_of, can_report
from boardroom.mail.outbox import meeting_messages
from boardroom.meetings import pages
from boardroom.meetings.minutes import item_number, load_meeting
from boardroom.meetings.numbering import format_number
from boardroom.models import Body, Meeting, MeetingStatus, UserRole

bp = Blueprint("meetings", __name__)
bp.add_app_template_global(item_number)
bp.add_app_template_global(format_number)


DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/meetings")
@cached
def index():
    return render_template("meetings/index.html", years=pages.meetings_by_year(get_session()))


@bp.get("/meetings/<int:meeting_id>")
@cached(scopes=meeting_scopes)
def show(meeting_id: int):
    session = get_session()
    shown = or_404(archive.load_shown(session, meeting_id), "Møtet finnes ikke.")
    meeting = shown.meeting
    if not plan_visible(session.get(Body, meeting.body_id)):
        return not_for_this_viewer()
    g.site_body = meeting.body
    page = pages.meeting_page(session, meeting, public=not reads_restricted(meeting.body_id), shown=shown)
    mine = attendance_of(meeting, current_user.person_id) if is_signed_in() and current_user.role == UserRole.member \
        else None
    return render_template("meetings/show.html", meeting=page.meeting, minutes=page.minutes, record=page.record,
                           outbox=meeting_messages(session, meeting.id) if can_edit() else None,
                           my_attendance=mine, may_report=can_report(meeting, mine),
                           follow_ups=page.follow_ups, version=page.version, versions=page.versions,
                           body_feed_url=base_url() + url_for("calendar.body_feed", body_id=meeting.body_id)
                           if meeting.body.public else None)  # the live body: a feed is not part of the minutes


@bp.get("/cases/<int:agenda_item_id>")
@cached(scopes=item_scopes)
def case(agenda_item_id: int):
    session = get_session()
    item = or_404(pages.load_item(session, agenda_item_id, full=False), "Saken finnes ikke.")
    if not can_see_agenda(item.meeting) or not plan_visible(item.meeting.body):
        return not_for_this_viewer()
    g.site_body = item.meeting.body
    page = pages.case_page(session, item, public=not reads_restricted(item.meeting.body_id), readable=can_see_case(item))
    return render_template("meetings/case.html", item=page.item, record=page.record, cost_tables=page.cost_tables,
                           cost_slips=page.cost_slips, participation=page.participation,
                           follow_ups=page.follow_ups, history=page.history)


@bp.get("/meetings/<int:meeting_id>/protokoll.docx")
@cached(scopes=meeting_scopes)
def protokoll(meeting_id: int):
    """The minutes: the current stored version once approved, else built as they stand."""
    from boardroom.documents.protokoll import build_protokoll

    session = get_session()
    meeting = or_404(session.get(Meeting, meeting_id), "Møtet finnes ikke.")  # the row alone: stored minutes need no more
    if not can_see_minutes(meeting) or not plan_visible(session.get(Body, meeting.body_id)):
        return not_for_this_viewer()
    row = (archive.current_version(session, meeting.id, document_only=True)
           if meeting.status == MeetingStatus.approved else None)
    if row is not None:
        return _stored_docx(session, meeting, row, named_by_version=False)
    return _docx(build_protokoll(session, load_meeting(session, meeting_id)), meeting)


@bp.get("/meetings/<int:meeting_id>/protokoll/v<int:number>.docx")
@cached(scopes=meeting_scopes)
def protokoll_version(meeting_id: int, number: int):
    """One stored version of approved minutes, byte for byte as stored (v1 as approved, v2 … corrected)."""
    session = get_session()
    meeting = or_404(load_meeting(session, meeting_id), "Møtet finnes ikke.")
    row = or_404(archive.version(session, meeting.id, number), "Protokollen finnes ikke i denne versjonen.")
    return _stored_docx(session, meeting, row, named_by_version=True)


def _stored_docx(session, meeting, row, named_by_version: bool):
    data = archive.document(session, row, public=not reads_restricted(meeting.body_id))
    response = _docx(data, meeting, row.version if named_by_version else None)
    response.headers["X-Minutes-Version"] = str(row.version)
    return response


def _docx(data: bytes, meeting, number: int | None = None) -> Response:
    from boardroom.documents.protokoll import protokoll_filename

    name = protokoll_filename(meeting)
    if number is not None:
        name = name.replace(".docx", f"-v{number}.docx")
    return Response(data, mimetype=DOCX_MIMETYPE,
                    headers={"Content-Disposition": f"attachment; filename={name}"})  # an ASCII slug
