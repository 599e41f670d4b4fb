"""Finding cases: by their printed number ("43-25"), in bulk by id, and as the public may see
them.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.access import case_published, public_case_title
from boardroom.core.inputs import InputError
from boardroom.meetings.minutes import item_number
from boardroom.models import AgendaItem, Meeting


def find_item(session: Session, number: str, body_id: int | None = None) -> AgendaItem:
    """The agenda item printed as ``number`` ("43-25"), in one query; InputError when there is none."""
    number = (number or "").strip()
    if number.lower().startswith("sak "):
        number = number[4:].strip()
    digits = {int(d) for d in re.findall(r"\d+", number)}
    candidates = []
    if digits:
        query = (
            select(AgendaItem)
            .where(AgendaItem.number_seq.in_(digits))
            .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body), joinedload(AgendaItem.case))
        )
        if body_id is not None:
            query = query.where(AgendaItem.body_id == body_id)
        candidates = [i for i in session.exec(query) if item_number(i) == number]
    if not candidates:
        raise InputError(f"Fant ingen sak med nummer «{number}». Skriv saksnummeret slik det står i sakslisten, "
                         "for eksempel 43-25.")
    return candidates[0]


published = case_published  # the rules live in boardroom.core.access
case_title = public_case_title


def item_options():
    return (joinedload(AgendaItem.meeting).joinedload(Meeting.body), joinedload(AgendaItem.case))


def items_by_id(session: Session, ids) -> dict[int, AgendaItem]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {i.id: i for i in session.exec(select(AgendaItem).where(AgendaItem.id.in_(ids)).options(*item_options()))}


def case_or_error(session, number: str, field: str) -> AgendaItem | None:
    """The case a form names by number (None when the field is empty); InputError on that field."""
    if not number:
        return None
    try:
        return find_item(session, number)
    except InputError as error:
        raise InputError(str(error), field) from None
