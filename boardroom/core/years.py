"""One year at a time: the lists that grow every year (costs, a municipality's cost shares and
votes) show one year, this year's by default, with links to the others and to every year at once,
so that a page costs the same after ten years of history as after one.

The year comes from the address, ``?år=2024`` or ``?år=alle``; anything else means the default.
"""

from __future__ import annotations

import re

EVERY_YEAR = "alle"
_YEAR = re.compile(r"[0-9]{4}")


def asked_year(args) -> int | str | None:
    """The year asked for in ``args`` (a request's query arguments): a year, EVERY_YEAR, or None."""
    value = (args.get("år") or "").strip()
    if value == EVERY_YEAR:
        return EVERY_YEAR
    return int(value) if _YEAR.fullmatch(value) else None


def chosen_year(years: list[int], asked: int | str | None, this_year: int) -> int | None:
    """The year to show of ``years``: the one asked for when there is any of it, else this year,
    else the newest; None means every year (asked for, or nothing to choose from)."""
    if asked == EVERY_YEAR or not years:
        return None
    if asked in years:
        return asked
    return this_year if this_year in years else max(years)


def of_year(column, year: int | None) -> list:
    """The SQL conditions that keep the rows whose ``column`` (a year) is ``year``: none for every year."""
    return [] if year is None else [column == year]
