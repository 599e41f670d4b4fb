"""Changing an organisation's vocabularies: adding, renaming, reordering, closing and deleting terms.

An organisation that has not customised a vocabulary uses the built-in terms; its first change
copies them into its own rows (same keys, so no record changes) and changes the copy. A term's
key is made once from its first label and never changes: records keep it, renaming rewrites no
history. Every change leaves a valid vocabulary or raises ``InputError`` (nothing is flushed):
at least one term, labels unique, a closed term in a status vocabulary, and for case kinds and
health levels the built-in value each term takes the behaviour of. Functions flush; the request
commits.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, select

from boardroom.core import vocabularies
from boardroom.core.inputs import InputError
from boardroom.core.labels import LABELS
from boardroom.models import AgendaItem, Body, FollowUp, Project, StandardCase, StatusReport, VocabularyTerm

LABEL_LENGTH = 100


class TermInUse(InputError):
    """A term that records still hold (HTTP 409 in the register)."""


def term_rows(session: Session, organisation_id: int, vocabulary: str) -> list[VocabularyTerm]:
    return list(session.exec(
        select(VocabularyTerm).where(VocabularyTerm.organisation_id == organisation_id,
                                     VocabularyTerm.vocabulary == vocabulary)
        .order_by(VocabularyTerm.position, VocabularyTerm.id)))


def own_rows(session: Session, organisation_id: int, vocabulary: str) -> list[VocabularyTerm]:
    """The organisation's rows of ``vocabulary``, made from the built-in terms if it has none (not flushed)."""
    rows = term_rows(session, organisation_id, vocabulary)
    if not rows:
        rows = [VocabularyTerm(organisation_id=organisation_id, vocabulary=vocabulary, key=t.key, label=t.label,
                               closed=t.closed, means=t.means, position=t.position)
                for t in vocabularies.builtin_terms(vocabulary)]
    return rows


def new_key(label: str, taken: set[str]) -> str:
    """A stable, slug-like key of at most 20 characters made from ``label``, not among ``taken``."""
    text = label.lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.replace(a, b)
    base = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:20].strip("_") or "term"
    key, n = base, 2
    while key in taken:
        suffix = f"_{n}"
        key, n = base[:20 - len(suffix)] + suffix, n + 1
    return key


def clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise InputError("Skriv ordet slik det skal vises.", "label")
    if len(label) > LABEL_LENGTH:
        raise InputError(f"Ordet kan ha høyst {LABEL_LENGTH} tegn.", "label")
    return label


def check(vocabulary: str, rows: list[VocabularyTerm]) -> None:
    """Refuse a vocabulary that would not work: no terms, two terms with one label, a status
    vocabulary without a closed term, a term without the built-in behaviour it takes."""
    if not rows:
        raise InputError("Listen må ha minst ett ord.")
    seen: dict[str, str] = {}
    for row in rows:
        folded = row.label.casefold()
        if folded in seen:
            raise InputError(f"«{row.label}» finnes allerede i listen. Velg et annet ord.", "label")
        seen[folded] = row.key
    if vocabulary in vocabularies.STATUS_VOCABULARIES and not any(r.closed for r in rows):
        raise InputError("Minst én status må være lukket (for eksempel «Ferdig» eller «Avsluttet»): "
                         "ellers blir ingen punkter noen gang ferdige, og alle kan bli forfalt.", "closed")
    if vocabulary in vocabularies.MEANS_VOCABULARIES:
        allowed = {m.value for m in vocabularies.VOCABULARIES[vocabulary]}
        for row in rows:
            if row.means not in allowed:
                raise InputError(f"Velg hvordan «{row.label}» skal virke.", "means")


def _store(session: Session, vocabulary: str, rows: list[VocabularyTerm]) -> None:
    check(vocabulary, rows)
    for position, row in enumerate(rows):
        row.position = position
        session.add(row)
    session.flush()


def _find(rows: list[VocabularyTerm], key: str) -> VocabularyTerm:
    for row in rows:
        if row.key == key:
            return row
    raise InputError("Ordet finnes ikke i listen.")


