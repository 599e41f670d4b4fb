"""Stored versions of approved minutes.

``freeze`` stores version 1 when the minutes are approved: the snapshot of the meeting (what
its page, cases and JSON show) and protokoll.docx built from that snapshot, each with its
SHA-256, the time and who approved. ``store_correction`` makes version 2, 3 … from the
current version with the correction applied and printed. Nothing else writes here: new
members, populations, templates, participation answers, follow-ups or a new release that
lays out documents differently leave every stored version as it is.

``minutes_record`` gives the views a meeting's record: the current stored version read
back, with access applied afresh, or the live record while the minutes are not approved.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import defer, joinedload
from sqlmodel import Session, select

from boardroom.archive.snapshot import MinutesRecord, apply_access, from_snapshot, live_record, to_snapshot
from boardroom.core.cache import LRUCache
from boardroom.core.text import render_markdown
from boardroom.costs.approved import fix_shares
from boardroom.documents.parts import figure_files, stored_template
from boardroom.documents.protokoll import write_protokoll
from boardroom.meetings.minutes import load_meeting
from boardroom.models import Attachment, Case, Correction, Meeting, MeetingStatus, MinutesVersion, utcnow

APPROVED_NOTE = "Godkjent"


def canonical(data: dict) -> str:
    """The one JSON text of a snapshot that its hash is taken of (sorted keys, no spaces)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store(session: Session, meeting_id: int, snapshot: dict, who: str, note: str,
           when: datetime | None = None) -> MinutesVersion:
    template = stored_template(session, snapshot["meeting"]["body"]["word_template_id"])
    record = from_snapshot(snapshot, template)
    record.figures = figure_files(session, record.meeting)
    docx = write_protokoll(record)
    text = canonical(snapshot)
    latest = session.exec(select(func.max(MinutesVersion.version)).where(MinutesVersion.meeting_id == meeting_id)).one()
    row = MinutesVersion(meeting_id=meeting_id, version=(latest or 0) + 1, created_at=when or utcnow(),
                         created_by=who, note=note,
                         snapshot=text, snapshot_sha256=sha256(text.encode()), docx=docx, docx_sha256=sha256(docx))
    session.add(row)
    session.flush()
    return row


def freeze(session: Session, meeting: Meeting, who: str) -> MinutesVersion:
    """Store version 1 of minutes just approved, after fixing the shares of the costs its cases decide."""
    session.flush()
    loaded = load_meeting(session, meeting.id)
    record = live_record(session, loaded)
    if fix_shares(session, [t for tables in record.cost_tables.values() for t in tables]):
        record = live_record(session, loaded)  # the costs' rows as now fixed
    return _store(session, meeting.id, to_snapshot(record), who, APPROVED_NOTE, meeting.approved_at)


def store_correction(session: Session, meeting: Meeting, row: Correction, subject: str) -> MinutesVersion:
    """The next version: the current one with ``row`` applied to its text and printed under Rettelser."""
    current = current_version(session, meeting.id)
    if current is None:  # approved before versions were stored: freeze as it stands, correction included
        return freeze(session, meeting, row.made_by)
    data = json.loads(current.snapshot)
    target = data["meeting"]
    if row.agenda_item_id is not None:
        target = next(i for i in data["meeting"]["items"] if i["id"] == row.agenda_item_id)
        target[f"{row.field}_html"] = render_markdown(row.after)
    target[row.field] = row.after
    data["corrections"].append({
        "subject": subject, "id": row.id, "agenda_item_id": row.agenda_item_id, "field": row.field,
        "before": row.before, "after": row.after, "reason": row.reason, "made_by": row.made_by,
        "created_at": row.created_at.isoformat(),
    })
    return _store(session, meeting.id, data, row.made_by, row.reason)


def versions(session: Session, meeting_id: int) -> list[MinutesVersion]:
    """Every stored version, oldest first (its hashes and times, not its contents)."""
    return list(session.exec(select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id)
                             .options(defer(MinutesVersion.docx), defer(MinutesVersion.snapshot))
                             .order_by(MinutesVersion.version)))


def current_version(session: Session, meeting_id: int, document_only: bool = False) -> MinutesVersion | None:
    """The newest stored version, its snapshot loaded when needed (``read_version`` seldom needs
    it); ``document_only``: with the Word document, else that too when needed."""
    query = select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id) \
        .options(defer(MinutesVersion.snapshot))
    if not document_only:
        query = query.options(defer(MinutesVersion.docx))
    return session.exec(query.order_by(MinutesVersion.version.desc())).first()


def version(session: Session, meeting_id: int, number: int) -> MinutesVersion | None:
    return session.exec(select(MinutesVersion).where(MinutesVersion.meeting_id == meeting_id,
                                                     MinutesVersion.version == number)).first()


@dataclass
class StoredRecord:
    """A stored version read back, with today's exemptions applied."""

    record: MinutesRecord
    version: MinutesVersion
    withheld: bool  # exemptions changed since it was stored: the public gets a derived document


