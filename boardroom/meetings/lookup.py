"""Finding cases: by their printed number ("43-25"), in bulk by id, and as the public may see
them.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.access import case_published, public_case_title
from boardroom.core.inputs import InputError
from boardroom.core.orgs import here
from boardroom.meetings.minutes import item_number
from boardroom.models import AgendaItem, Body, Meeting


def find_item(session: Session, number: str, body_id: int | None = None, *, at_hand: int | None = None,
              organisation_id: int | None = None) -> AgendaItem:
    """The agenda item printed as ``number`` ("43-25") in the organisation (by default the
    request's), in one query; ``body_id`` only in that body. Two bodies of the organisation may
    both have a case 01-26: then the one of the body at hand (``at_hand``) is meant, or the number
    names its body ("RS 01-26", by short name or name); otherwise InputError lists the choices, as it
    does when there is no such case."""
    number = (number or "").strip()
    if number.lower().startswith("sak "):
        number = number[4:].strip()
    digits = {int(d) for d in re.findall(r"\d+", number)}
    rows = []
    if digits:
        owner = Body.organisation_id == organisation_id if organisation_id is not None else here(Body.organisation_id)
        query = (
            select(AgendaItem)
            .join(Body, AgendaItem.body_id == Body.id).where(owner)
            .where(AgendaItem.number_seq.in_(digits))
            .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body), joinedload(AgendaItem.case))
            .order_by(AgendaItem.id)
        )
        if body_id is not None:
            query = query.where(AgendaItem.body_id == body_id)
        rows = list(session.exec(query))
    candidates = [i for i in rows if item_number(i) == number]
    if len({i.body_id for i in candidates}) == 1:
        return candidates[0]
    for item in rows:  # "RS 01-26": the body's short name or name, then its number
        body = item.meeting.body
        for name in (body.short_name, body.name):
            if name and number.casefold().startswith(name.casefold() + " ") \
                    and item_number(item) == number[len(name):].strip():
                return item
    if not candidates:
        raise InputError(f"Fant ingen sak med nummer «{number}». Skriv saksnummeret slik det står i sakslisten, "
                         "for eksempel 43-25.")
    if at_hand is not None and any(i.body_id == at_hand for i in candidates):
        return next(i for i in candidates if i.body_id == at_hand)
    bodies = {i.body_id: i.meeting.body for i in candidates}
    choices = " eller ".join(f"«{(b.short_name or b.name)} {number}» ({b.name})" for b in bodies.values())
    raise InputError(f"Sak {number} finnes i flere organer. Skriv hvilket du mener: {choices}.")


published = case_published  # the rules live in boardroom.core.access
case_title = public_case_title


def item_options():
    return (joinedload(AgendaItem.meeting).joinedload(Meeting.body), joinedload(AgendaItem.case))


def items_by_id(session: Session, ids) -> dict[int, AgendaItem]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {i.id: i for i in session.exec(select(AgendaItem).where(AgendaItem.id.in_(ids)).options(*item_options()))}


def case_or_error(session, number: str, field: str, at_hand: int | None = None) -> AgendaItem | None:
    """The case a form names by number in the request's organisation (None when the field is empty),
    the body at hand's when two bodies have that number; InputError on that field."""
    if not number:
        return None
    try:
        return find_item(session, number, at_hand=at_hand)
    except InputError as error:
        raise InputError(str(error), field) from None
