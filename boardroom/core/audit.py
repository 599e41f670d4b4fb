"""The audit log: every change to meetings, cases, decisions, votes and attendance.

An ``after_flush`` listener writes one AuditEntry per changed field (who, when, field,
before, after) through Core inserts in the same transaction, so the log can never
disagree with what was saved. Who: the signed-in account (``g.audit_user``), else
"kommandolinje".
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession

from boardroom.models import (
    AgendaItem,
    Attendance,
    AuditEntry,
    Case,
    Correction,
    Disqualification,
    FollowUp,
    Meeting,
    Participation,
    Vote,
    VoteEvent,
    utcnow,
)

AUDITED = (Meeting, AgendaItem, Case, Attendance, VoteEvent, Vote, Disqualification, Correction, Participation,
           FollowUp)
SKIPPED = {"created_at", "modified_at", "sequence"}


def _who() -> str:
    return (g.get("audit_user") if has_app_context() else None) or "kommandolinje"


def _text(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def _context(obj) -> tuple[int | None, int | None]:
    """(meeting_id, agenda_item_id) a row belongs to."""
    if isinstance(obj, Meeting):
        return obj.id, None
    if isinstance(obj, AgendaItem):
        return obj.meeting_id, obj.id
    if isinstance(obj, (Attendance, Correction)):
        return obj.meeting_id, getattr(obj, "agenda_item_id", None)
    if isinstance(obj, (VoteEvent, Disqualification, FollowUp)):
        return None, obj.agenda_item_id
    if isinstance(obj, Vote):
        event_ = obj.__dict__.get("event")
        return None, event_.agenda_item_id if event_ is not None else None
    return None, None


@event.listens_for(OrmSession, "after_flush")
def _write_audit(session, _flush_context):
    rows = []
    who, now = _who(), utcnow()
    for action, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            meeting_id, item_id = _context(obj)
            base = dict(at=now, user=who, table_name=obj.__tablename__, row_id=obj.id, action=action,
                        meeting_id=meeting_id, agenda_item_id=item_id)
            if action != "update":
                rows.append(dict(base, field="", before="", after=""))
                continue
            state = inspect(obj)
            for attr in state.mapper.column_attrs:
                name = attr.key
                if name in SKIPPED or name.endswith("_html"):
                    continue
                history = state.attrs[name].history
                if not history.has_changes():
                    continue
                before = history.deleted[0] if history.deleted else None
                after = history.added[0] if history.added else None
                if _text(before) != _text(after):
                    rows.append(dict(base, field=name, before=_text(before), after=_text(after)))
    if rows:
        session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def record(connection, *, user: str, table_name: str, row_id: int, action: str, field: str = "", after: str = "") -> None:
    """One entry for something that is not a change to a row (a failed log-in), written on
    ``connection`` so that it stays even when the request's own transaction is rolled back."""
    connection.execute(sa.insert(AuditEntry.__table__).values(
        at=utcnow(), user=user[:200], table_name=table_name, row_id=row_id, action=action[:10],
        field=field[:50], before="", after=after))
