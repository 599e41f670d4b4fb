"""Forms for participation answers (one, or many at once) and project decisions. Rules that need
the database live in ``boardroom.participation.answers`` and come back as ``InputError``.
"""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from boardroom.core.fields import (
    Choice,
    case_number,
    date_field,
    enum_choices,
    optional_enum,
    optional_int,
    strip,
    text,
)
from boardroom.core.forms import EditForm
from boardroom.models import ParticipationAnswer


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
