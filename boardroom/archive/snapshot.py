"""A meeting's minutes as one record, live or frozen.

``live_record`` gathers from the database what the meeting page, its cases, its JSON and
protokoll.docx show. ``to_snapshot`` turns that into plain JSON data, and ``from_snapshot``
gives it back as objects with the models' attribute names, so that the same templates,
serialisers and document builder print a stored version exactly as they print a live one.
Only access is applied afresh to a frozen record (``apply_access``): a case or attachment
marked exempt after approval is withheld from the public at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlmodel import Session, select

from boardroom.core.labels import LABELS, label
from boardroom.costs.shares import Share
from boardroom.costs.tables import ShareTable, tables_for_items
from boardroom.decisions.record import MinutesExtras, minutes_extras
from boardroom.documents.parts import figure_files, logo_bytes, template_bytes
from boardroom.meetings.minutes import MinutesView, assemble
from boardroom.models import (
    AgendaItem,
    Attachment,
    AttendanceStatus,
    Case,
    CaseKind,
    CostSharing,
    DecisionMethod,
    ItemStatus,
    MajorityBase,
    MajorityRule,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MemberKind,
    TermKey,
    VoteChoice,
)
from boardroom.participation.status import ParticipationLine, participation_lines

CASE_KINDS = {k.value for k in CaseKind}

FORMAT = 1  # raised when the snapshot's shape changes; older snapshots stay readable

MEETING = ("id", "body_id", "title", "place", "purpose", "mode", "status", "starts_at", "ends_at", "all_day",
           "called_at", "approved_at", "approved_by", "cancelled_reason", "chair_id", "co_signer_id",
           "second_co_signer_id", "minutes_taker_id", "video_link")
BODY = ("id", "name", "short_name", "organisation", "case_number_format", "default_place", "word_template_id",
        "co_signers")
PERSON = ("id", "name", "title", "affiliation")
CONTACT = (*PERSON, "email")  # the referent, to whom apologies are sent
ATTACHMENT = ("id", "meeting_id", "agenda_item_id", "file_id", "title", "filename", "exempt", "exemption_basis",
              "alt_text")
ATTENDANCE = ("id", "person_id", "invited", "status", "municipality_id", "substitute_for_id")
ITEM = ("id", "meeting_id", "case_id", "body_id", "position", "number_year", "number_seq", "kind", "status",
        "majority_rule", "majority_base", "decided_by", "deferred_from_id",
        *(name + suffix for name in AgendaItem.MARKDOWN_FIELDS for suffix in ("", "_html")))
CASE = ("id", "title", "public_title", "exempt", "exemption_basis")
COST = ("id", "description", "year", "total", "sharing", "population_date", "project_id", "approved_sum")
COST_KEY = ("id", "name", "flat_percent", "per_inhabitant_percent", "rate_per_inhabitant")
SHARE = ("name", "population", "per_inhabitant", "flat", "total")
CORRECTION = ("id", "agenda_item_id", "field", "before", "after", "reason", "made_by", "created_at")

MINUTES_TEXTS = ("members_text", "invited_text", "present_text", "absent_text", "apologies_text", "no_shows_text",
                 "recorded")

DATETIMES = {"starts_at", "ends_at", "called_at", "approved_at", "created_at"}
DATES = {"population_date", "valid_from", "valid_to"}
DECIMALS = {"total", "approved_sum", "flat_percent", "per_inhabitant_percent", "rate_per_inhabitant", "per_inhabitant", "flat",
            "ownership_percent", "ownership"}


class Frozen(SimpleNamespace):
    """A stored row read back: attributes as on the model, and ``row["name"]`` as templates use it."""

    def __getitem__(self, name):
        return getattr(self, name)


@dataclass
class MinutesRecord:
    """Everything the minutes show: the meeting with its cases, the attendance lists, the decisions'
    record and the cost tables (by agenda item id)."""

    meeting: Meeting | Frozen
    minutes: MinutesView | Frozen
    extras: MinutesExtras | FrozenExtras
    cost_tables: dict[int, list[ShareTable]] = field(default_factory=dict)
    template: bytes | None = None  # the Word template the document is built in
    participation: dict[int, list[ParticipationLine]] = field(default_factory=dict)  # decided in the case
    frozen: bool = False
    figures: dict[int, bytes] = field(default_factory=dict)  # images the case texts show, by attachment id
    logo: bytes | None = None  # the organisation's logo for the page header


class FrozenExtras:
    """``MinutesExtras`` of a stored version: what was computed at approval, read back."""

    def __init__(self, corrections: list[Frozen]):
        self.corrections = corrections

    def result(self, event, item):
        return event.result

    def disqualified_lines(self, item) -> list[str]:
        return item.disqualified

    def deferral_text(self, item) -> str:
        return item.deferral_text

    def correction_rows(self, meeting) -> list[tuple[str, Frozen]]:
        return [(c.subject, c) for c in self.corrections]


def live_record(session: Session, meeting: Meeting, documents: bool = True) -> MinutesRecord:
    """The record as the database gives it now (``meeting`` as ``load_meeting`` gives it); with
    ``documents`` also the Word template, the logo and the figures the Word documents print
    (a page and its JSON print none of them)."""
    ids = [i.id for i in meeting.items]
    record = MinutesRecord(meeting, assemble(session, meeting), minutes_extras(session, meeting),
                           tables_for_items(session, ids), participation=participation_lines(session, ids))
    if documents:
        record.template, record.logo = template_bytes(meeting.body), logo_bytes(meeting.body)
        record.figures = figure_files(session, meeting)
    return record


# --------------------------------------------------------------------------- to plain data


def _plain(value):
    if isinstance(value, TermKey):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _values(row, names) -> dict | None:
    return None if row is None else {name: _plain(getattr(row, name)) for name in names}


def _with_ownership(values: dict | None, row, name: str) -> dict | None:
    """``values`` plus the part by ownership share, kept only where there is one (so that the
    snapshot of a meeting without such keys reads as before)."""
    part = getattr(row, name, None)
    if values is not None and part:
        values[name] = _plain(part)
    return values


def _table(table: ShareTable) -> dict:
    cost = table.cost
    return {
        "cost": {**_values(cost, COST), "project": _values(cost.project, ("id", "name")),
                 "cost_key": _with_ownership(_values(cost.cost_key, COST_KEY), cost.cost_key, "ownership_percent")},
        "rows": _rows(table.rows), "key_rows": None if table.key_rows is None else _rows(table.key_rows),
        "approved": table.approved,
        "valid_from": _plain(table.valid_from), "valid_to": _plain(table.valid_to), "error": table.error,
    }


def _vote(vote) -> dict:
    """A vote as stored; a seat without a member (an independent member, an employee representative)
    is stored under the name of the person holding it, with its seat's id."""
    if vote.municipality_id is None:
        return {"choice": _plain(vote.choice), "municipality_id": None, "membership_id": vote.membership_id,
                "municipality": {"id": None, "name": vote.group_name}}
    return {"choice": _plain(vote.choice), "municipality_id": vote.municipality_id,
            "municipality": _values(vote.municipality, ("id", "name"))}


