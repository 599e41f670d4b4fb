"""During and after the meeting: attendance, decisions and votes, disqualification, deferral,
the co-signer, approval of the minutes and corrections; the case's history.

Views load, check access (``editor_required``) and editability, validate the form and call a
function of ``boardroom.decisions`` (attendance, votes, …); an invalid form is shown again with status 400, its errors
next to the fields and everything typed kept.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlmodel import select
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from boardroom.auth.accounts import signature
from boardroom.core.access import editor_required
from boardroom.core.db import get_session
from boardroom.core.fields import Choice, optional_int
from boardroom.core.formatting import nb_date, nb_sort_key
from boardroom.core.forms import Date, Form, Time
from boardroom.core.inputs import InputError, Invalid
from boardroom.core.labels import label, only_municipalities
from boardroom.core.views import form_page, get_or_404, or_404, project_choices
from boardroom.core.vocabularies import case_kind_means
from boardroom.decisions import absence, approval, deferral, disqualification, record, votes
from boardroom.decisions import attendance as presence
from boardroom.decisions.attendance import meeting_day
from boardroom.meetings.agenda import meeting_times
from boardroom.meetings.minutes import BOARD_ROLES, board_members, item_number, load_meeting, person_with_affiliation
from boardroom.meetings.pages import load_item
from boardroom.meetings.workflow import ensure_editable
from boardroom.models import (
    AttendanceStatus,
    CaseKind,
    DecisionMethod,
    Disqualification,
    ItemStatus,
    MajorityBase,
    MajorityRule,
    MembershipRole,
    ParticipationAnswer,
    Project,
    ProjectDecision,
    VoteChoice,
)
from boardroom.participation.answers import answers_on, load_answers, record_in_meeting
from boardroom.participation.status import all_municipalities, members_on, participation_lines

bp = Blueprint("decisions", __name__)

ATTENDANCE_CHOICES = [
    SelectChoice(AttendanceStatus.present.value, "Til stede"),
    SelectChoice(AttendanceStatus.absent_notice.value, "Forfall (meldt)"),
    SelectChoice(AttendanceStatus.absent.value, "Ikke til stede, uten melding"),
    SelectChoice(AttendanceStatus.invited.value, "Ikke registrert"),
]
VOTE_CHOICES = [SelectChoice(c.value, label(c)) for c in VoteChoice]
RULE_CHOICES = [SelectChoice(r.value, label(r)) for r in MajorityRule]
BASE_CHOICES = [SelectChoice(b.value, label(b)) for b in MajorityBase]
VOTED_KINDS = (CaseKind.decision, CaseKind.election)  # voted on unless the secretary says otherwise


# --------------------------------------------------------------------------- loading


def editable_meeting(meeting_id: int):
    """The fully loaded meeting; 404 when unknown, 409 when its minutes are approved or it is cancelled."""
    meeting = or_404(load_meeting(get_session(), meeting_id), "Møtet finnes ikke.")
    ensure_editable(meeting)
    g.site_body = meeting.body
    return meeting


def editable_item(item_id: int):
    item = or_404(load_item(get_session(), item_id), "Saken finnes ikke.")
    ensure_editable(item.meeting)
    g.site_body = item.meeting.body
    return item


def show_errors(form, errors: dict, names: dict | None = None) -> None:
    """Put the domain's messages next to the fields they are about (``names`` maps keys to field names)."""
    for key, message in errors.items():
        name = (names or {}).get(key, key)
        field = form[name] if name in form else None
        (field.errors if field is not None else form.form_errors).append(message)





# --------------------------------------------------------------------------- attendance


class AddAttendeeForm(Form):
    person = SelectField("Legg til en som møtte uten å være innkalt", validators=[
        DataRequired(message="Velg personen som møtte.")])


