"""Amounts and dates as people type them into forms and spreadsheets ("kr 4 956 481,97",
"16.10.2025"), and amounts written back the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from boardroom.core.formatting import nb_number


def parse_amount(text: str) -> Decimal | None:
    """'12 500,00kr', 'kr 4 956 481,97', '685', '-' (none) → Decimal; ValueError when not a number."""
    cleaned = (text or "").replace("kr", "").replace("\u00a0", "").replace(" ", "").strip()
    if cleaned in ("", "-"):
        return None
    if cleaned.endswith("-"):  # Excel's "54 972,92-kr"
        cleaned = "-" + cleaned[:-1]
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_day(text: str) -> date | None:
    """'2025-10-16' or '16.10.2025' → date; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def format_amount(value: Decimal | None, decimals: int = 2) -> str:
    return "" if value is None else nb_number(value, decimals).replace("\u00a0", " ")