def _rows(rows) -> list[dict]:
    return [{"municipality": _member(m), "share": _with_ownership(_values(s, SHARE), s, "ownership")} for m, s in rows]


def _member(member) -> dict:
    """A row's member: id and name, and its kind when it is not a municipality (so that the table
    says "Medlem"; rows of municipalities read as before)."""
    values = _values(member, ("id", "name"))
    kind = getattr(member, "kind", None)
    if kind is not None and kind != MemberKind.municipality:
        values["kind"] = _plain(kind)
    return values


def _item(item: AgendaItem, record: MinutesRecord) -> dict:
    extras, earlier = record.extras, item.deferred_from
    return {
        **_values(item, ITEM),
        # the case kind's word as approved: renaming the term later changes no approved minutes
        "kind_label": label(item.kind),
        "case": _values(item.case, CASE),
        "case_handler": _values(item.case_handler, PERSON),
        "attachments": [_values(a, ATTACHMENT) for a in item.attachments],
        "deferred_from": None if earlier is None else {
            **_values(earlier, ("id", "meeting_id", "number_year", "number_seq")),
            "meeting": {"id": earlier.meeting.id, "starts_at": _plain(earlier.meeting.starts_at),
                        "body": {"case_number_format": earlier.meeting.body.case_number_format}},
        },
        "vote_events": [{
            **_values(event, ("id", "subject", "requirement", "base")),
            "votes": [_vote(v) for v in sorted(event.votes, key=lambda v: (v.municipality_id is None,
                                                                              v.municipality_id or 0,
                                                                              v.membership_id or 0))],
            "result": {"text": (r := extras.result(event, item)).text, "names": r.names},
        } for event in item.vote_events],
        "disqualified": extras.disqualified_lines(item),
        "deferral_text": extras.deferral_text(item) if item.status == ItemStatus.deferred else "",
        "cost_tables": [_table(t) for t in record.cost_tables.get(item.id, [])],
        "participation": [{"decision_id": p.decision_id, "project": p.project, "summary": p.summary,
                           "remarks": list(p.remarks)} for p in record.participation.get(item.id, [])],
    }


