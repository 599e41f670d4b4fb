"""Forms for cost keys and costs.
"""

from __future__ import annotations

from decimal import Decimal

from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from boardroom.core.fields import (
    AmountField,
    Choice,
    NotNegative,
    case_number,
    date_field,
    optional_int,
    text,
    year_field,
)
from boardroom.core.forms import EditForm
from boardroom.models import CostSharing


class CostKeyForm(EditForm):
    name = text("Navn", 200, "Gi fordelingsnøkkelen et navn.")
    kind = Choice("Slik fordeles kostnaden", choices=[
        SelectChoice("percent", "Prosent flatt, etter innbyggertall og etter eierandel"),
        SelectChoice("rate", "Fast sats per innbygger, resten flatt"),
    ])
    flat_percent = AmountField("Flat del (%)", digits=5)
    per_inhabitant_percent = AmountField("Del etter innbyggertall (%)", digits=5)
    ownership_percent = AmountField("Del etter eierandel (%)", digits=5)
    rate_per_inhabitant = AmountField("Sats per innbygger (kr)")
    project = Choice("Prosjekt", coerce=optional_int)
    HINTS = {"flat_percent": "For eksempel 40 for en 40/60-nøkkel. Flat del, del etter innbyggertall og del "
                             "etter eierandel skal til sammen være 100.",
             "ownership_percent": "Delen som fordeles etter medlemmenes eierandeler (0 om ingen). "
                                  "Eierandelene skal da til sammen være 100 %.",
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
                    per_inhabitant_percent=self.per_inhabitant_percent.data or Decimal(0),
                    ownership_percent=self.ownership_percent.data or Decimal(0))


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
