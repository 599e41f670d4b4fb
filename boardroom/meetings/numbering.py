"""Case numbers: sequential per body and year, printed by the body's format ("38-25").

The stored key is (body, year, sequence) with a unique constraint, so a duplicate number
is impossible even when two requests number at the same moment: the loser of the race
gets an IntegrityError inside its savepoint and simply takes the next number.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from boardroom.models import AgendaItem

DEFAULT_FORMAT = "{seq:02d}-{yy}"
MAX_ATTEMPTS = 20


class NumberFormatError(ValueError):
    pass


@lru_cache(maxsize=8192)
def format_number(fmt: str | None, year: int | None, seq: int | None) -> str:
    """'38-25' for (2025, 38) with the default format; '' for an unnumbered item. Remembered by its
    arguments (a page of a municipality's votes prints hundreds of numbers)."""
    if year is None or seq is None:
        return ""
    return (fmt or DEFAULT_FORMAT).format(seq=seq, yy=year % 100, year=year)


FORMAT_HELP = "Ugyldig saksnummerformat. Bruk {seq}, {yy} og {year}, for eksempel {seq:02d}-{yy}."
MAX_NUMBER_LENGTH = 30  # what a printed case number may take up


def validate_format(fmt: str) -> str:
    """Check a case-number format; raise NumberFormatError with a Norwegian message.

    Only the fields seq, yy and year, with plain format specs: a field inside a field's spec
    ("{seq:{year}}") would pad numbers to thousands of characters."""
    try:
        fields = list(string.Formatter().parse(fmt))
        if any(name is not None and (name not in ("seq", "yy", "year") or "{" in (spec or "") or conversion)
               for _, name, spec, conversion in fields):
            raise ValueError(fmt)
    except ValueError as exc:
        raise NumberFormatError(FORMAT_HELP) from exc
    widths = [int(run) for _, name, spec, _ in fields if name for run in re.findall(r"\d+", spec or "")]
    if any(width > MAX_NUMBER_LENGTH for width in widths):
        raise NumberFormatError(f"Saksnummeret blir for langt. Det kan ha høyst {MAX_NUMBER_LENGTH} tegn.")
    try:
        sample = format_number(fmt, 2025, 38)
    except (KeyError, IndexError, ValueError) as exc:
        raise NumberFormatError(FORMAT_HELP) from exc
    if len(sample) > MAX_NUMBER_LENGTH:
        raise NumberFormatError(f"Saksnummeret blir for langt ({len(sample)} tegn). Det kan ha høyst "
                                f"{MAX_NUMBER_LENGTH} tegn.")
    if "38" not in sample:
        raise NumberFormatError("Saksnummerformatet må inneholde løpenummeret {seq}.")
    return fmt


def next_sequence(session: Session, body_id: int, year: int) -> int:
    """The next free sequence number for a body and year (1 for the year's first case)."""
    current = session.exec(
        select(func.max(AgendaItem.number_seq)).where(
            AgendaItem.body_id == body_id, AgendaItem.number_year == year
        )
    ).one()[0]
    return (current or 0) + 1


def assign_number(session: Session, item: AgendaItem, year: int) -> AgendaItem:
    """Give ``item`` the next free number of its body in ``year``; flushes, never commits.

    An item that already has a number keeps it: numbers are never reused or changed.
    """
    if item.number_seq is not None:
        return item
    for _ in range(MAX_ATTEMPTS):
        seq = next_sequence(session, item.body_id, year)
        savepoint = session.begin_nested()
        item.number_year, item.number_seq = year, seq
        session.add(item)
        try:
            session.flush()
        except IntegrityError:
            savepoint.rollback()
            item.number_year = item.number_seq = None
            continue
        savepoint.commit()
        return item
    raise RuntimeError("could not assign a case number after repeated conflicts")
