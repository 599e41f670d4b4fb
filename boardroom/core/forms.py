"""The base of every form: Flask-WTF (CSRF on every form) with WTForms' Norwegian messages."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import DateField, TimeField
from wtforms.validators import ValidationError

from boardroom.core.inputs import InputError

FIRST_YEAR, LAST_YEAR = 1900, 2200  # dates the app can place in Oslo's time zone and in documents


class Form(FlaskForm):
    class Meta:
        locales = ("nb_NO", "nb")


class NotBefore:
    """An end date may not come before the start date in ``other``."""

    def __init__(self, other: str, message: str):
        self.other, self.message = other, message

    def __call__(self, form, field):
        start = form[self.other].data
        if field.data and start and field.data < start:
            raise ValidationError(self.message)


class OutOfRange(ValueError):
    """A well-formed value outside what the app can handle; the message is Norwegian."""


class _TypedField:
    """Accepts any of FORMATS; a wrong value gets MESSAGE (Norwegian); empty input is None."""

    FORMATS: tuple[str, ...] = ()
    MESSAGE = ""

    def convert(self, parsed: datetime):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.raw_data = []  # only spaces count as nothing typed (InputRequired says so)
            return
        for fmt in self.FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            self.data = self.convert(parsed)  # OutOfRange (a ValueError) carries its own message
            return
        raise ValueError(self.MESSAGE.format(text))


class Date(_TypedField, DateField):
    """A date from the browser's date picker (2025-10-16), or typed as 16.10.2025."""

    FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
    MESSAGE = "«{}» er ikke en gyldig dato. Skriv for eksempel 16.10.2025."

    def convert(self, parsed: datetime):
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            raise OutOfRange(f"Oppgi en dato mellom år {FIRST_YEAR} og {LAST_YEAR}.")
        return parsed.date()


class Time(_TypedField, TimeField):
    """A time from the browser's time picker (10:00), or typed as 10.00."""

    FORMATS = ("%H:%M", "%H.%M")
    MESSAGE = "«{}» er ikke et gyldig klokkeslett. Skriv for eksempel 10:00."

    def convert(self, parsed: datetime):
        return parsed.time()


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
