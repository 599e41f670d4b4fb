"""Who may see and change what: the one place for access rules.

A board of municipalities works in public. Visitors who are not logged in read what is
published: the meeting plan, a notice once it is sent, minutes once approved, the
participation overview. Any signed-in account reads everything of its bodies; only the
secretary and the administrator change anything. An exempt case shows the public only its
number, "Unntatt offentlighet" and its legal basis.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from boardroom.models import AgendaItem, Meeting, MeetingStatus, UserRole

EDITORS = (UserRole.admin, UserRole.secretary)
EXEMPT_TITLE = "Unntatt offentlighet"


def is_signed_in(user=None) -> bool:
    user = user or current_user
    return bool(getattr(user, "is_authenticated", False))


def can_edit(user=None) -> bool:
    user = user or current_user
    return is_signed_in(user) and user.role in EDITORS


def agenda_published(meeting: Meeting) -> bool:
    """The notice (innkalling) has been sent: the saksliste and case papers are public."""
    return meeting.status in (MeetingStatus.called, MeetingStatus.held, MeetingStatus.approved)


def minutes_published(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.approved


def can_see_agenda(meeting: Meeting, user=None) -> bool:
    return is_signed_in(user) or agenda_published(meeting)


def can_see_minutes(meeting: Meeting, user=None) -> bool:
    """Decisions, discussion notes, votes and attendance of the meeting."""
    return is_signed_in(user) or minutes_published(meeting)


def can_see_case(item: AgendaItem, user=None) -> bool:
    """The texts of a case: signed in, or published and not exempt."""
    return is_signed_in(user) or (can_see_agenda(item.meeting) and not item.case.exempt)


def public_title(case) -> str:
    """The title the public may see: the public title (or 'Unntatt offentlighet') of an exempt case."""
    return (case.public_title or EXEMPT_TITLE) if case.exempt else case.title


def shown_title(item: AgendaItem, user=None) -> str:
    """The title this viewer may see: the real one when signed in, else the public one."""
    return item.case.title if is_signed_in(user) else public_title(item.case)


def editor_required(view):
    """Only the secretary or the administrator: log-in page for visitors, 403 for other roles."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_signed_in():
            return redirect(url_for("auth.login", next=request.full_path))
        if not can_edit():
            abort(403, "Bare sekretær eller administrator kan gjøre endringer.")
        return view(*args, **kwargs)

    return wrapper


def login_required(view):
    """Any signed-in account; visitors are sent to the log-in page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_signed_in():
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper
