"""The agenda builder: create and edit meetings, the invited list, cases and their order,
attachments, the notice (innkalling) and the body's Word template.

Views load, check access, validate the form and call a function in ``boardroom.meetings.agenda``;
the request commits once (boardroom.db). A form that fails validation comes back with
status 400, every error next to its field and everything typed kept. A change to a meeting
whose minutes are approved, or that is cancelled, is refused with 409.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlmodel import select

from boardroom.auth.accounts import signature
from boardroom.core import files
from boardroom.core.access import can_download, can_see_agenda, editor_required, not_for_this_viewer, public_file
from boardroom.core.cache import cached, meeting_scopes
from boardroom.core.db import get_session
from boardroom.core.formatting import by_name, local
from boardroom.core.labels import label
from boardroom.core.orgs import here
from boardroom.core.text import render_markdown
from boardroom.core.views import form_page, get_or_404, or_404, safe_next
from boardroom.documents.parts import remove_word_template, set_word_template
from boardroom.mail.notice import QueuedNotice, organizer_of, queue_notices, was_called
from boardroom.meetings.agenda import (
    StaysLast,
    add_attachment,
    add_case,
    attachment_meeting,
    cancel_meeting,
    create_meeting,
    current_memberships,
    invite,
    invite_members,
    load_attachment,
    load_item_in_meeting,
    meeting_times,
    meeting_year,
    move_case,
    remove_attachment,
    reorder,
    send_notice,
    uninvite,
    update_case,
    update_meeting,
)
from boardroom.meetings.forms import (
    ActionForm,
    AttachmentForm,
    CancelForm,
    CaseForm,
    InviteForm,
    MeetingForm,
    TemplateForm,
)
from boardroom.meetings.minutes import item_number, load_meeting
from boardroom.meetings.numbering import format_number, next_sequence
from boardroom.meetings.workflow import ensure_editable, is_editable
from boardroom.models import (
    AgendaItem,
    Attachment,
    Body,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MembershipRole,
    Municipality,
    Person,
)

bp = Blueprint("agenda", __name__)
bp.add_app_template_global(is_editable, "meeting_editable")
bp.add_app_template_global(files.max_size_text, "max_upload_size")
DOCX_MIMETYPE = files.DOCX
PREVIEWED = (("agenda_note", "Underpunkter i sakslisten"), ("background", "Opplysninger til saken"),
             ("assessment", "Vurdering"), ("proposal", "Forslag til vedtak"))
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


# --------------------------------------------------------------------------- loading


def meeting_or_404(meeting_id: int) -> Meeting:
    return or_404(load_meeting(get_session(), meeting_id), "Møtet finnes ikke.")


def item_or_404(item_id: int) -> AgendaItem:
    return or_404(load_item_in_meeting(get_session(), item_id), "Saken finnes ikke.")


def attachment_or_404(attachment_id: int) -> Attachment:
    return or_404(load_attachment(get_session(), attachment_id), "Vedlegget finnes ikke.")


def editable_or_409(meeting: Meeting) -> Meeting:
    ensure_editable(meeting)
    return meeting


def mail_notices(meeting: Meeting, kind: str, only=None) -> QueuedNotice:
    """Queue the notice, update or cancellation e-mails, from the signed-in secretary."""
    session = get_session()
    organizer = organizer_of(current_app.config, current_user.email, signature(session, current_user))
    return queue_notices(session, meeting, current_app.config, kind, organizer, only)


def mail_text(result: QueuedNotice, what: str) -> str:
    """What happened to the e-mails, said plainly: queued is not sent."""
    if not result.queued:
        text = f"Ingen {what} er sendt på e-post."
    elif result.configured:
        text = (f"{what.capitalize()} sendes på e-post til {result.queued} "
                f"{'person' if result.queued == 1 else 'personer'}; se «Utsendt e-post» på møtesiden.")
    else:
        text = (f"{what.capitalize()} er ikke sendt – e-post er ikke satt opp. {result.queued} e-poster ligger i "
                "utboksen og sendes når BOARDROOM_SMTP_URL er satt.")
    if result.without_email:
        text += f" Mangler e-postadresse: {', '.join(result.without_email)}."
    return text


def to_builder(meeting: Meeting, message: str | None = None):
    if message:
        flash(message, "info")
    return redirect(url_for("agenda.builder", meeting_id=meeting.id))





# --------------------------------------------------------------------------- meetings


def meeting_values(form: MeetingForm) -> dict:
    starts_at, ends_at = meeting_times(form.start_date.data, form.start_time.data, form.end_date.data,
                                       form.end_time.data, form.all_day.data)
    return dict(title=form.title.data, starts_at=starts_at, ends_at=ends_at, all_day=form.all_day.data,
                place=form.place.data or "", mode=MeetingMode(form.mode.data), chair_id=form.chair_id.data,
                minutes_taker_id=form.minutes_taker_id.data, video_link=form.video_link.data or "",
                purpose=form.purpose.data or "")


def meeting_data(meeting: Meeting) -> dict:
    """The form's fields filled from a meeting (Europe/Oslo dates and times)."""
    start, end = local(meeting.starts_at), local(meeting.ends_at)
    if meeting.all_day:  # ends at midnight after the last day
        end = local(meeting.ends_at - timedelta(seconds=1))
    return dict(body_id=meeting.body_id, title=meeting.title, all_day=meeting.all_day, start_date=start.date(),
                start_time=None if meeting.all_day else start.time(), end_date=end.date(),
                end_time=None if meeting.all_day else end.time(), place=meeting.place, mode=meeting.mode.value,
                chair_id=meeting.chair_id, minutes_taker_id=meeting.minutes_taker_id, video_link=meeting.video_link,
                purpose=meeting.purpose)


@bp.route("/meetings/new", methods=["GET", "POST"])
@editor_required
def new_meeting():
    session = get_session()
    form = MeetingForm(session)
    bodies = by_name(session.exec(select(Body).where(here(Body.organisation_id))).all())
    if not form.is_submitted() and len(bodies) == 1:
        form.body_id.data = bodies[0].id
        form.place.data = bodies[0].default_place
    if form.validate_on_submit():
        meeting = create_meeting(session, session.get(Body, form.body_id.data), **meeting_values(form))
        return to_builder(meeting, "Møtet er opprettet med standardsakene og de innkalte.")
    return form_page("meetings/meeting_form.html", form, meeting=None, bodies=bodies)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_meeting(meeting_id: int):
    session = get_session()
    meeting = editable_or_409(meeting_or_404(meeting_id))
    form = MeetingForm(session, fixed_body=meeting.body, meeting=meeting,
                       data=None if request.method == "POST" else meeting_data(meeting))
    if form.validate_on_submit():
        sequence = meeting.sequence
        update_meeting(session, meeting, **meeting_values(form))
        if meeting.sequence != sequence and was_called(meeting):  # what calendars show has changed
            return to_builder(meeting, "Møtet er lagret. " + mail_text(mail_notices(meeting, "update"), "endringen"))
        return to_builder(meeting, "Møtet er lagret.")
    return form_page("meetings/meeting_form.html", form, meeting=meeting, bodies=[meeting.body])


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@editor_required
def cancel(meeting_id: int):
    meeting = editable_or_409(meeting_or_404(meeting_id))
    form = CancelForm()
    if form.validate_on_submit():
        cancel_meeting(get_session(), meeting, form.reason.data)
        text = "Møtet er avlyst. Det står fortsatt i møteplanen, merket som avlyst."
        if was_called(meeting):
            text += " " + mail_text(mail_notices(meeting, "cancel"), "avlysningen")
        return to_builder(meeting, text)
    return form_page("meetings/cancel.html", form, meeting=meeting)


# --------------------------------------------------------------------------- the agenda


