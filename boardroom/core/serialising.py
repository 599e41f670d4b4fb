"""What every JSON answer writes the same way: dates as ISO 8601, money as a string with øre,
and a reference to a case (its number, title and link, as the viewer may see it).
"""

from __future__ import annotations

from decimal import Decimal

from boardroom.meetings.lookup import case_title
from boardroom.meetings.minutes import item_number


def iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def case_ref(item, public: bool = False) -> dict | None:
    if item is None:
        return None
    return {"id": item.id, "number": item_number(item), "title": case_title(item, public),
            "meeting_id": item.meeting_id, "url": f"/cases/{item.id}"}