def add_term(session: Session, organisation_id: int, vocabulary: str, label: str, *, closed: bool = False,
             means: str = "") -> VocabularyTerm:
    """A new term last in the list; its key is made from the label."""
    rows = own_rows(session, organisation_id, vocabulary)
    label = clean_label(label)
    row = VocabularyTerm(organisation_id=organisation_id, vocabulary=vocabulary, label=label,
                         key=new_key(label, {r.key for r in rows}), closed=bool(closed),
                         means=_means(vocabulary, means))
    _store(session, vocabulary, [*rows, row])
    return row


def _means(vocabulary: str, means) -> str:
    if vocabulary not in vocabularies.MEANS_VOCABULARIES:
        return ""
    return str(getattr(means, "value", means) or "")


def change_term(session: Session, organisation_id: int, vocabulary: str, key: str, *, label: str,
                closed: bool = False, means: str = "") -> VocabularyTerm:
    """Rename a term, or change whether it is closed or how it works; its key (and so every record) stays."""
    rows = own_rows(session, organisation_id, vocabulary)
    row = _find(rows, key)
    row.label = clean_label(label)
    row.closed = bool(closed) if vocabulary in vocabularies.STATUS_VOCABULARIES else False
    row.means = _means(vocabulary, means)
    try:
        _store(session, vocabulary, rows)
    except InputError:
        _undo(session, rows)
        raise
    return row


def _undo(session: Session, rows: list[VocabularyTerm]) -> None:
    """Forget unflushed changes to stored rows, so a refused change leaves nothing behind."""
    for row in rows:
        if row.id is not None:
            session.refresh(row)


def move_term(session: Session, organisation_id: int, vocabulary: str, key: str, direction: str) -> None:
    """Move a term one step "up" or "down"."""
    rows = own_rows(session, organisation_id, vocabulary)
    index = rows.index(_find(rows, key))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    _store(session, vocabulary, rows)


def usage(session: Session, organisation_id: int, vocabulary: str) -> dict[str, int]:
    """How many records of the organisation hold each key of ``vocabulary`` (a query per kind of record)."""
    in_org = select(Body.id).where(Body.organisation_id == organisation_id)
    projects = select(Project.id).where(Project.organisation_id == organisation_id)
    sources = {
        "phase": [(Project.phase, Project.organisation_id == organisation_id),
                  (StatusReport.phase, StatusReport.project_id.in_(projects))],
        "health": [(Project.health, Project.organisation_id == organisation_id),
                   (StatusReport.health, StatusReport.project_id.in_(projects))],
        "followup_status": [(FollowUp.status, FollowUp.agenda_item_id.in_(
            select(AgendaItem.id).where(AgendaItem.body_id.in_(in_org))))],
        "case_kind": [(AgendaItem.kind, AgendaItem.body_id.in_(in_org)),
                      (StandardCase.kind, StandardCase.body_id.in_(in_org))],
    }[vocabulary]
    counts: dict[str, int] = {}
    for column, where in sources:
        for key, n in session.execute(sa.select(column, sa.func.count()).where(where, column.is_not(None))
                                      .group_by(column)):
            counts[str(key)] = counts.get(str(key), 0) + n
    return counts


def delete_term(session: Session, organisation_id: int, vocabulary: str, key: str) -> None:
    """Delete a term no record holds; refused (409-worthy ``InputError``) while any does."""
    rows = own_rows(session, organisation_id, vocabulary)
    row = _find(rows, key)
    used = usage(session, organisation_id, vocabulary).get(key, 0)
    if used:
        raise TermInUse(f"«{row.label}» er i bruk ({used} {'registrering' if used == 1 else 'registreringer'}) "
                         "og kan ikke slettes. Gi ordet et nytt navn i stedet.")
    rest = [r for r in rows if r is not row]
    check(vocabulary, rest)
    if row.id is not None:
        session.delete(row)
    _store(session, vocabulary, rest)


def means_choices(vocabulary: str) -> list[tuple[str, str]]:
    """The built-in values a term of ``vocabulary`` may take the behaviour of, with their words."""
    return [(m.value, LABELS[m]) for m in vocabularies.VOCABULARIES[vocabulary]]
