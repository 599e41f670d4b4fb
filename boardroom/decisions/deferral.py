"""Deferral: one case treated twice, moved to a later meeting with its own agenda position.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.formatting import nb_date
from boardroom.core.inputs import Invalid
from boardroom.core.labels import label
from boardroom.meetings.agenda import create_meeting, place_treatment
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


def defer(session: Session, item: AgendaItem, target: Meeting, reason: str = "") -> AgendaItem:
    """Defer a case to a later meeting: one case, two treatments.

    This treatment is marked deferred, its decision says so and it keeps the ``reason``; the
    later meeting gets a new treatment of the same case pointing back here, with the
    background, assessment and proposal copied. It lands before the later meeting's closing
    cases (Eventuelt), and a meeting whose notice is sent gives it the next free case number.
    """
    ensure_editable(item.meeting)
    ensure_editable(target)
    if item.status in (ItemStatus.deferred, ItemStatus.withdrawn):
        raise Locked(f"Saken er allerede {label(item.status).lower()} og kan ikke utsettes.")
    if target.id not in {m.id for m in deferral_targets(session, item)}:
        raise Invalid({"meeting": "Velg et senere, planlagt eller innkalt møte i samme styre."})
    later = AgendaItem(
        meeting_id=target.id, case_id=item.case_id, body_id=item.body_id,
        kind=item.kind, case_handler_id=item.case_handler_id, majority_rule=item.majority_rule,
        agenda_note=item.agenda_note, background=item.background, assessment=item.assessment,
        proposal=item.proposal, deferred_from_id=item.id,
    )
    item.status = ItemStatus.deferred
    item.decision = f"Saken utsettes til møtet {nb_date(target.starts_at)}."
    item.deferral_reason = reason.strip()
    return place_treatment(session, target, later)


def defer_to_new_meeting(session: Session, item: AgendaItem, starts_at: datetime, ends_at: datetime,
                         all_day: bool = False, reason: str = "") -> AgendaItem:
    """Defer a case to a new planned meeting of the same body (with its standard cases and members).

    The new meeting takes this meeting's title, place and form; it must start after this one.
    """
    ensure_editable(item.meeting)
    if item.status in (ItemStatus.deferred, ItemStatus.withdrawn):
        raise Locked(f"Saken er allerede {label(item.status).lower()} og kan ikke utsettes.")
    current = item.meeting
    if starts_at <= current.starts_at:
        raise Invalid({"new_date": "Det nye møtet må være etter dette møtet."})
    target = create_meeting(session, current.body, title=current.title, starts_at=starts_at, ends_at=ends_at,
                            all_day=all_day, place=current.place, mode=current.mode)
    return defer(session, item, target, reason)


def deferral_note(later: AgendaItem) -> str:
    """'Saken ble utsatt til møtet 20. mars 2026', with the reason when one was given:
    '… 20. mars 2026. Begrunnelse: Saken må utredes mer'"""
    note = f"Saken ble utsatt til møtet {nb_date(later.meeting.starts_at)}"
    reason = later.deferred_from.deferral_reason if later.deferred_from is not None else ""
    return f"{note}. Begrunnelse: {reason.rstrip('.')}" if reason else note