def attendance_form(meeting, seats, deputies: dict[int, int]):
    """One status and one 'møter for' choice per person on the meeting's list. Those not yet
    recorded are offered as present; a present deputy's choice defaults to the member their seat
    stands in for."""
    members = [SelectChoice("", "–")] + [
        SelectChoice(str(s.person_id), f"{s.person.name} ({s.municipality.name})" if s.municipality else s.person.name)
        for s in seats]

    class AttendanceForm(Form):
        pass

    for att in meeting.attendances:
        setattr(AttendanceForm, f"status_{att.id}", SelectField(
            f"Oppmøte for {att.person.name}", choices=ATTENDANCE_CHOICES,
            default=(AttendanceStatus.present if att.status == AttendanceStatus.invited else att.status).value))
        setattr(AttendanceForm, f"substitute_{att.id}", SelectField(
            f"{att.person.name} møter for", choices=members,
            default=str(att.substitute_for_id or (deputies.get(att.person_id, "")
                                                  if att.status == AttendanceStatus.present else ""))))
    return AttendanceForm()


def attendance_forms(session, meeting):
    """The attendance form and the form that adds someone who came without being invited."""
    seats = board_members(session, meeting.body_id, presence.meeting_day(meeting))
    form = attendance_form(meeting, seats, presence.deputy_defaults(session, meeting))
    add_form = AddAttendeeForm(prefix="add")
    add_form.person.choices = [SelectChoice("", "Velg person")] + [
        SelectChoice(str(s.person_id), f"{s.person.name} ({label(s.role).lower()}"
                           f"{', ' + s.municipality.name if s.municipality else ''})")
        for s in presence.addable_people(session, meeting)]
    return form, add_form


def seat_texts(session, meeting) -> dict[int, tuple[str, bool]]:
    """Person id → (whom their seat represents, whether they may attend for a member: deputies)."""
    texts = {}
    for seat in presence.memberships_on(session, meeting.body_id, presence.meeting_day(meeting)):
        where = seat.municipality.name if seat.municipality else seat.person.affiliation
        board = seat.role in BOARD_ROLES
        text = where if board or not where else f"{where} ({label(seat.role).lower()})"
        if seat.person_id not in texts or board:
            texts[seat.person_id] = (text or label(seat.role), seat.role == MembershipRole.deputy)
    return texts


@bp.route("/meetings/<int:meeting_id>/oppmote", methods=["GET", "POST"])
@editor_required
def attendance(meeting_id: int):
    session = get_session()
    meeting = editable_meeting(meeting_id)
    form, add_form = attendance_forms(session, meeting)
    context = dict(meeting=meeting, add_form=add_form, seats=seat_texts(session, meeting),
                   reported=absence.reported(session, meeting))
    if form.validate_on_submit():
        changes = {a.id: presence.AttendanceChange(AttendanceStatus(form[f"status_{a.id}"].data),
                                            int(form[f"substitute_{a.id}"].data or 0) or None)
                   for a in meeting.attendances}
        try:
            presence.record_attendance(session, meeting, changes)
        except Invalid as exc:
            show_errors(form, exc.errors, {key: f"substitute_{key}" for key in exc.errors})
            return form_page("decisions/attendance.html", form, **context)
        flash("Oppmøtet er registrert.", "info")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#deltakere")
    return form_page("decisions/attendance.html", form, **context)


@bp.post("/meetings/<int:meeting_id>/oppmote/legg-til")
@editor_required
def add_attendee(meeting_id: int):
    session = get_session()
    meeting = editable_meeting(meeting_id)
    form, add_form = attendance_forms(session, meeting)
    if add_form.validate_on_submit():
        attendee = presence.add_attendee(session, meeting, int(add_form.person.data))
        flash(f"{attendee.person.name} er lagt til som til stede. Velg hvem hun eller han eventuelt møter for.",
              "info")
        return redirect(url_for(".attendance", meeting_id=meeting.id))
    return form_page("decisions/attendance.html", form, meeting=meeting, add_form=add_form,
                     seats=seat_texts(session, meeting), reported=absence.reported(session, meeting))


# --------------------------------------------------------------------------- decision and vote


