"""Input that the rules refuse, and today's date in Oslo.

Domain functions raise these with Norwegian messages; the views show them next to the form's
fields. ``InputError`` names one problem (and the field it belongs to); ``Invalid`` carries
several, keyed by what each is about (a field, an id).
"""

from __future__ import annotations

from datetime import date, datetime

from boardroom.core.formatting import OSLO


class InputError(ValueError):
    """Bad input; the message is Norwegian and names the problem. ``field`` is the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Invalid(ValueError):
    """Input the rules refuse; ``errors`` maps what it is about (a field, an id) to a Norwegian message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors


def today() -> date:
    return datetime.now(OSLO).date()