def to_snapshot(record: MinutesRecord) -> dict:
    """The record as plain JSON data (the stored snapshot)."""
    m = record.meeting
    return {
        "format": FORMAT,
        "meeting": {
            **_values(m, MEETING),
            "body": _values(m.body, BODY),
            "chair": _values(m.chair, PERSON),
            "co_signer": _values(m.co_signer, PERSON),
            "second_co_signer": _values(m.second_co_signer, PERSON),
            "minutes_taker": _values(m.minutes_taker, CONTACT),
            "attachments": [_values(a, ATTACHMENT) for a in m.attachments],
            "attendances": [{
                **_values(a, ATTENDANCE), "person": _values(a.person, PERSON),
                "municipality": _values(a.municipality, ("id", "number", "name")),
                "substitute_for": _values(a.substitute_for, PERSON),
            } for a in m.attendances],
            "items": [_item(item, record) for item in m.items],
        },
        "minutes": {name: getattr(record.minutes, name) for name in MINUTES_TEXTS} | {
            "present": list(record.minutes.present)},
        "corrections": [{"subject": subject, **_values(c, CORRECTION)}
                        for subject, c in record.extras.correction_rows(m)],
    }


# --------------------------------------------------------------------------- back to objects


def _frozen(data: dict | None, enums: dict | None = None, **children) -> Frozen | None:
    if data is None:
        return None
    values = {}
    for name, value in data.items():
        if value is not None:
            if name in DATETIMES:
                value = datetime.fromisoformat(value)
            elif name in DATES:
                value = date.fromisoformat(value)
            elif name in DECIMALS:
                value = Decimal(value)
            elif enums and name in enums:
                value = enums[name](value)
        values[name] = value
    return Frozen(**{**values, **children})


def _frozen_table(data: dict) -> ShareTable:
    cost = data["cost"]
    frozen_cost = _frozen(cost, {"sharing": CostSharing}, project=_frozen(cost["project"]),
                          cost_key=_frozen(cost["cost_key"]))
    span = _frozen({"valid_from": data["valid_from"], "valid_to": data["valid_to"]})
    key_rows = data.get("key_rows")
    return ShareTable(frozen_cost, _frozen_rows(data["rows"]), span.valid_from, span.valid_to, data["error"],
                      key_rows=None if key_rows is None else _frozen_rows(key_rows), approved=data.get("approved", False))


def _frozen_rows(rows: list[dict]) -> list:
    return [(_frozen(r["municipality"]), Share(**_frozen(r["share"]).__dict__)) for r in rows]


def _approved_kind_label(key: str, stored: str | None) -> str:
    """The case kind's word as the board approved it; minutes stored before vocabularies existed
    printed the built-in word."""
    if stored is not None:
        return stored
    return LABELS.get(CaseKind(key), key) if key in CASE_KINDS else key


