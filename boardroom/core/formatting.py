"""Norwegian (bokmål) formatting of dates, times, numbers and money, via Babel."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

OSLO = ZoneInfo("Europe/Oslo")
LOCALE = Locale.parse("nb_NO")  # parsed once; babel would parse a string on every call


def local(dt: datetime) -> datetime:
    return dt.astimezone(OSLO)


def nb_date(d: date | datetime) -> str:
    """16. oktober 2025"""
    if isinstance(d, datetime):
        d = local(d).date()
    return _nb_date(d)


# Babel takes some 20 µs a call; a page prints the same dates and amounts many times over
@lru_cache(maxsize=8192)
def _nb_date(d: date) -> str:
    return format_date(d, "d. MMMM y", locale=LOCALE)


# a date written by hand in one of the ways the overviews had them: "25.okt.24", "12. juni 25", "21.03.2025"
_HANDWRITTEN_DATE = re.compile(r"\d{1,2}\.?\s*([a-zæøå]+\.?|\d{1,2}\.)\s*\d{2,4}", re.IGNORECASE)


def decision_date(decision) -> str:
    """When a decision was made, in the one form every page uses: "25. oktober 2024". A note that
    says more than the date ("Kunngjort juni 2025") follows in parentheses; a date typed by hand
    in another form ("25.okt.24") is not repeated."""
    text = nb_date(decision.decided_on)
    note = (getattr(decision, "decided_text", "") or "").strip()
    if note and not _HANDWRITTEN_DATE.fullmatch(note):
        text += f" ({note})"
    return text


def nb_datetime(dt: datetime) -> str:
    """16. oktober 2025 kl. 10.00"""
    dt = local(dt)
    return f"{nb_date(dt)} kl. {dt:%H.%M}"


def nb_date_range(start: date, end: date) -> str:
    """19.–20. januar 2026; 30. januar – 1. februar 2026; one date when start == end."""
    if start == end:
        return nb_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}.–{nb_date(end)}"
    if start.year == end.year:
        return f"{format_date(start, 'd. MMMM', locale=LOCALE)} – {nb_date(end)}"
    return f"{nb_date(start)} – {nb_date(end)}"


def meeting_when(meeting) -> str:
    """The time of a meeting as the minutes print it ("Tid")."""
    start, end = local(meeting.starts_at), local(meeting.ends_at)
    if meeting.all_day:
        last_day = (end - timedelta(seconds=1)).date() if end > start else start.date()
        return nb_date_range(start.date(), last_day)
    if start.date() == end.date():
        return f"{nb_datetime(start)}–{end:%H.%M}"
    return f"{nb_datetime(start)} – {nb_datetime(end)}"


def nb_number(value, decimals: int = 0) -> str:
    """1 931 517 or 4 956 481,97 (Norwegian digit grouping with a non-breaking space)."""
    return _nb_number(Decimal(value), decimals)


@lru_cache(maxsize=16384)
def _nb_number(value: Decimal, decimals: int) -> str:
    # equal Decimals (1.0 and 1.00) print alike under a fixed pattern, so they may share an entry
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=fmt, locale=LOCALE)


def nb_percent(value) -> str:
    """40 → '40', 12.5 → '12,5', 33.3333 → '33,3333' (a share in per cent, without its sign)."""
    value = Decimal(value)
    if value == value.to_integral():
        return str(int(value))
    return f"{value.normalize():f}".replace(".", ",")


def nok(value) -> str:
    """kr 4 956 481,97"""
    return f"kr {nb_number(value, 2)}"


# Norwegian letters after z, in the order of the alphabet; ä and ö are filed with æ and ø, and
# "aa" with å (the Norwegian convention, as in CLDR's nb collation: Aas sorts as Ås)
_NB_LETTERS = {"æ": "\x7f1", "ä": "\x7f1", "ø": "\x7f2", "ö": "\x7f2", "å": "\x7f3"}
_NB_LETTER = re.compile("aa|[æäøöå]")


@lru_cache(maxsize=4096)  # the same names are sorted on every page: 19 municipalities in each of 64 rows
def _primary(text: str) -> str:
    folded = unicodedata.normalize("NFC", text.casefold())
    folded = _NB_LETTER.sub(lambda m: _NB_LETTERS.get(m.group(0), _NB_LETTERS["å"]), folded)
    # other accents are ignored (é as e, ü as u); the Norwegian letters are already mapped
    return "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))


def nb_sort_key(text: str | None) -> tuple[str, str, str]:
    """Sort key for Norwegian alphabetical order (… x y z æ ø å), the one used for every list.

    Case and accents other than the Norwegian letters only break ties, so "aas" and "Aas" and
    "Ås" stay together; every list, select, CSV and JSON sorts names with this key in Python,
    so SQLite and PostgreSQL (whatever their collation) give the same order.
    """
    text = text or ""
    return _primary(text), text.casefold(), text


def by_name(rows, name=lambda row: row.name) -> list:
    """``rows`` sorted by their name in Norwegian order (``name`` gives the name of a row)."""
    return sorted(rows, key=lambda row: nb_sort_key(name(row)))


def by_position(rows) -> list:
    """``rows`` (e.g. projects) in their set order, then by name in Norwegian order, then by id."""
    return sorted(rows, key=lambda row: (row.position, nb_sort_key(row.name), row.id or 0))
