"""Forms of the agenda builder: meeting, case, invited person, cancellation, attachment.

Every message is Norwegian. Rules that need several fields (times, exemption) live here;
rules that need the database or the meeting's state live in ``boardroom.meetings.agenda``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from flask_wtf.file import FileField
from sqlmodel import select
from wtforms import BooleanField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from boardroom.core import fields, vocabularies
from boardroom.core.fields import NONE_CHOSEN, Choice, TermChoice, optional_int, strip
from boardroom.core.formatting import by_name, local
from boardroom.core.forms import Date, Form, Time
from boardroom.core.labels import label
from boardroom.core.orgs import here
from boardroom.core.text import figure_refs
from boardroom.models import Body, CaseKind, MajorityBase, MajorityRule, Meeting, MeetingMode, Person

# the agenda's forms check their optional fields themselves (validate_<field>) even when empty
text = partial(fields.text, skip_empty=False)


def markdown(name: str, rows: int = 8) -> TextAreaField:
    return TextAreaField(name, [Length(max=100_000, message="Teksten er for lang.")], render_kw={"rows": rows})


def person_choices(session) -> list[tuple]:
    people = by_name(session.exec(select(Person).where(here(Person.organisation_id))).all())
    return [NONE_CHOSEN] + [SelectChoice(p.id, f"{p.name} ({p.affiliation})" if p.affiliation else p.name) for p in people]


class MeetingForm(Form):
    body_id = Choice("Organ", coerce=optional_int, validators=[DataRequired(message="Velg organet som skal møtes.")])
    title = text("Tittel", 200, "Skriv en tittel, for eksempel Styremøte.", default="Styremøte")
    all_day = BooleanField("Heldagsmøte (bare datoer, uten klokkeslett)")
    start_date = Date("Dato", [InputRequired(message="Oppgi dato for møtet.")])
    start_time = Time("Fra klokken")
    end_date = Date("Til dato")
    end_time = Time("Til klokken")
    place = text("Sted", 200)
    mode = SelectField("Møteform", choices=[SelectChoice(m.value, label(m)) for m in MeetingMode], default=MeetingMode.physical.value)
    video_link = text("Møtelenke", 500)
    chair_id = Choice("Møteleder", coerce=optional_int)
    minutes_taker_id = Choice("Referent", coerce=optional_int)
    purpose = text("Formål", 500)

    def __init__(self, session, *args, fixed_body: Body | None = None, meeting: Meeting | None = None, **kw):
        super().__init__(*args, **kw)
        self.meeting = meeting  # the meeting being edited: moving its start keeps its length
        bodies = by_name(session.exec(select(Body).where(here(Body.organisation_id))).all())
        self.body_id.choices = [SelectChoice(b.id, b.name) for b in bodies]
        if fixed_body is not None:  # a meeting stays with its body
            self.body_id.choices = [SelectChoice(fixed_body.id, fixed_body.name)]
            self.body_id.data = fixed_body.id
        self.chair_id.choices = person_choices(session)
        self.minutes_taker_id.choices = person_choices(session)

    def validate(self, extra_validators=None):
        self.keep_duration()
        return super().validate(extra_validators)

    def keep_duration(self) -> None:
        """A moved meeting keeps its length: when the start date changes and the end date is left as it
        was, the end date moves by as many days (a one-day meeting stays on one day)."""
        if self.meeting is None or self.start_date.data is None or self.start_date.errors:
            return
        old_start = local(self.meeting.starts_at).date()
        old_end = local(self.meeting.ends_at - timedelta(seconds=1) if self.meeting.all_day else self.meeting.ends_at).date()
        if self.start_date.data != old_start and self.end_date.data in (old_end, None):
            self.end_date.data = old_end + (self.start_date.data - old_start)

    def validate_video_link(self, field):
        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in field.data):
            raise ValidationError("Møtelenken må være en nettadresse som begynner med https://.")

    def validate_start_time(self, field):
        if not self.all_day.data and field.data is None and not field.errors:
            raise ValidationError("Oppgi når møtet begynner, eller kryss av for heldagsmøte.")

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError("Sluttdatoen kan ikke være før startdatoen.")

    def validate_end_time(self, field):
        if self.all_day.data or field.errors:
            return
        if field.data is None:
            raise ValidationError("Oppgi når møtet slutter, eller kryss av for heldagsmøte.")
        same_day = (self.end_date.data or self.start_date.data) == self.start_date.data
        if same_day and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError("Møtet må slutte etter at det begynner.")


class CaseForm(Form):
    title = text("Tittel", 300, "Skriv sakens tittel.")
    kind = TermChoice("Sakstype", vocabulary="case_kind", validate_choice=False)
    case_handler_id = Choice("Saksbehandler", coerce=optional_int)
    agenda_note = markdown("Underpunkter i sakslisten", rows=3)
    background = markdown("Opplysninger til saken")
    assessment = markdown("Vurdering")
    proposal = markdown("Forslag til vedtak")
    majority_rule = SelectField("Flertallskrav", choices=[SelectChoice(r.value, label(r)) for r in MajorityRule],
                                default=MajorityRule.simple.value)
    majority_base = SelectField("Kvalifisert flertall regnes av", default=MajorityBase.votes_cast.value,
                                choices=[SelectChoice(b.value, label(b)) for b in MajorityBase])
    exempt = BooleanField("Unntatt offentlighet")
    exemption_basis = text("Hjemmel", 100)
    public_title = text("Offentlig tittel", 300)

    def __init__(self, session, *args, figures: dict[int, str] | None = None, body=None, **kw):
        """``body``: a new case's body, whose majority rule the form starts with."""
        super().__init__(*args, **kw)
        if body is not None and not self.is_submitted():
            self.majority_rule.data, self.majority_base.data = body.majority_rule.value, body.majority_base.value
        self.case_handler_id.choices = person_choices(session)
        if self.kind.data is None:  # a new case: a decision, or the organisation's first kind that is one
            self.kind.data = vocabularies.key_meaning(session, "case_kind", CaseKind.decision)
        self.figures = figures or {}  # the case's figure attachments: id -> alternative text

    def check_figures(self, field) -> None:
        """Each ``![alt](bilde:ID)`` shows one of this case's figures and has its alternative text."""
        for alt, number in figure_refs(field.data):
            if number not in self.figures:
                raise ValidationError(f"bilde:{number} er ikke et bilde som er lastet opp til denne saken. "
                                      "Last opp bildet under «Vedlegg» og kryss av for bilde i saksteksten.")
            if not alt:
                raise ValidationError(f"Bildet bilde:{number} mangler alternativ tekst. Skriv den mellom klammene: "
                                      f"![{self.figures[number]}](bilde:{number}).")

    def validate_agenda_note(self, field):
        self.check_figures(field)

    def validate_background(self, field):
        self.check_figures(field)

    def validate_assessment(self, field):
        self.check_figures(field)

    def validate_proposal(self, field):
        self.check_figures(field)

    def validate_kind(self, field):
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError("Velg en sakstype.")

    def validate_exemption_basis(self, field):
        if self.exempt.data and not field.data:
            raise ValidationError("Oppgi hjemmel for unntaket, for eksempel Offl. § 14.")

    def case_values(self) -> dict:
        """The entered values by Case and AgendaItem field name."""
        return dict(
            title=self.title.data, kind=self.kind.data, case_handler_id=self.case_handler_id.data,
            agenda_note=self.agenda_note.data or "", background=self.background.data or "",
            assessment=self.assessment.data or "", proposal=self.proposal.data or "",
            majority_rule=MajorityRule(self.majority_rule.data), majority_base=MajorityBase(self.majority_base.data),
            exempt=self.exempt.data, exemption_basis=self.exemption_basis.data if self.exempt.data else "",
            public_title=self.public_title.data if self.exempt.data else "",
        )