def _frozen_item(data: dict, meeting: Frozen) -> Frozen:
    earlier = data["deferred_from"]
    if earlier is not None:
        earlier = _frozen(earlier, meeting=_frozen(earlier["meeting"], body=_frozen(earlier["meeting"]["body"])))
    events = [_frozen({"base": MajorityBase.votes_cast.value, **e}, {"requirement": MajorityRule, "base": MajorityBase},
                      result=_frozen(e["result"]), votes=[_frozen({"membership_id": None, **v, "group_name": (v["municipality"] or {}).get("name", "")},
                                             {"choice": VoteChoice}, municipality=_frozen(v["municipality"]))
                             for v in e["votes"]])
              for e in data["vote_events"]]
    kind_label = data.get("kind_label")
    return _frozen(
        {"majority_base": MajorityBase.votes_cast.value, "decided_by": None, **data},
        {"kind": lambda key: TermKey(key, "case_kind", _approved_kind_label(key, kind_label)),
         "status": ItemStatus, "majority_rule": MajorityRule, "majority_base": MajorityBase,
         "decided_by": DecisionMethod},
        meeting=meeting, case=_frozen(data["case"], treatments=[]), case_handler=_frozen(data["case_handler"]),
        attachments=[_frozen({"alt_text": "", **a}) for a in data["attachments"]], deferred_from=earlier, vote_events=events,
        cost_tables=[_frozen_table(t) for t in data["cost_tables"]],
        participation=[ParticipationLine(p["decision_id"], p["project"], p["summary"], tuple(p["remarks"]))
                       for p in data.get("participation", [])],
    )


def from_snapshot(data: dict, template: bytes | None = None) -> MinutesRecord:
    """A stored snapshot as a record the pages and the document builder print."""
    m = data["meeting"]
    # fields added after a version was stored read back empty (FORMAT stays 1: nothing else changed)
    m = {"minutes_taker_id": None, "video_link": "", **m}
    meeting = _frozen(
        m, {"mode": MeetingMode, "status": MeetingStatus}, body=_frozen({"organisation": "", **m["body"]}),
        chair=_frozen(m["chair"]), minutes_taker=_frozen(m.get("minutes_taker")),
        co_signer=_frozen(m["co_signer"]), second_co_signer=_frozen(m.get("second_co_signer")),
        attachments=[_frozen({"alt_text": "", **a}) for a in m["attachments"]],
        attendances=[_frozen(a, {"status": AttendanceStatus}, person=_frozen(a["person"]),
                             municipality=_frozen(a["municipality"]), substitute_for=_frozen(a["substitute_for"]))
                     for a in m["attendances"]],
    )
    meeting.items = [_frozen_item(i, meeting) for i in m["items"]]
    lists = data["minutes"]
    minutes = Frozen(**{"present_text": ", ".join(lists["present"]), "apologies_text": "", "no_shows_text": "",
                        "recorded": True, **lists})
    corrections = [_frozen(c) for c in data["corrections"]]
    tables = {item.id: item.cost_tables for item in meeting.items}
    lines = {item.id: item.participation for item in meeting.items if item.participation}
    return MinutesRecord(meeting, minutes, FrozenExtras(corrections), tables, template, lines, frozen=True)


# --------------------------------------------------------------------------- access, applied afresh


def apply_access(session: Session, record: MinutesRecord) -> bool:
    """Give the frozen cases and attachments their exemption as it stands now (two queries).

    Returns whether anything changed since the version was stored, that is whether the
    public must get a document derived from the stored one.
    """
    meeting = record.meeting
    cases = {c.id: c for c in (i.case for i in meeting.items)}
    attachments = {a.id: a for a in [*meeting.attachments, *(a for i in meeting.items for a in i.attachments)]}
    changed = False
    if cases:
        for row in session.exec(select(Case).where(Case.id.in_(cases))):
            changed |= _overlay(cases[row.id], row, ("exempt", "exemption_basis", "public_title"))
    if attachments:
        for row in session.exec(select(Attachment).where(Attachment.id.in_(attachments))):
            changed |= _overlay(attachments[row.id], row, ("exempt", "exemption_basis"))
    return changed


def _overlay(frozen: Frozen, row, names) -> bool:
    before = tuple(getattr(frozen, n) for n in names)
    for name in names:
        setattr(frozen, name, getattr(row, name))
    return before != tuple(getattr(frozen, n) for n in names)
