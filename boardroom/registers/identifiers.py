"""The numbers that identify members: kommunenummer, fylkesnummer and organisasjonsnummer.

A municipality has a four-digit kommunenummer ("1833"), a county a two-digit fylkesnummer
("18"), and an enterprise, a health authority or another body a nine-digit
organisasjonsnummer whose last digit is a mod-11 check digit (weights 3 2 7 6 5 4 3 2; a
remainder of 1 gives no valid number). The check digit is checked by ``boardroom.core.orgs.orgnr_error``.
"""

from __future__ import annotations

import re

from boardroom.core.labels import number_name
from boardroom.core.orgs import orgnr_error
from boardroom.models import MemberKind

DIGITS = {MemberKind.municipality: (4, "fire"), MemberKind.county: (2, "to")}


class InvalidNumber(ValueError):
    """A member number that does not fit its kind; the message is Norwegian and names the problem."""


def check_member_number(kind: MemberKind, number: str | None) -> str:
    """The member's number, cleaned (spaces removed); raises InvalidNumber when it does not fit ``kind``."""
    name = number_name(kind)
    clean = re.sub(r"\s", "", number or "")
    if not clean:
        raise InvalidNumber(f"Oppgi {name}et.")
    if kind in DIGITS:
        count, word = DIGITS[kind]
        if not re.fullmatch(rf"[0-9]{{{count}}}", clean):
            raise InvalidNumber(f"{name.capitalize()}et må være {word} siffer.")
        return clean
    problem = orgnr_error(clean)
    if problem:
        raise InvalidNumber(problem)
    return clean
