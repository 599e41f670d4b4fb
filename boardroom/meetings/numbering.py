"""Case numbers: sequential per body and year, printed by the body's format ("38-25").

The stored key is (body, year, sequence) with a unique constraint, so a duplicate number
is impossible even when two requests number at the same moment: the loser of the race
gets an IntegrityError inside its savepoint and simply takes the next number.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from boardroom.models import AgendaItem

DEFAULT_FORMAT = "{seq:02d}-{yy}"
MAX_ATTEMPTS = 20


class NumberFormatError(ValueError):
    pass


def format_number(fmt: str | None, year: int | None, seq: int | None) -> str:
    """'38-25' for (2025, 38) with the default format; '' for an unnumbered item."""
    if year is None or seq is None:
        return ""
    return (fmt or DEFAULT_FORMAT).format(seq=seq, yy=year % 100, year=year)


def validate_format(fmt: str) -> str:
    """Check a case-number format; raise NumberFormatError with a Norwegian message."""
    try:
        sample = format_number(fmt, 2025, 38)
    except (KeyError, IndexError, ValueError) as exc:
        raise NumberFormatError(
            "Ugyldig saksnummerformat. Bruk {seq}, {yy} og {year}, for eksempel {seq:02d}-{yy}."
        ) from exc
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
