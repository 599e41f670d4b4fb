"""Meeting states and what may change in each: the one place these rules live.

planlagt → innkalt → gjennomført → protokoll godkjent, or avlyst. Once the minutes are
approved the meeting and its cases are locked; the only change left is a recorded
correction (boardroom.models.Correction).
"""

from __future__ import annotations

from werkzeug.exceptions import Conflict

from boardroom.models import Meeting, MeetingStatus

S = MeetingStatus
TRANSITIONS: dict[MeetingStatus, set[MeetingStatus]] = {
    S.planned: {S.called, S.cancelled},
    S.called: {S.held, S.cancelled, S.planned},
    S.held: {S.approved},
    S.approved: set(),
    S.cancelled: {S.planned},
}
STATE_WORDS = {
    S.planned: "planlagt", S.called: "innkalt", S.held: "gjennomført",
    S.approved: "godkjent (protokollen er låst)", S.cancelled: "avlyst",
}


class Locked(Conflict):
    """A change the meeting's state does not allow: HTTP 409 with a Norwegian message.

    ``correction_meeting_id`` is set when the minutes are approved: the error page then links to
    the correction form of that meeting, the one way left to change them.
    """

    def __init__(self, message: str, correction_meeting_id: int | None = None):
        super().__init__(description=message)
        self.correction_meeting_id = correction_meeting_id


def ensure_editable(meeting: Meeting) -> None:
    """Raise Locked when the meeting's minutes are approved or the meeting is cancelled."""
    if meeting.status == S.approved:
        raise Locked(
            "Protokollen for dette møtet er godkjent og låst. Endringer må føres som en rettelse "
            "(hvem, når, hva og hvorfor).",
            correction_meeting_id=meeting.id,
        )
    if meeting.status == S.cancelled:
        raise Locked("Møtet er avlyst. Gjenopprett det før du gjør endringer.")


def is_editable(meeting: Meeting) -> bool:
    """Whether the meeting and its cases may still change (not approved, not cancelled)."""
    try:
        ensure_editable(meeting)
    except Locked:
        return False
    return True


def move_to(meeting: Meeting, new_status: MeetingStatus) -> None:
    """Change the meeting's state, or raise Locked when the move is not allowed."""
    if new_status == meeting.status:
        return
    if new_status not in TRANSITIONS[meeting.status]:
        raise Locked(
            f"Et møte som er {STATE_WORDS[meeting.status]}, kan ikke bli {STATE_WORDS[new_status]}."
        )
    meeting.status = new_status
