"""Forms for participation, projects, grants, status reports, benefits, follow-up actions,
cost keys and costs. Labels and messages are Norwegian; rules that need the database live in
``boardroom.projects`` and ``boardroom.cost_shares`` and come back as ``InputError``."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField
from wtforms import BooleanField, Field, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from boardroom.core.formatting import nb_number
from boardroom.core.forms import Date, Form, NotBefore
from boardroom.core.labels import label
from boardroom.models import (
    BenefitKind,
    CostSharing,
    FollowUpStatus,
    Health,
    ParticipationAnswer,
    ProjectPhase,
)
from boardroom.projects.projects import PERIODS, InputError, parse_amount

NONE_CHOSEN = SelectChoice("", "– ingen –")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def optional_int(value):
    """Select values: '' (nothing chosen) becomes None."""
    return int(value) if value not in (None, "", "None") else None


def optional_enum(enum_cls):
    def coerce(value):
        if value in (None, "", "None"):
            return None
        return value if isinstance(value, enum_cls) else enum_cls(value)

    return coerce


def enum_choices(enum_cls, members=None) -> list[SelectChoice]:
    return [SelectChoice(m.value, label(m)) for m in (members or enum_cls)]


def text(name: str, max_length: int, required: str = "", **kw) -> StringField:
    """A trimmed text field, required when ``required`` (the message) is given."""
    checks = [DataRequired(message=required)] if required else [Optional()]
    checks.append(Length(max=max_length, message=f"Feltet kan ha høyst {max_length} tegn."))
    return StringField(name, checks, filters=[strip], **kw)


def case_number(name: str = "Sak (saksnummer)") -> StringField:
    return text(name, 20)


class AmountField(Field):
    """A number as Norwegians write it: '12 500,50', 'kr 4 956 481,97', '40'."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, decimals: int = 2, **kw):
        super().__init__(label, validators, **kw)
        self.decimals = decimals

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return nb_number(self.data, self.decimals).replace("\u00a0", " ")

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_amount(valuelist[0])
            except ValueError:
                raise ValueError(f"«{valuelist[0]}» er ikke et tall. Skriv for eksempel 12 500,50.") from None


class NotNegative:
    def __init__(self, message: str = "Tallet kan ikke være negativt."):
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(self.message)


class Choice(SelectField):
    """A select whose wrong values get a Norwegian message."""

    MESSAGE = "Velg et av alternativene i listen."

    def __init__(self, *args, **kw):
        kw.setdefault("invalid_choice_message", self.MESSAGE)
        super().__init__(*args, **kw)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.MESSAGE) from None