@bp.get("/meetings/<int:meeting_id>/agenda")
@editor_required
def builder(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    return render_template("meetings/builder.html", meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/cases/new", methods=["GET", "POST"])
@editor_required
def new_case(meeting_id: int):
    session = get_session()
    meeting = editable_or_409(meeting_or_404(meeting_id))
    form = CaseForm(session, body=meeting.body)
    if form.is_submitted() and "preview" in request.form:
        return render_template("meetings/case_form.html", form=form, meeting=meeting, item=None, preview=previews(form))
    if form.validate_on_submit():
        item = add_case(session, meeting, **form.case_values())
        number = item_number(item)
        return to_builder(meeting, f"Sak {number} er lagt til." if number else "Saken er lagt til i sakslisten.")
    return form_page("meetings/case_form.html", form, meeting=meeting, item=None, preview=None)


@bp.route("/cases/<int:agenda_item_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_case(agenda_item_id: int):
    session = get_session()
    item = item_or_404(agenda_item_id)
    meeting = editable_or_409(item.meeting)
    values = None
    if request.method != "POST":
        values = {**{f: getattr(item.case, f) for f in ("title", "exempt", "exemption_basis", "public_title")},
                  **{f: getattr(item, f) for f in ("case_handler_id", "agenda_note", "background", "assessment",
                                                   "proposal")},
                  "kind": item.kind}
    figures = {a.id: a.alt_text for a in item.attachments if a.alt_text}
    form = CaseForm(session, data=values, figures=figures)
    form.kind.keep(item.kind)
    if form.is_submitted() and "preview" in request.form:
        return render_template("meetings/case_form.html", form=form, meeting=meeting, item=item, preview=previews(form))
    if form.validate_on_submit():
        update_case(session, item, **form.case_values())
        return to_builder(meeting, "Saken er lagret.")
    return form_page("meetings/case_form.html", form, meeting=meeting, item=item, preview=None)


def previews(form: CaseForm) -> list[tuple[str, str]]:
    """The Markdown fields as the pages will show them (sanitised HTML)."""
    return [(heading, render_markdown(form[name].data)) for name, heading in PREVIEWED if form[name].data]


@bp.post("/markdown-preview")
@editor_required
def markdown_preview():
    """Sanitised HTML of the posted Markdown, for the case form's live preview."""
    return jsonify(html=render_markdown(request.form.get("text", "")))


@bp.post("/cases/<int:agenda_item_id>/move")
@editor_required
def move(agenda_item_id: int):
    item = item_or_404(agenda_item_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400, "Ukjent retning; bruk opp eller ned.")
    try:
        move_case(get_session(), item, direction)
    except StaysLast as exc:
        flash(str(exc), "info")
    back = request.form.get("next")
    return redirect(safe_next(back) if back else url_for("agenda.builder", meeting_id=item.meeting_id))


@bp.post("/meetings/<int:meeting_id>/order")
@editor_required
def order(meeting_id: int):
    """The whole agenda in a new order (drag and drop): ``order`` lists the case ids, comma-separated."""
    meeting = editable_or_409(meeting_or_404(meeting_id))
    try:
        ids = [int(x) for x in request.form.get("order", "").split(",") if x.strip()]
    except ValueError:
        abort(400, "Ugyldig rekkefølge.")
    try:
        reorder(get_session(), meeting, ids)
    except ValueError as exc:
        abort(400, str(exc))
    return to_builder(meeting)


# --------------------------------------------------------------------------- invited


@bp.route("/meetings/<int:meeting_id>/invited", methods=["GET", "POST"])
@editor_required
def invited(meeting_id: int):
    session = get_session()
    meeting = meeting_or_404(meeting_id)
    on_list = {a.person_id for a in meeting.attendances if a.invited}
    people = [p for p in by_name(session.exec(select(Person).where(here(Person.organisation_id))).all())
              if p.id not in on_list]
    municipalities = by_name(session.exec(select(Municipality).where(here(Municipality.organisation_id))).all())
    form = InviteForm(people, municipalities)
    if form.is_submitted():
        ensure_editable(meeting)
    if form.validate_on_submit():
        invite(session, meeting, form.person_id.data, form.municipality_id.data)
        person = session.get(Person, form.person_id.data)
        flash(f"{person.name} er innkalt.", "info")
        return redirect(url_for("agenda.invited", meeting_id=meeting.id))
    seats = current_memberships(session, meeting.body_id, local(meeting.starts_at).date(), roles=tuple(MembershipRole))
    roles = {seat.person_id: label(seat.role) for seat in reversed(seats)}  # a board seat wins over another
    return form_page("meetings/invited.html", form, meeting=meeting, roles=roles)


@bp.post("/meetings/<int:meeting_id>/invited/<int:attendance_id>/remove")
@editor_required
def uninvite_person(meeting_id: int, attendance_id: int):
    meeting = meeting_or_404(meeting_id)
    attendance = or_404(next((a for a in meeting.attendances if a.id == attendance_id), None),
                        "Personen står ikke på listen over innkalte.")
    name = attendance.person.name
    uninvite(get_session(), meeting, attendance)
    flash(f"{name} er tatt av listen over innkalte.", "info")
    return redirect(url_for("agenda.invited", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/invited/members")
@editor_required
def invite_current_members(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    added = invite_members(get_session(), meeting)
    flash(f"{len(added)} personer er lagt til." if added else "Alle medlemmer og administrasjonen er allerede innkalt.",
          "info")
    return redirect(url_for("agenda.invited", meeting_id=meeting.id))


# --------------------------------------------------------------------------- notice


@bp.route("/meetings/<int:meeting_id>/send", methods=["GET", "POST"])
@editor_required
def send(meeting_id: int):
    session = get_session()
    meeting = editable_or_409(meeting_or_404(meeting_id))
    form = ActionForm()
    if form.validate_on_submit():
        numbered = send_notice(session, meeting)
        numbers = [item_number(item) for item in numbered]
        text = (f"Sakene har fått nummer {numbers[0]} til {numbers[-1]}." if len(numbers) > 1
                else f"Saken har fått nummer {numbers[0]}." if numbers else "")
        mailed = mail_notices(meeting, "notice")
        return to_builder(meeting, f"Møtet er innkalt. {text} {mail_text(mailed, 'innkallingen')}".strip())
    if meeting.status != MeetingStatus.planned:
        return to_builder(meeting, "Innkallingen er allerede sendt.")
    first = next_sequence(session, meeting.body_id, meeting_year(meeting))
    unnumbered = [item for item in meeting.items if item.number_seq is None]
    planned = {item.id: format_number(meeting.body.case_number_format, meeting_year(meeting), first + i)
               for i, item in enumerate(unnumbered)}
    return render_template("meetings/send.html", meeting=meeting, form=form, planned=planned)


@bp.get("/meetings/<int:meeting_id>/innkalling.docx")
@cached(scopes=meeting_scopes)
def innkalling(meeting_id: int):
    from boardroom.documents.innkalling import build_innkalling, innkalling_filename

    session = get_session()
    meeting = meeting_or_404(meeting_id)
    if not can_see_agenda(meeting):
        return not_for_this_viewer()
    return Response(
        build_innkalling(session, meeting),
        mimetype=DOCX_MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename={innkalling_filename(meeting)}"},  # an ASCII slug
    )


# --------------------------------------------------------------------------- attachments


@bp.route("/meetings/<int:meeting_id>/attachments", methods=["GET", "POST"])
@editor_required
def meeting_attachments(meeting_id: int):
    return attachments_page(meeting_or_404(meeting_id), None)


@bp.route("/cases/<int:agenda_item_id>/attachments", methods=["GET", "POST"])
@editor_required
def case_attachments(agenda_item_id: int):
    item = item_or_404(agenda_item_id)
    return attachments_page(item.meeting, item)


def attachments_page(meeting: Meeting, item: AgendaItem | None):
    form = AttachmentForm()
    if form.is_submitted():
        ensure_editable(meeting)
    if form.validate_on_submit():
        upload = form.file.data
        try:
            attachment = add_attachment(
                get_session(), meeting, title=form.title.data or Path(files.clean_filename(upload.filename)).stem,
                filename=upload.filename, data=upload.read(), item=item, exempt=form.exempt.data,
                exemption_basis=form.exemption_basis.data or "",
                alt_text=(form.alt_text.data or "") if form.figure.data else "",
            )
        except files.FileRejected as exc:
            form.file.errors.append(str(exc))
        else:
            flash(f"Vedlegget «{attachment.title}» er lastet opp.", "info")
            return redirect(request.path)
    owner = item if item is not None else meeting
    return form_page("meetings/attachments.html", form, meeting=meeting, item=item, attachments=owner.attachments)


@bp.post("/attachments/<int:attachment_id>/delete")
@editor_required
def delete_attachment(attachment_id: int):
    attachment = attachment_or_404(attachment_id)
    meeting = attachment_meeting(attachment)
    back = (url_for("agenda.case_attachments", agenda_item_id=attachment.agenda_item_id) if attachment.agenda_item_id
            else url_for("agenda.meeting_attachments", meeting_id=meeting.id))
    title = attachment.title
    remove_attachment(get_session(), meeting, attachment)
    flash(f"Vedlegget «{title}» er fjernet.", "info")
    return redirect(back)


@bp.get("/attachments/<int:attachment_id>/<path:filename>")
def attachment(attachment_id: int, filename: str):
    """The file itself: what is published for everyone, exempt files and drafts only when signed in."""
    attachment = attachment_or_404(attachment_id)
    if attachment.file is None or filename != attachment.filename:
        abort(404, "Vedlegget finnes ikke.")
    return serve_attachment(attachment)


@bp.get("/figurer/<int:attachment_id>")
def figure(attachment_id: int):
    """A figure (PNG/JPEG attachment) as a case text shows it, ``![alt](bilde:ID)``; same access as the file."""
    attachment = attachment_or_404(attachment_id)
    if attachment.file is None or attachment.file.media_type not in files.IMAGE_TYPES:
        abort(404, "Bildet finnes ikke.")
    return serve_attachment(attachment)


def serve_attachment(attachment: Attachment):
    meeting = attachment_meeting(attachment)
    if not can_download(attachment, meeting):
        return not_for_this_viewer()
    stored = attachment.file
    try:
        data = files.read(get_session(), stored)  # whole: uploads are small and bounded
    except files.FileMissing:
        abort(404, "Innholdet i filen mangler.")
    response = send_file(BytesIO(data), mimetype=stored.media_type, download_name=attachment.filename,
                         as_attachment=stored.media_type not in INLINE_TYPES, etag=stored.sha256, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not public_file(attachment, meeting):
        response.headers["Cache-Control"] = "private, no-store"  # not for shared caches
    return response


# --------------------------------------------------------------------------- the body's Word template


@bp.route("/bodies/<int:body_id>/word-template", methods=["GET", "POST"])
@editor_required
def word_template(body_id: int):
    session = get_session()
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    form = TemplateForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            set_word_template(session, body, upload.filename, upload.read())
        except files.FileRejected as exc:
            form.file.errors.append(str(exc))
        else:
            flash("Word-malen er lastet opp. Innkalling og protokoll bruker nå malens stiler, topptekst og bunntekst.",
                  "info")
            return redirect(request.path)
    return form_page("meetings/word_template.html", form, body=body)


@bp.post("/bodies/<int:body_id>/word-template/remove")
@editor_required
def remove_template(body_id: int):
    session = get_session()
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    remove_word_template(session, body)
    flash("Word-malen er fjernet. Dokumentene lages nå med standardoppsettet.", "info")
    return redirect(url_for("agenda.word_template", body_id=body.id))
