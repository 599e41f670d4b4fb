"""Meetings: the list, one meeting with its saksliste and cases, one case, the minutes DOCX."""

from io import BytesIO

from flask import Blueprint, abort, send_file

from ..db import get_session
from ..minutes import load_meeting

bp = Blueprint("meetings", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_meeting_or_404(session, meeting_id: int):
    """The fully loaded meeting; 404 with a Norwegian message when there is none."""
    meeting = load_meeting(session, meeting_id)
    if meeting is None:
        abort(404, "Møtet finnes ikke.")
    return meeting


@bp.get("/meetings/<int:meeting_id>/protokoll.docx")
def protokoll(meeting_id: int):
    from ..protokoll import build_protokoll, protokoll_filename

    session = get_session()
    meeting = get_meeting_or_404(session, meeting_id)
    return send_file(
        BytesIO(build_protokoll(session, meeting)),
        mimetype=DOCX_MIMETYPE,
        as_attachment=True,
        download_name=protokoll_filename(meeting),
    )
