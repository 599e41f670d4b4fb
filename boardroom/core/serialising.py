"""What every JSON answer writes the same way: dates as ISO 8601, money as a string with øre,
the same way everywhere.
"""

from __future__ import annotations

from decimal import Decimal


def iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"