class YearField(IntegerField):
    """A year; anything else gets a Norwegian message of its own."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"«{valuelist[0]}» er ikke et årstall. Skriv for eksempel 2026.") from None


class YearRange:
    def __call__(self, form, field):
        if field.data is not None and not 1900 <= field.data <= 2200:
            raise ValidationError("Oppgi et årstall mellom 1900 og 2200.")


def year_field(name: str, required: str) -> YearField:
    return YearField(name, [InputRequired(message=required), YearRange()])


def date_field(name: str, required: str = "", **kw) -> Date:
    checks = [InputRequired(message=required)] if required else [Optional()]
    return Date(name, checks, **kw)


class EditForm(Form):
    """A form that may fill itself from the row it edits; ``HINTS`` are shown under the labels."""

    HINTS: dict[str, str] = {}

    def add_error(self, error: InputError) -> None:
        """Put a domain error next to its field (or on the form when it names none)."""
        target = self._fields.get(error.field or "")
        if target is None:
            self.form_errors.append(str(error))
        else:
            target.errors = [*target.errors, str(error)]

    @property
    def visible_fields(self):
        return [f for f in self if f.name != "csrf_token"]


# --------------------------------------------------------------------------- participation


class AnswerForm(EditForm):
    municipality = Choice("Kommune", coerce=optional_int,
                               validators=[InputRequired(message="Velg kommunen som har svart.")])
    answer = Choice("Svar", choices=enum_choices(ParticipationAnswer), coerce=ParticipationAnswer)
    answered_on = date_field("Dato for svaret", "Oppgi datoen svaret ble gitt.")
    source = text("Kilde", 200, "Oppgi hvor svaret kom fra, for eksempel vedtak, e-post, telefon eller brev.",
                  default="vedtak")
    source_case = case_number("Sak som svaret kom i (saksnummer)")
    remark = TextAreaField("Merknad", [Optional(), Length(max=1000, message="Merknaden kan ha høyst 1000 tegn.")],
                           filters=[strip])
    HINTS = {"source_case": "Valgfritt, for eksempel 43-25.",
             "remark": "For eksempel «Avklart på telefon/e-post» eller «Bindal samarbeider sørover på eHelse»."}

    def validate_municipality(self, field):
        if field.data is None:
            raise ValidationError("Velg kommunen som har svart.")


class BulkAnswerForm(EditForm):
    """Answers of many municipalities at once; one select and remark per member (added per request)."""

    answered_on = date_field("Dato for svarene", "Oppgi datoen svarene ble gitt.")
    source = text("Kilde", 200, "Oppgi hvor svarene kom fra, for eksempel vedtak, e-post, telefon eller brev.",
                  default="vedtak")
    source_case = case_number("Sak som svarene kom i (saksnummer)")


ANSWER_CHOICES = [SelectChoice("", "– uendret –")] + enum_choices(ParticipationAnswer)


def bulk_answer_form(municipalities, formdata=None):
    """A BulkAnswerForm with ``answer_<id>`` and ``remark_<id>`` for each municipality."""

    class _Form(BulkAnswerForm):
        pass

    for m in municipalities:
        setattr(_Form, f"answer_{m.id}", Choice(m.name, choices=ANSWER_CHOICES,
                                                     coerce=optional_enum(ParticipationAnswer)))
        setattr(_Form, f"remark_{m.id}", StringField(f"Merknad for {m.name}", [
            Optional(), Length(max=1000, message="Merknaden kan ha høyst 1000 tegn.")], filters=[strip]))
    return _Form(formdata) if formdata is not None else _Form()


class DecisionForm(EditForm):
    title = text("Tema", 300, "Oppgi hva vedtaket gjelder.")
    decided_on = date_field("Dato for vedtak", "Oppgi datoen vedtaket ble gjort.")
    decided_text = text("Dato slik den skrives i oversikten", 100)
    case = case_number("Sak (saksnummer)")
    remark = TextAreaField("Avvik / merknader", [Optional(), Length(max=1000, message="Feltet kan ha høyst 1000 tegn.")],
                           filters=[strip])
    HINTS = {"decided_text": "Valgfritt, for eksempel «Kunngjort juni 2025».",
             "case": "Saken vedtaket ble gjort i, for eksempel 43-25. Tomt når vedtaket ble gjort utenom møte."}


# --------------------------------------------------------------------------- projects


class ProjectForm(EditForm):
    name = text("Navn", 200, "Oppgi navnet på prosjektet.")
    short_name = text("Kortnavn", 50)
    description = TextAreaField("Beskrivelse", filters=[strip])
    phase = Choice("Fase", choices=enum_choices(ProjectPhase), coerce=ProjectPhase)
    health = Choice("Helse", choices=[NONE_CHOSEN] + enum_choices(Health), coerce=optional_enum(Health))
    health_reason = text("Begrunnelse for helse", 500)
    owner = text("Prosjekteier", 200)
    lead = text("Prosjektleder", 200)
    start = date_field("Start")
    planned_end = Date("Planlagt slutt", [Optional(), NotBefore("start", "Planlagt slutt kan ikke være før start.")])
    HINTS = {"description": "Markdown: **fet**, lister med «- », lenker.",
             "health_reason": "Påkrevd når helsen er gul eller rød."}

    def validate_health_reason(self, field):
        if self.health.data in (Health.yellow, Health.red) and not field.data:
            raise ValidationError("Skriv hvorfor prosjektet er gult eller rødt.")


class GrantForm(EditForm):
    purpose = text("Tiltak/prosjekt", 300, "Oppgi hva tilskuddet gjelder.")
    funder = text("Finansiert av", 200, "Oppgi hvem som gir tilskuddet.")
    amount = AmountField("Beløp (kr)", [InputRequired(message="Oppgi beløpet."),
                                        NotNegative("Beløpet kan ikke være negativt.")])
    year = year_field("År", "Oppgi året.")


class StatusReportForm(EditForm):
    reported_on = date_field("Dato", "Oppgi datoen statusen gjelder.")
    case = case_number("Sak (saksnummer)")
    title = text("Overskrift", 300)
    text = TextAreaField("Status", [DataRequired(message="Skriv statusen.")], filters=[strip])
    phase = Choice("Fase", choices=[SelectChoice("", "– uendret –")] + enum_choices(ProjectPhase),
                        coerce=optional_enum(ProjectPhase))
    health = Choice("Helse", choices=[SelectChoice("", "– uendret –")] + enum_choices(Health),
                         coerce=optional_enum(Health))
    HINTS = {"case": "Saken statusen ble lagt fram i, for eksempel 44-25 («Status prosjekter og vedtak»)."}


class BenefitForm(EditForm):
    municipality = Choice("Kommune", coerce=optional_int)
    kind = Choice("Type", choices=enum_choices(BenefitKind), coerce=BenefitKind)
    description = text("Beskrivelse", 500)
    amount = AmountField("Gevinst (kr)", [Optional(), NotNegative("Gevinsten kan ikke være negativ.")])
    hours = AmountField("Timer", [Optional(), NotNegative("Timene kan ikke være negative.")], decimals=1)
    cost = AmountField("Kostnad (kr)", [Optional(), NotNegative("Kostnaden kan ikke være negativ.")])
    period = Choice("Per", choices=[SelectChoice(k, v) for k, v in PERIODS.items()])
    as_of = date_field("Dato")
    HINTS = {"cost": "Kostnadssiden: det kommunen betaler for løsningen i samme periode.",
             "amount": "Fyll inn gevinst i kroner, timer eller begge."}

    def validate_municipality(self, field):
        if field.data is None:
            raise ValidationError("Velg kommunen.")


class BenefitImportForm(EditForm):
    file = FileField("CSV-fil")
    replace = BooleanField("Erstatt prosjektets gevinster med innholdet i filen")
    HINTS = {"file": "Semikolonseparert, med kolonnene Kommune;Type;Beskrivelse;Gevinst (kr);Timer;Kostnad (kr);"
                     "Periode;Dato — som eksporten. Type er «planlagt» eller «realisert», periode «måned» eller «år»."}

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError("Velg en CSV-fil.")


# --------------------------------------------------------------------------- follow-up


class FollowUpForm(EditForm):
    text = TextAreaField("Oppfølgingspunkt", [DataRequired(message="Skriv hva som skal følges opp.")],
                         filters=[strip])
    responsible_person = Choice("Ansvarlig person", coerce=optional_int)
    responsible_municipality = Choice("Ansvarlig kommune", coerce=optional_int)
    due_date = date_field("Frist")
    status = Choice("Status", choices=enum_choices(FollowUpStatus), coerce=FollowUpStatus)
    HINTS = {"due_date": "«Innen 14 dager etter 17. oktober» er 31. oktober.",
             "responsible_person": "Velg en person, en kommune eller begge."}


class FollowUpEditForm(FollowUpForm):
    closed_by = case_number("Lukket i sak (saksnummer)")
    HINTS = {**FollowUpForm.HINTS,
             "closed_by": "En senere sak som følger opp punktet, for eksempel 03-26. Punktet blir da ferdig."}


# --------------------------------------------------------------------------- costs


class CostKeyForm(EditForm):
    name = text("Navn", 200, "Gi fordelingsnøkkelen et navn.")
    kind = Choice("Slik fordeles kostnaden", choices=[
        SelectChoice("percent", "Prosent flatt og prosent etter innbyggertall"),
        SelectChoice("rate", "Fast sats per innbygger, resten flatt"),
    ])
    flat_percent = AmountField("Flat del (%)")
    per_inhabitant_percent = AmountField("Del etter innbyggertall (%)")
    rate_per_inhabitant = AmountField("Sats per innbygger (kr)")
    project = Choice("Prosjekt", coerce=optional_int)
    HINTS = {"flat_percent": "For eksempel 40 for en 40/60-nøkkel. Flat del og del etter innbyggertall "
                             "skal til sammen være 100.",
             "rate_per_inhabitant": "For eksempel 23 (budsjettet for 2026).",
             "project": "Prosjektet nøkkelen gjelder, hvis noe."}

    def validate_flat_percent(self, field):
        if self.kind.data == "percent" and field.data is None:
            raise ValidationError("Oppgi den flate delen i prosent (0 om alt fordeles etter innbyggertall).")

    def validate_per_inhabitant_percent(self, field):
        if self.kind.data == "percent" and field.data is None:
            raise ValidationError("Oppgi delen etter innbyggertall i prosent (0 om alt fordeles flatt).")

    def validate_rate_per_inhabitant(self, field):
        if self.kind.data == "rate" and field.data is None:
            raise ValidationError("Oppgi satsen per innbygger i kroner.")

    def key_values(self) -> dict:
        if self.kind.data == "rate":
            return dict(rate_per_inhabitant=self.rate_per_inhabitant.data)
        return dict(flat_percent=self.flat_percent.data or Decimal(0),
                    per_inhabitant_percent=self.per_inhabitant_percent.data or Decimal(0))


class CostForm(EditForm):
    description = text("Beskrivelse", 300, "Beskriv kostnaden.")
    year = year_field("År", "Oppgi året kostnaden gjelder.")
    total = AmountField("Totalbeløp (kr)", [InputRequired(message="Oppgi beløpet som skal fordeles."),
                                            NotNegative("Beløpet kan ikke være negativt.")])
    cost_key = Choice("Fordelingsnøkkel", coerce=optional_int)
    sharing = Choice("Fordeles mellom", choices=[
        SelectChoice(CostSharing.all_members.value, "Alle medlemskommunene"),
        SelectChoice(CostSharing.participants.value, "Kommunene som deltar i prosjektet"),
    ], coerce=CostSharing)
    project = Choice("Prosjekt", coerce=optional_int)
    population_date = date_field("Innbyggertall per", "Oppgi datoen innbyggertallene skal gjelde.")
    case = case_number("Sak (saksnummer)")
    HINTS = {"total": "Med øre, for eksempel 4 956 481,97.",
             "population_date": "Det må finnes innbyggertall fra denne datoen for alle kommunene som deler.",
             "case": "Saken kostnaden ble vedtatt i, for eksempel 40-25."}

    def validate_cost_key(self, field):
        if field.data is None:
            raise ValidationError("Velg en fordelingsnøkkel.")
