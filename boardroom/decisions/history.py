"""A case's history, read from the audit log and worded for the secretary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

import sqlalchemy as sa
from sqlmodel import Session, select

from boardroom.core.labels import label
from boardroom.decisions.approval import ITEM_FIELDS
from boardroom.models import (
    AgendaItem,
    AuditEntry,
    Disqualification,
    ItemStatus,
    MajorityRule,
    Municipality,
    Person,
    Vote,
    VoteChoice,
)

TABLE_NAMES = {
    "agendaitem": "Saken", "case": "Saken", "voteevent": "Votering", "vote": "Stemme",
    "disqualification": "Inhabilitet", "correction": "Rettelse", "followup": "Oppfølgingspunkt",
    "attendance": "Oppmøte", "meeting": "Møtet", "participation": "Deltakelse",
}


FIELD_NAMES = {
    **ITEM_FIELDS, "agenda_note": "Merknad i sakslisten", "status": "Status", "kind": "Sakstype",
    "case_handler_id": "Saksbehandler", "position": "Plass i sakslisten", "number_year": "Saksår",
    "number_seq": "Løpenummer", "majority_rule": "Flertallskrav", "requirement": "Flertallskrav",
    "meeting_id": "Møte", "deferred_from_id": "Utsatt fra", "title": "Tittel", "exempt": "Unntatt offentlighet",
    "exemption_basis": "Hjemmel", "public_title": "Offentlig tittel", "choice": "Stemme", "person_id": "Person",
    "reason": "Begrunnelse", "subject": "Emne", "text": "Tekst", "due_date": "Frist",
}


VALUE_LABELS = {
    "status": ItemStatus, "majority_rule": MajorityRule, "requirement": MajorityRule, "choice": VoteChoice,
}


ACTIONS = {"insert": "lagt til", "delete": "slettet"}


EVENTS = {  # inserted and deleted rows whose table name alone would say too little
    ("case", "insert"): "Saken opprettet", ("agendaitem", "insert"): "Ført opp i møtet",
    ("voteevent", "insert"): "Votering registrert", ("voteevent", "delete"): "Votering fjernet",
}


HIDDEN = {("voteevent", "requirement")}  # mirrors the case's own majority rule


@dataclass
class HistoryRow:
    at: datetime
    user: str
    what: str
    before: str
    after: str


def _value(field: str, value: str, people: dict[int, str]) -> str:
    if field in VALUE_LABELS and value:
        try:
            return label(VALUE_LABELS[field](value))
        except ValueError:
            return value
    if field in ("case_handler_id", "person_id") and value.isdigit():
        return people.get(int(value), value)
    if value in ("True", "False"):
        return "ja" if value == "True" else "nei"
    return value


def _what(entry: AuditEntry, whose: str | None) -> str:
    """'Vedtak', 'Stemme (Rana)', 'Inhabilitet (Rachel Berg) lagt til', 'Ført opp i møtet'"""
    if (entry.table_name, entry.action) in EVENTS:
        return EVENTS[entry.table_name, entry.action]
    table = TABLE_NAMES.get(entry.table_name, entry.table_name) + (f" ({whose})" if whose else "")
    if entry.action != "update":
        return f"{table} {ACTIONS.get(entry.action, entry.action)}"
    field = FIELD_NAMES.get(entry.field, entry.field)
    if entry.table_name in ("agendaitem", "case"):
        return field
    return table if field == TABLE_NAMES.get(entry.table_name) else f"{table}: {field}"


def case_history(session: Session, item: AgendaItem) -> list[HistoryRow]:
    """The audit log of a case's treatment and of the case itself, newest first.

    One query (plus one for person names when a row names a person by id). A vote's row says
    which municipality, a disqualification's whose; the votes recorded together are one row.
    """
    vote = sa.select(Vote.id, Municipality.name, Vote.choice) \
        .join(Municipality, Municipality.id == Vote.municipality_id).subquery()
    dq_person = sa.select(Disqualification.id, Person.name).join(Person, Person.id == Disqualification.person_id) \
        .subquery()
    query = (
        sa.select(AuditEntry, vote.c.name, dq_person.c.name, vote.c.choice)
        .outerjoin(vote, sa.and_(AuditEntry.table_name == "vote", vote.c.id == AuditEntry.row_id))
        .outerjoin(dq_person, sa.and_(AuditEntry.table_name == "disqualification",
                                      dq_person.c.id == AuditEntry.row_id))
        .where(sa.or_(AuditEntry.agenda_item_id == item.id,
                      sa.and_(AuditEntry.table_name == "case", AuditEntry.row_id == item.case_id)))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    entries = session.execute(query).all()
    person_ids = {int(v) for e, *_ in entries if e.field in ("case_handler_id", "person_id")
                  for v in (e.before, e.after) if v.isdigit()}
    people = dict(session.exec(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all()) \
        if person_ids else {}
    # a vote's choice when it was recorded: what its first change changed, else what it is now
    recorded: dict[int, str] = {}
    for entry, *_ in reversed(entries):
        if entry.table_name == "vote" and entry.action == "update" and entry.field == "choice":
            recorded.setdefault(entry.row_id, entry.before)

    rows = []
    new_votes = lambda row: row[0].table_name == "vote" and row[0].action == "insert"  # noqa: E731
    for (at, user, together), group in groupby(entries, key=lambda r: (r[0].at, r[0].user, new_votes(r))):
        if together:
            choices = [f"{name}: {_value('choice', recorded.get(e.row_id, _text(choice)), people)}"
                       for e, name, _person, choice in reversed(list(group))]
            rows.append(HistoryRow(at, user, "Stemmer registrert", "", "; ".join(choices)))
            continue
        for entry, municipality, person, _choice in group:
            if (entry.table_name, entry.field) not in HIDDEN:
                rows.append(HistoryRow(entry.at, entry.user, _what(entry, municipality or person),
                                       _value(entry.field, entry.before, people), _value(entry.field, entry.after, people)))
    return rows


def _text(value) -> str:
    return "" if value is None else str(getattr(value, "value", value))
