"""Forms for projects, grants, status reports and benefits. Labels and messages are Norwegian;
rules that need the database come back from the domain functions as ``InputError``.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from boardroom.core.fields import (
    NONE_CHOSEN,
    AmountField,
    Choice,
    NotNegative,
    TermChoice,
    case_number,
    date_field,
    enum_choices,
    optional_int,
    strip,
    text,
    year_field,
)
from boardroom.core.forms import Date, EditForm, NotBefore
from boardroom.models import BenefitKind
from boardroom.projects.benefits import PERIODS


class ProjectForm(EditForm):
    name = text("Navn", 200, "Oppgi navnet på prosjektet.")
    short_name = text("Kortnavn", 50)
    description = TextAreaField("Beskrivelse", filters=[strip])
    phase = TermChoice("Fase", vocabulary="phase")
    health = TermChoice("Helse", vocabulary="health", blank=NONE_CHOSEN.label)
    health_reason = text("Begrunnelse for helse", 500)
    owner = text("Prosjekteier", 200)
    lead = text("Prosjektleder", 200)
    start = date_field("Start")
    planned_end = Date("Planlagt slutt", [Optional(), NotBefore("start", "Planlagt slutt kan ikke være før start.")])
    HINTS = {"description": "Markdown: **fet**, lister med «- », lenker.",
             "health_reason": "Påkrevd når helsen er gul eller rød."}

    def validate_health_reason(self, field):
        from boardroom.core.db import get_session
        from boardroom.projects.projects import needs_reason

        if needs_reason(get_session(), self.health.data) and not field.data:
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
    phase = TermChoice("Fase", vocabulary="phase", blank="– uendret –")
    health = TermChoice("Helse", vocabulary="health", blank="– uendret –")
    HINTS = {"case": "Saken statusen ble lagt fram i, for eksempel 44-25 («Status prosjekter og vedtak»)."}


class BenefitForm(EditForm):
    municipality = Choice("Kommune", coerce=optional_int)
    kind = Choice("Type", choices=enum_choices(BenefitKind), coerce=BenefitKind)
    description = text("Beskrivelse", 500)
    amount = AmountField("Gevinst (kr)", [Optional(), NotNegative("Gevinsten kan ikke være negativ.")])
    hours = AmountField("Timer", [Optional(), NotNegative("Timene kan ikke være negative.")], decimals=1,
                        digits=10)
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
