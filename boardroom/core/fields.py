"""Fields, filters and checks that forms across the app share: trimmed text, optional ids and
enums, Norwegian amounts and years, and select lists with Norwegian messages.
"""

from __future__ import annotations

from decimal import Decimal

from wtforms import Field, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from boardroom.core.formatting import nb_number
from boardroom.core.forms import Date
from boardroom.core.labels import label
from boardroom.core.parsing import parse_amount

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


def text(name: str, max_length: int, required: str = "", skip_empty: bool = True, **kw) -> StringField:
    """A trimmed text field, required when ``required`` (the message) is given. An empty optional
    field skips the other checks unless ``skip_empty`` is False (then the form's own
    ``validate_<field>`` still runs, e.g. for a field that another field makes required)."""
    checks = [DataRequired(message=required)] if required else ([Optional()] if skip_empty else [])
    checks.append(Length(max=max_length, message=f"Feltet kan ha høyst {max_length} tegn."))
    return StringField(name, checks, filters=[strip], **kw)


def case_number(name: str = "Sak (saksnummer)") -> StringField:
    return text(name, 20)


class AmountField(Field):
    """A number as Norwegians write it: '12 500,50', 'kr 4 956 481,97', '40'.

    ``digits`` is how many digits its column holds (NUMERIC(14, 2) for money), so a number the
    database cannot store gets a message instead of an error from the database."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, decimals: int = 2, digits: int = 14, **kw):
        super().__init__(label, validators, **kw)
        self.decimals = decimals
        self.limit = Decimal(10) ** (digits - decimals)

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
            if abs(self.data) >= self.limit:
                largest = nb_number(self.limit - Decimal(1).scaleb(-self.decimals), self.decimals).replace("\u00a0", " ")
                self.data = None
                raise ValueError(f"Tallet er for stort. Det største som kan lagres, er {largest}.")


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


def optional_key(value):
    """A vocabulary term's key from a select; '' (nothing chosen) becomes None."""
    return None if value in (None, "", "None") else str(getattr(value, "value", value))


class TermChoice(Choice):
    """A select of the request's organisation's terms of a vocabulary (``core.vocabularies``):
    a project phase, a follow-up status, a health level or a case kind. ``blank`` is the text of
    the empty choice, if there is one."""

    def __init__(self, label=None, validators=None, vocabulary: str = "", blank: str = "", **kw):
        from boardroom.core import vocabularies
        from boardroom.core.db import get_session

        kw.pop("coerce", None)
        super().__init__(label, validators, coerce=lambda value: vocabularies.as_key(optional_key(value), vocabulary),
                         **kw)
        self.vocabulary = vocabulary
        self.choices = ([SelectChoice("", blank)] if blank else []) + [
            SelectChoice(key, word) for key, word in vocabularies.choices(get_session(), vocabulary)]

    def keep(self, key) -> None:
        """Offer a record's current key too when the organisation no longer lists it, so that
        saving the record unchanged keeps its term."""
        from boardroom.core import vocabularies
        from boardroom.core.db import get_session

        if key not in (None, "") and vocabularies.key(key) not in {c.value for c in self.choices}:
            self.choices = [*self.choices, SelectChoice(vocabularies.key(key), vocabularies.term_label(
                get_session(), self.vocabulary, key))]


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
