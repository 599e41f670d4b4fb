"""Absence (forfall): reported by a signed-in member on the meeting page, or by the signed link
in the notice e-mail (no password, that one act, once); the secretary calls the deputy in.

A deputy called in gets the notice e-mail when the notice has gone out already.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import Length

from boardroom.auth.accounts import signature
from boardroom.core.access import editor_required, login_required
from boardroom.core.db import get_session
from boardroom.core.forms import Form
from boardroom.core.inputs import Invalid
from boardroom.core.orgs import current_organisation_id
from boardroom.core.views import form_page, or_404
from boardroom.decisions import absence
from boardroom.mail.notice import ABSENCE_PURPOSE, organizer_of, queue_notices, was_called
from boardroom.mail.tokens import LinkError, read_link_token, use_link_token
from boardroom.meetings.minutes import load_meeting
from boardroom.models import Attendance, UserRole

bp = Blueprint("absence", __name__)
LINK_MAX_AGE = 120 * 24 * 3600  # a notice goes out weeks, not months, before the meeting


class AbsenceForm(Form):
    message = TextAreaField("Melding til sekretæren (valgfritt)", validators=[
        Length(max=500, message="Meldingen kan ha høyst 500 tegn.")])


def call_in(meeting, attendance: Attendance, organizer) -> str:
    """Call the deputy in and mail them the notice if it has gone out; what to tell the user."""
    deputy = absence.call_in_deputy(get_session(), meeting, attendance)
    text = f"{deputy.person.name} er kalt inn som vara for {attendance.person.name}."
    if was_called(meeting):
        mailed = queue_notices(get_session(), meeting, current_app.config, "notice", organizer, only=[deputy])
        text += (" Innkallingen sendes på e-post." if mailed.queued and mailed.configured
                 else " Innkallingen er ikke sendt – e-post er ikke satt opp." if mailed.queued
                 else f" {deputy.person.name} har ingen e-postadresse; gi beskjed på annen måte.")
    return text


def record(meeting, attendance: Attendance, message: str, organizer) -> str:
    absence.report_absence(get_session(), meeting, attendance, message)
    text = "Forfallet er meldt til sekretæren."
    if meeting.body.deputy_autocall and (called := absence.called_in_for(meeting, attendance)) is not None:
        text += f" Varamedlemmet {called.person.name} er kalt inn."
        if was_called(meeting):
            queue_notices(get_session(), meeting, current_app.config, "notice", organizer, only=[called])
    return text


@bp.post("/meetings/<int:meeting_id>/forfall")
@login_required
def report(meeting_id: int):
    """A signed-in board member reports their own absence."""
    session = get_session()
    meeting = or_404(load_meeting(session, meeting_id), "Møtet finnes ikke.")
    mine = absence.attendance_of(meeting, current_user.person_id)
    if current_user.role != UserRole.member or mine is None:
        abort(403, "Bare styremedlemmer som er innkalt til møtet, kan melde forfall her.")
    form = AbsenceForm()
    if not form.validate_on_submit():
        abort(400, " ".join(e for errors in form.errors.values() for e in errors) or "Skjemaet kunne ikke leses.")
    try:
        text = record(meeting, mine, form.message.data or "", organizer_of(current_app.config, None, None))
    except Invalid as exc:
        abort(409, str(exc))
    flash(text, "info")
    if request.form.get("next") == url_for("members.minside"):  # reported from Min side: back there
        return redirect(url_for("members.minside"))
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def link_or_error(token: str) -> tuple[dict, object, Attendance]:
    session = get_session()
    try:
        payload = read_link_token(session, current_app.config["SECRET_KEY"], ABSENCE_PURPOSE, token, LINK_MAX_AGE)
    except LinkError as exc:
        abort(exc.status, exc.message)
    attendance = session.get(Attendance, payload.get("a")) if isinstance(payload.get("a"), int) else None
    meeting = load_meeting(session, attendance.meeting_id) if attendance else None
    if meeting is None:
        abort(404, "Lenken gjelder et møte eller en innkalling som ikke finnes lenger.")
    if meeting.body.organisation_id != current_organisation_id():  # the link under another organisation's address
        abort(404, "Lenken gjelder et møte i en annen organisasjon.")
    attendance = next(a for a in meeting.attendances if a.id == attendance.id)
    if not absence.can_report(meeting, attendance):
        abort(410, "Forfall kan ikke meldes med denne lenken lenger: møtet er holdt eller avlyst, "
                   "eller oppmøtet er registrert.")
    return payload, meeting, attendance


@bp.route("/forfall/<token>", methods=["GET", "POST"])
def by_link(token: str):
    """The link in the notice e-mail: no log-in, this one act, once."""
    payload, meeting, attendance = link_or_error(token)
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            use_link_token(get_session(), ABSENCE_PURPOSE, payload)
            text = record(meeting, attendance, form.message.data or "", organizer_of(current_app.config, None, None))
        except LinkError as exc:
            abort(exc.status, exc.message)
        except Invalid as exc:
            abort(409, str(exc))
        return render_template("decisions/absence_done.html", meeting=meeting, attendance=attendance, text=text)
    return form_page("decisions/absence.html", form, meeting=meeting, attendance=attendance)


@bp.post("/meetings/<int:meeting_id>/oppmote/<int:attendance_id>/vara")
@editor_required
def call_deputy(meeting_id: int, attendance_id: int):
    """One click: call in the deputy of a member who reported absence."""
    session = get_session()
    meeting = or_404(load_meeting(session, meeting_id), "Møtet finnes ikke.")
    attendance = or_404(next((a for a in meeting.attendances if a.id == attendance_id), None),
                        "Personen står ikke på deltakerlisten til dette møtet.")
    if not AbsenceForm().validate_on_submit():
        abort(400, "Skjemaet er utløpt. Last siden på nytt og prøv igjen.")
    organizer = organizer_of(current_app.config, current_user.email, signature(session, current_user))
    try:
        text = call_in(meeting, attendance, organizer)
    except Invalid as exc:
        abort(409, str(exc))
    flash(text, "info")
    return redirect(url_for("decisions.attendance", meeting_id=meeting.id))
