"""Deferral: one case treated twice, moved to a later meeting with its own agenda position.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.formatting import local, nb_date
from boardroom.core.inputs import Invalid
from boardroom.core.labels import label
from boardroom.meetings.numbering import assign_number
from boardroom.meetings.workflow import Locked, ensure_editable
from boardroom.models import AgendaItem, ItemStatus, Meeting, MeetingStatus


def deferral_targets(session: Session, item: AgendaItem) -> list[Meeting]:
    """The body's later meetings that are planned or called, soonest first."""
    return list(session.exec(
        select(Meeting).where(
            Meeting.body_id == item.meeting.body_id, Meeting.id != item.meeting_id,
            Meeting.starts_at > item.meeting.starts_at,
            Meeting.status.in_([MeetingStatus.planned, MeetingStatus.called]),
        ).order_by(Meeting.starts_at, Meeting.id)
    ))


def deferred_to(session: Session, items: Iterable[AgendaItem]) -> dict[int, AgendaItem]:
    """The later treatment of each deferred item (keyed by the earlier item's id), with its meeting."""
    ids = [i.id for i in items if i.status == ItemStatus.deferred]
    if not ids:
        return {}
    later = session.exec(
        select(AgendaItem).where(AgendaItem.deferred_from_id.in_(ids)).options(joinedload(AgendaItem.meeting))
    ).all()
    return {i.deferred_from_id: i for i in later}


def defer(session: Session, item: AgendaItem, target: Meeting) -> AgendaItem:
    """Defer a case to a later meeting: one case, two treatments.

    This treatment is marked deferred, its decision says so; the later meeting gets a new
    treatment of the same case pointing back here, with the background, assessment and proposal copied. A meeting whose
    notice is sent gives the new treatment the next free case number.
    """
    ensure_editable(item.meeting)
    ensure_editable(target)
    if item.status in (ItemStatus.deferred, ItemStatus.withdrawn):
        raise Locked(f"Saken er allerede {label(item.status).lower()} og kan ikke utsettes.")
    if target.id not in {m.id for m in deferral_targets(session, item)}:
        raise Invalid({"meeting": "Velg et senere, planlagt eller innkalt møte i samme styre."})
    position = session.exec(
        select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == target.id)
    ).one()
    later = AgendaItem(
        meeting_id=target.id, case_id=item.case_id, body_id=item.body_id, position=(position or 0) + 1,
        kind=item.kind, case_handler_id=item.case_handler_id, majority_rule=item.majority_rule,
        agenda_note=item.agenda_note, background=item.background, assessment=item.assessment,
        proposal=item.proposal, deferred_from_id=item.id,
    )
    item.status = ItemStatus.deferred
    item.decision = f"Saken utsettes til møtet {nb_date(target.starts_at)}."
    session.add(later)
    session.flush()
    if target.status == MeetingStatus.called:
        assign_number(session, later, local(target.starts_at).year)
    return later


def deferral_note(later: AgendaItem) -> str:
    """'Saken ble utsatt til møtet 20. mars 2026'"""
    return f"Saken ble utsatt til møtet {nb_date(later.meeting.starts_at)}"