class InviteForm(Form):
    person_id = Choice("Person", coerce=optional_int, validators=[DataRequired(message="Velg personen som skal innkalles.")])
    municipality_id = Choice("Representerer kommune", coerce=optional_int)

    def __init__(self, people, municipalities, *args, **kw):
        super().__init__(*args, **kw)
        self.person_id.choices = [SelectChoice("", "– velg –")] + [SelectChoice(p.id, p.name) for p in people]
        self.municipality_id.choices = [NONE_CHOSEN] + [SelectChoice(m.id, m.name) for m in municipalities]


class CancelForm(Form):
    reason = TextAreaField("Hvorfor avlyses møtet?", [
        DataRequired(message="Skriv hvorfor møtet avlyses; det står i kalenderen og på møtesiden."),
        Length(max=500, message="Feltet kan ha høyst 500 tegn."),
    ], filters=[strip])


class AttachmentForm(Form):
    file = FileField("Fil")
    title = text("Tittel", 300)
    exempt = BooleanField("Unntatt offentlighet")
    exemption_basis = text("Hjemmel", 100)
    figure = BooleanField("Bilde som skal vises i saksteksten (PNG eller JPEG)")
    alt_text = text("Alternativ tekst", 500)

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Velg en fil å laste opp.")
        if self.figure.data and not field.data.filename.lower().endswith((".png", ".jpg", ".jpeg")):
            raise ValidationError("Et bilde i saksteksten må være en PNG- eller JPEG-fil.")

    def validate_alt_text(self, field):
        if self.figure.data and not field.data:
            raise ValidationError("Skriv en alternativ tekst som sier hva bildet viser, for dem som ikke ser det.")

    def validate_exemption_basis(self, field):
        if self.exempt.data and not field.data:
            raise ValidationError("Oppgi hjemmel for unntaket, for eksempel Offl. § 14.")


class TemplateForm(Form):
    file = FileField("Word-mal (.docx)")

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Velg en .docx-fil å laste opp.")


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""