_SNAPSHOTS = LRUCache(32)  # snapshot SHA-256 → the snapshot read back


def _parsed(row: MinutesVersion) -> dict:
    """The version's snapshot read back, once per version and process: a version never changes,
    so its SHA-256 names it, and its text (about 50 kB) is fetched from the database only the
    first time. Callers read the data and must not change it (``from_snapshot`` copies what it keeps)."""
    data = _SNAPSHOTS.get(row.snapshot_sha256)
    if data is None:
        data = json.loads(row.snapshot)
        _SNAPSHOTS.put(row.snapshot_sha256, data)
    return data


def read_version(session: Session, row: MinutesVersion) -> StoredRecord:
    data = _parsed(row)
    record = from_snapshot(data, stored_template(session, data["meeting"]["body"]["word_template_id"]))
    withheld = apply_access(session, record)
    record.figures = figure_files(session, record.meeting)  # after access: an exempt figure is left out
    return StoredRecord(record, row, withheld)


def minutes_record(session: Session, meeting: Meeting) -> tuple[MinutesRecord, MinutesVersion | None]:
    """The record a meeting's views print: its current stored version, or the live one."""
    row = current_version(session, meeting.id) if meeting.status == MeetingStatus.approved else None
    if row is None:
        return live_record(session, meeting), None
    return read_version(session, row).record, row


@dataclass
class Shown:
    """A meeting and the record its page and JSON print."""

    meeting: Meeting  # the row with its body; with every part loaded (load_meeting) when ``stored`` is None
    record: MinutesRecord
    stored: MinutesVersion | None
    versions: list[MinutesVersion] | None = None  # with ``stored``: every stored one, oldest first


def load_shown(session: Session, meeting_id: int) -> Shown | None:
    """What ``minutes_record`` gives for the meeting, read with as little as it needs: approved minutes
    with a stored version are printed from it, so the live cases, votes and attendance are not read."""
    meeting = session.exec(select(Meeting).where(Meeting.id == meeting_id).options(joinedload(Meeting.body))).first()
    if meeting is None:
        return None
    stored = versions(session, meeting_id) if meeting.status == MeetingStatus.approved else []
    if not stored:
        meeting = load_meeting(session, meeting_id)
        return Shown(meeting, live_record(session, meeting, documents=False), None)
    row = stored[-1]  # the current version (its snapshot is read when needed)
    return Shown(meeting, read_version(session, row).record, row, stored)


def document(session: Session, row: MinutesVersion, public: bool) -> bytes:
    """protokoll.docx of a stored version: its stored bytes, or for the public, when a case or an
    attachment has been made exempt since, a copy derived from the snapshot with those parts withheld."""
    if not public or _access_unchanged(session, row):
        return row.docx
    return write_protokoll(read_version(session, row).record)


_ACCESS = LRUCache(256)  # snapshot SHA-256 → the exemptions the version stored


def _stored_access(row: MinutesVersion) -> tuple[dict, dict]:
    """The exemption of the cases and attachments as the version stored them (read once per version)."""
    found = _ACCESS.get(row.snapshot_sha256)
    if found is None:
        meeting = _parsed(row)["meeting"]
        items = meeting["items"]
        cases = {i["case"]["id"]: (i["case"]["exempt"], i["case"]["exemption_basis"], i["case"]["public_title"])
                 for i in items}
        attachments = {a["id"]: (a["exempt"], a["exemption_basis"])
                       for a in [*meeting["attachments"], *(a for i in items for a in i["attachments"])]}
        found = cases, attachments
        _ACCESS.put(row.snapshot_sha256, found)
    return found


def _access_unchanged(session: Session, row: MinutesVersion) -> bool:
    """Whether every case and attachment of the version is exempt now exactly as it was (two queries)."""
    cases, attachments = _stored_access(row)
    now_cases = {r[0]: tuple(r[1:]) for r in session.exec(
        select(Case.id, Case.exempt, Case.exemption_basis, Case.public_title).where(Case.id.in_(cases)))} \
        if cases else {}
    now_attachments = {r[0]: tuple(r[1:]) for r in session.exec(
        select(Attachment.id, Attachment.exempt, Attachment.exemption_basis).where(Attachment.id.in_(attachments)))} \
        if attachments else {}
    return all(now_cases.get(k, v) == v for k, v in cases.items()) and \
        all(now_attachments.get(k, v) == v for k, v in attachments.items())


def freeze_unversioned(session: Session, who: str = "kommandolinje") -> int:
    """Store version 1 of approved minutes that have none (approved before versions were kept)."""
    have = select(MinutesVersion.meeting_id)
    ids = session.exec(select(Meeting.id).where(Meeting.status == MeetingStatus.approved,
                                                Meeting.id.not_in(have))).all()
    for meeting_id in ids:
        freeze(session, session.get(Meeting, meeting_id), who)
    return len(ids)