METHOD_CHOICES = [
    SelectChoice(DecisionMethod.counted.value, "Votering: stemmene per kommune nedenfor"),
    SelectChoice(DecisionMethod.unanimous.value, "Enstemmig vedtatt (bekreftet i møtet)"),
    SelectChoice(DecisionMethod.none.value, "Ingen votering (orientering eller diskusjon)"),
]


def decision_form(item, seats, defaults, project_choices, member_choices, participation):
    class DecisionForm(Form):
        decision = TextAreaField("Vedtak", validators=[DataRequired(message="Skriv vedtaket.")])
        discussion = TextAreaField("Diskusjoner i møtet")
        majority_rule = SelectField("Flertallskrav", choices=RULE_CHOICES)
        majority_base = SelectField("Regnes av", choices=BASE_CHOICES)
        method = RadioField("Hvordan ble saken avgjort?", choices=METHOD_CHOICES, validators=[
            DataRequired(message="Velg hvordan saken ble avgjort: votering, enstemmig eller ingen votering.")])
        project = Choice("Vedtaket gjelder deltakelse i prosjektet", coerce=optional_int)
        declining = SelectMultipleField("Alle deltar unntatt", coerce=int, choices=member_choices,
                                        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    choices = VOTE_CHOICES if item.meeting.body.abstain_allowed else [
        c for c in VOTE_CHOICES if c.value != VoteChoice.abstain.value]
    for seat in seats:
        who = seat.voter.person.name if seat.voter else seat.why_not
        setattr(DecisionForm, f"vote_{seat.key}", SelectField(
            seat.name, description=who, choices=choices, default=defaults[seat.key].value))
    if request.method == "POST":
        form = DecisionForm()
        form.project.choices = project_choices
        return form
    method = item.decided_by or (None if case_kind_means(item) in VOTED_KINDS else DecisionMethod.none)
    form = DecisionForm(decision=item.decision or item.proposal, discussion=item.discussion,
                        majority_rule=item.majority_rule.value, majority_base=item.majority_base.value,
                        method=method.value if method else None, **participation)
    form.project.choices = project_choices
    return form


@bp.route("/cases/<int:agenda_item_id>/vedtak", methods=["GET", "POST"])
@editor_required
def decide(agenda_item_id: int):
    session = get_session()
    item = editable_item(agenda_item_id)
    seats = votes.voting_seats(session, item)
    day = meeting_day(item.meeting)
    members = sorted(members_on(all_municipalities(session), day), key=lambda m: nb_sort_key(m.name))
    decided = participation_lines(session, [item.id]).get(item.id, [])
    form = decision_form(item, seats, votes.default_votes(item, seats), project_choices(session),
                         [SelectChoice(m.id, m.name) for m in members], meeting_participation(session, item))
    context = dict(item=item, meeting=item.meeting, seats=seats, record=record.case_extras(session, item),
                   municipal=only_municipalities(s.municipality for s in seats),
                   disqualified=disqualification.load_disqualifications(session, [item.id]).get(item.id, []),
                   participation=decided)
    if form.validate_on_submit():
        method = DecisionMethod(form.method.data)
        choices = ({s.key: VoteChoice(form[f"vote_{s.key}"].data) for s in seats}
                   if method == DecisionMethod.counted else None)
        try:
            votes.record_decision(session, item, decision=form.decision.data.strip(),
                                 discussion=(form.discussion.data or "").strip(),
                                 majority_rule=MajorityRule(form.majority_rule.data), votes=choices,
                                 method=method, base=MajorityBase(form.majority_base.data))
            if form.project.data:
                project = session.get(Project, form.project.data)
                record_in_meeting(session, item, project, set(form.declining.data or []), members, day)
        except Invalid as exc:
            show_errors(form, exc.errors, {key: f"vote_{key}" for key in exc.errors})
            return form_page("decisions/decide.html", form, **context)
        except InputError as error:
            form.add_error(error)
            return form_page("decisions/decide.html", form, **context)
        flash("Vedtaket er lagret.", "info")
        return redirect(url_for("meetings.case", agenda_item_id=item.id))
    return form_page("decisions/decide.html", form, **context)


def meeting_participation(session, item) -> dict:
    """The form's project and 'alle unntatt' as the case's project decision has them."""
    decision = session.exec(select(ProjectDecision).where(ProjectDecision.agenda_item_id == item.id)).first()
    if decision is None:
        return {}
    own = [a for a in load_answers(session, [decision.id]).get(decision.id, []) if a.source_item_id == item.id]
    latest = answers_on(own)
    return {"project": decision.project_id,
            "declining": [mid for mid, a in latest.items() if a.answer == ParticipationAnswer.declines]}


# --------------------------------------------------------------------------- disqualification


class DisqualificationForm(Form):
    person = SelectField("Hvem erklærte seg inhabil", validators=[DataRequired(message="Velg personen.")])
    reason = TextAreaField("Begrunnelse", validators=[
        DataRequired(message="Skriv begrunnelsen for inhabiliteten."),
        Length(max=500, message="Begrunnelsen kan være høyst 500 tegn.")])


class ConfirmForm(Form):
    """A button that changes something: only the CSRF token (checked for every post by CSRFProtect)."""


@bp.route("/cases/<int:agenda_item_id>/inhabilitet", methods=["GET", "POST"])
@editor_required
def disqualify(agenda_item_id: int):
    session = get_session()
    item = editable_item(agenda_item_id)
    rows = disqualification.load_disqualifications(session, [item.id]).get(item.id, [])
    form = DisqualificationForm()
    form.person.choices = [SelectChoice("", "Velg person")] + [
        SelectChoice(str(a.person_id), person_with_affiliation(a))
        for a in disqualification.disqualification_candidates(item, {r.person_id for r, _ in rows})]
    context = dict(item=item, meeting=item.meeting, rows=rows, remove_form=ConfirmForm())
    if form.validate_on_submit():
        try:
            disqualification.declare_disqualified(session, item, int(form.person.data), form.reason.data)
        except Invalid as exc:
            show_errors(form, exc.errors)
            return form_page("decisions/disqualify.html", form, **context)
        flash("Inhabiliteten er registrert. Personen tar ikke del i voteringen i saken.", "info")
        return redirect(url_for(".decide", agenda_item_id=item.id))
    return form_page("decisions/disqualify.html", form, **context)


@bp.post("/cases/<int:agenda_item_id>/inhabilitet/<int:disqualification_id>/slett")
@editor_required
def remove_disqualification(agenda_item_id: int, disqualification_id: int):
    session = get_session()
    item = editable_item(agenda_item_id)
    row = get_or_404(Disqualification, disqualification_id, "Inhabiliteten finnes ikke.", agenda_item_id=item.id)
    disqualification.remove_disqualification(session, item, row)
    flash("Inhabiliteten er fjernet.", "info")
    return redirect(url_for(".disqualify", agenda_item_id=item.id))


# --------------------------------------------------------------------------- deferral


NEW_MEETING = "new"


class DeferForm(Form):
    meeting = SelectField("Utsett saken til møtet", validators=[DataRequired(message="Velg møtet saken utsettes til.")])
    new_date = Date("Dato for det nye møtet")
    new_start = Time("Fra klokken")
    new_end = Time("Til klokken")
    reason = TextAreaField("Begrunnelse", [Length(max=500, message="Begrunnelsen kan ha høyst 500 tegn.")],
                           filters=[lambda v: v.strip() if isinstance(v, str) else v], render_kw={"rows": 3})

    def new_meeting(self) -> bool:
        return self.meeting.data == NEW_MEETING

    def validate_new_date(self, field):
        if self.new_meeting() and field.data is None and not field.errors:
            raise ValidationError("Oppgi datoen for det nye møtet.")

    def validate_new_end(self, field):
        if not self.new_meeting() or field.errors or self.new_start.errors:
            return
        start, end = self.new_start.data, field.data
        if (start is None) != (end is None):
            raise ValidationError("Oppgi både fra og til klokken, eller ingen av dem for et heldagsmøte.")
        if start is not None and end <= start:
            raise ValidationError("Møtet må slutte etter at det begynner.")


@bp.route("/cases/<int:agenda_item_id>/utsett", methods=["GET", "POST"])
@editor_required
def defer(agenda_item_id: int):
    """Defer the case to a later planned or called meeting of the body, or to a new one ("Nytt møte")."""
    session = get_session()
    item = editable_item(agenda_item_id)
    targets = deferral.deferral_targets(session, item)
    form = DeferForm()
    form.meeting.choices = [SelectChoice("", "Velg møte")] + [
        SelectChoice(str(m.id), f"{m.title} {nb_date(m.starts_at)} ({label(m.status).lower()})") for m in targets
    ] + [SelectChoice(NEW_MEETING, "Nytt møte (opprettes som planlagt)")]
    if not form.is_submitted() and not targets:
        form.meeting.data = NEW_MEETING
    context = dict(item=item, meeting=item.meeting, targets=targets)
    if form.validate_on_submit():
        try:
            if form.new_meeting():
                day, start, end = form.new_date.data, form.new_start.data, form.new_end.data
                starts_at, ends_at = meeting_times(day, start, None, end, all_day=start is None)
                later = deferral.defer_to_new_meeting(session, item, starts_at, ends_at, all_day=start is None,
                                                      reason=form.reason.data or "")
            else:
                target = next(m for m in targets if str(m.id) == form.meeting.data)
                later = deferral.defer(session, item, target, reason=form.reason.data or "")
        except Invalid as exc:
            show_errors(form, exc.errors)
        else:
            flash(f"Saken er utsatt til møtet {nb_date(later.meeting.starts_at)}.", "info")
            return redirect(url_for("meetings.case", agenda_item_id=later.id))
    return form_page("decisions/defer.html", form, **context)


# --------------------------------------------------------------------------- co-signer, held, approval


class CoSignerForm(Form):
    person = SelectField("Protokollunderskriver (sammen med møteleder)",
                         validators=[DataRequired(message="Velg protokollunderskriver.")])
    second = SelectField("Protokollunderskriver 2", validators=[Optional()])


@bp.route("/meetings/<int:meeting_id>/protokollunderskriver", methods=["GET", "POST"])
@editor_required
def co_signer(meeting_id: int):
    session = get_session()
    meeting = editable_meeting(meeting_id)
    two = meeting.body.co_signers == 2
    suggested = [str(i) for i in approval.suggested_co_signers(session, meeting)] + ["", ""]
    form = CoSignerForm() if request.method == "POST" else CoSignerForm(person=suggested[0], second=suggested[1])
    choices = [SelectChoice("", "Velg person")] + [
        SelectChoice(str(a.person_id), person_with_affiliation(a)) for a in approval.co_signer_candidates(session, meeting)]
    form.person.choices = form.second.choices = choices
    if two:
        form.person.label.text = "Protokollunderskriver 1 (sammen med møteleder)"
    else:
        del form.second
    context = dict(meeting=meeting)
    if form.validate_on_submit():
        ids = [int(form.person.data)] + ([int(form.second.data)] if two and form.second.data else [])
        try:
            approval.choose_co_signers(session, meeting, ids)
        except Invalid as exc:
            show_errors(form, exc.errors, {"person": "second" if two and len(ids) < 2 else "person"})
            return form_page("decisions/co_signer.html", form, **context)
        flash("Protokollunderskrivere er valgt." if two else "Protokollunderskriver er valgt.", "info")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return form_page("decisions/co_signer.html", form, **context)


@bp.post("/meetings/<int:meeting_id>/gjennomfort")
@editor_required
def mark_held(meeting_id: int):
    meeting = editable_meeting(meeting_id)
    approval.mark_held(get_session(), meeting)
    flash("Møtet er markert som gjennomført. Protokollen kan nå godkjennes.", "info")
    return redirect(url_for(".approve", meeting_id=meeting.id))


class ApproveForm(Form):
    confirm = BooleanField("Styret har godkjent protokollen. Etter godkjenning kan den bare endres med rettelser.",
                           validators=[DataRequired(message="Bekreft at styret har godkjent protokollen.")])


@bp.route("/meetings/<int:meeting_id>/godkjenn", methods=["GET", "POST"])
@editor_required
def approve(meeting_id: int):
    session = get_session()
    meeting = editable_meeting(meeting_id)
    form = ApproveForm()
    context = dict(meeting=meeting, held_form=ConfirmForm(), open_items=[
        i for i in meeting.items if i.status == ItemStatus.draft], undecided=approval.undecided(meeting))
    if form.validate_on_submit():
        try:
            approval.approve_minutes(session, meeting, signature(session, current_user))
        except Invalid as exc:
            show_errors(form, exc.errors, {"co_signer": "confirm", "decided_by": "confirm"})
            return form_page("decisions/approve.html", form, **context)
        flash("Protokollen er godkjent og låst.", "info")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return form_page("decisions/approve.html", form, **context)


# --------------------------------------------------------------------------- corrections


class CorrectionForm(Form):
    item = SelectField("Sak", description="Velg «Møtet» for å rette tittel, sted eller formål.")
    field = SelectField("Felt", validators=[DataRequired(message="Velg feltet som skal rettes.")])
    text = TextAreaField("Ny tekst", validators=[DataRequired(message="Skriv den rettede teksten.")])
    reason = TextAreaField("Begrunnelse for rettelsen", validators=[DataRequired(message="Skriv hvorfor protokollen rettes.")])


@bp.route("/meetings/<int:meeting_id>/rettelser/ny", methods=["GET", "POST"])
@editor_required
def correct(meeting_id: int):
    """Two steps: choose the case and field (a GET form, ``?item=ID&field=decision``), then edit the
    field's current text, prefilled, and give the reason."""
    session = get_session()
    meeting = or_404(load_meeting(session, meeting_id), "Møtet finnes ikke.")
    g.site_body = meeting.body
    approval.ensure_correctable(meeting)
    chosen = None
    if request.method == "POST":
        form = CorrectionForm()
    else:
        form = CorrectionForm(formdata=None, data={"item": request.args.get("item", ""),
                                                    "field": request.args.get("field", "")})
    form.item.choices = [SelectChoice("", "Møtet")] + [
        SelectChoice(str(i.id), f"Sak {item_number(i)} {i.case.title}" if item_number(i) else i.case.title)
        for i in meeting.items]
    form.field.choices = [SelectChoice("", "Velg felt")] + [
        SelectChoice(key, name, optgroup="I saken") for key, name in approval.ITEM_FIELDS.items()] + [
        SelectChoice(key, name, optgroup="I møtet") for key, name in approval.MEETING_FIELDS.items()]
    item = next((i for i in meeting.items if str(i.id) == (form.item.data or "")), None)
    fields = approval.ITEM_FIELDS if item is not None else approval.MEETING_FIELDS
    if form.field.data in fields and (item is not None or not form.item.data):
        chosen = approval.correction_subject_for(meeting, item, form.field.data)
        if request.method != "POST":  # start from the text as it stands in the minutes
            form.text.data = approval.current_text(meeting, item, form.field.data)
    elif request.method == "POST":
        chosen = ""  # the choice is not valid: the errors say so, and what was typed stays
    elif request.args.get("field"):
        form.field.errors = ["Velg et felt som hører til saken, eller «Møtet» for tittel, sted og formål."]
    context = dict(meeting=meeting, chosen=chosen)
    if form.validate_on_submit():
        try:
            approval.correct(session, meeting, item, form.field.data, form.text.data, form.reason.data,
                             signature(session, current_user))
        except Invalid as exc:
            show_errors(form, exc.errors)
            return form_page("decisions/correct.html", form, **context)
        flash("Rettelsen er ført i protokollen.", "info")
        return redirect(url_for("meetings.show", meeting_id=meeting.id) + "#rettelser")
    return form_page("decisions/correct.html", form, **context)
