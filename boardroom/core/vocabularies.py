"""Vocabularies per organisation: project phases, follow-up statuses, health levels, case kinds.

The built-in words (the enums in ``boardroom.models`` and their labels in ``core.labels``) are
the defaults. An organisation that has terms of its own for a vocabulary (``VocabularyTerm``
rows) uses those instead, so an installation that never customises works as it always did.

Records keep a term's key, never its label: renaming a term rewrites no history. What a term
does is asked here, not compared with an enum member: ``is_closed`` (a closed status or phase
ends the item: it is not overdue, not counted as open), ``means`` (the built-in value whose
behaviour a term takes: a case kind's votes and placement, a health level's colour).

An organisation's terms are read once per session (one query; a request has one session) and
forgotten when a term changes or the session commits or rolls back. In a request they are read
before any page is rendered (``init_app``) and left on ``flask.g``, where the label filters of
``core.labels`` find them without a query of their own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from boardroom.core.labels import LABELS
from boardroom.models import CaseKind, FollowUpStatus, Health, ProjectPhase, TermKey, VocabularyTerm

TERM = VocabularyTerm.__table__

VOCABULARIES: dict[str, type[enum.Enum]] = {
    "phase": ProjectPhase,
    "followup_status": FollowUpStatus,
    "health": Health,
    "case_kind": CaseKind,
}
TITLES = {
    "phase": "Prosjektfaser",
    "followup_status": "Statuser for oppfølgingspunkter og oppdrag",
    "health": "Helsenivåer",
    "case_kind": "Sakstyper",
}
# a status or phase vocabulary needs a closed term (an item must be able to end)
STATUS_VOCABULARIES = ("phase", "followup_status")
# a term of these takes the behaviour of a built-in value
MEANS_VOCABULARIES = ("health", "case_kind")
BUILTIN_CLOSED = {"phase": {ProjectPhase.closed.value}, "followup_status": {FollowUpStatus.done.value}}
MEANS_HINTS = {
    "case_kind": "Hvordan saker av typen behandles: Beslutning og Valg voteres over, Eventuelt står sist.",
    "health": "Fargen nivået vises med; Gul og Rød krever en begrunnelse.",
}
_CACHE = "boardroom.vocabularies"
_HERE = "here"  # the cache's key for the request's organisation


@dataclass(frozen=True)
class Term:
    vocabulary: str
    key: str
    label: str
    closed: bool = False
    means: str = ""
    position: int = 0
    id: int | None = None  # None: a built-in term

    @property
    def builtin(self) -> bool:
        return self.id is None


def builtin_terms(vocabulary: str) -> list[Term]:
    closed = BUILTIN_CLOSED.get(vocabulary, set())
    return [Term(vocabulary, m.value, LABELS[m], m.value in closed, m.value, position)
            for position, m in enumerate(VOCABULARIES[vocabulary])]


def organisation_of(session, organisation_id: int | None = None) -> int | None:
    """The organisation asked about: the one given, else the session's (the command line); None
    means the request's (outside a request the first), found in the same query as its terms."""
    if organisation_id is not None:
        return organisation_id
    return None if has_request_context() else session.info.get("organisation_id")


@lru_cache(maxsize=2)
def _terms_query(given: bool) -> sa.Select:
    """Every term of an organisation, and its id: the one given as "organisation", else the
    first. Built once, so a request pays for neither the statement nor its cache key."""
    from boardroom.core.orgs import ORGANISATION, organisation_param

    return (sa.select(ORGANISATION.c.id.label("organisation"), TERM.c.id, TERM.c.vocabulary, TERM.c.key,
                      TERM.c.label, TERM.c.closed, TERM.c.means, TERM.c.position)
            .select_from(ORGANISATION).outerjoin(TERM, TERM.c.organisation_id == ORGANISATION.c.id)
            .where(ORGANISATION.c.id == organisation_param(given))
            .order_by(TERM.c.vocabulary, TERM.c.position, TERM.c.id))


def _all(session, organisation_id: int | None) -> dict[str, list[Term]]:
    """Every vocabulary of the organisation (``None``: the request's), in one query the first time."""
    from boardroom.core.orgs import prefixed_organisation_id

    cache = session.info.setdefault(_CACHE, {})
    wanted = _HERE if organisation_id is None else organisation_id
    if wanted not in cache and wanted != _HERE and _HERE not in cache and has_request_context():
        _all(session, None)  # a request's rows are nearly always its organisation's: that one first
    if wanted not in cache:
        if organisation_id is None and has_request_context():
            organisation_id = prefixed_organisation_id()
        rows = session.execute(_terms_query(organisation_id is not None), {"organisation": organisation_id}).all()
        found: dict[str, list[Term]] = {}
        for row in rows:
            if row.id is not None:
                found.setdefault(row.vocabulary, []).append(
                    Term(row.vocabulary, row.key, row.label, bool(row.closed), row.means or "", row.position, row.id))
        result = {name: found.get(name) or builtin_terms(name) for name in VOCABULARIES}
        cache[wanted] = result
        if rows:
            cache.setdefault(rows[0].organisation, result)
        if wanted == _HERE and has_request_context():
            g.vocabulary_terms = result  # what the labels of pages, JSON and documents read (core.labels)
    return cache[wanted]


def request_terms() -> dict[str, list[Term]]:
    """The request's organisation's vocabularies (one query the first time in a request)."""
    from boardroom.core.db import get_session

    return _all(get_session(), None)


def init_app(app) -> None:
    @app.context_processor
    def vocabularies_loaded():
        """Load the request's organisation's words before a page is rendered, so templates never query."""
        try:
            request_terms()
        except sa.exc.SQLAlchemyError:  # an error page after a failed query must still render
            pass
        return {}


def terms(session, vocabulary: str, organisation_id: int | None = None) -> list[Term]:
    """The organisation's terms of ``vocabulary`` in their order (the built-in ones if it has none)."""
    return _all(session, organisation_of(session, organisation_id))[vocabulary]


def term(session, vocabulary: str, key, organisation_id: int | None = None) -> Term | None:
    """The term with ``key``; a key the organisation no longer lists gets its built-in word, or itself."""
    if key is None or key == "":
        return None
    key = key.value if isinstance(key, enum.Enum) else str(key)
    for found in terms(session, vocabulary, organisation_id):
        if found.key == key:
            return found
    for found in builtin_terms(vocabulary):
        if found.key == key:
            return found
    return Term(vocabulary, key, key)


def term_label(session, vocabulary: str, key, organisation_id: int | None = None) -> str:
    fixed = getattr(key, "fixed_label", None)
    if fixed is not None:
        return fixed
    found = term(session, vocabulary, key, organisation_id)
    return found.label if found else ""


def is_closed(session, vocabulary: str, key, organisation_id: int | None = None) -> bool:
    """Whether ``key`` ends the item (a closed follow-up status, a closed project phase)."""
    found = term(session, vocabulary, key, organisation_id)
    return bool(found and found.closed)


def closed_keys(session, vocabulary: str, organisation_id: int | None = None) -> list[str]:
    keys = [t.key for t in terms(session, vocabulary, organisation_id) if t.closed]
    return keys or sorted(BUILTIN_CLOSED.get(vocabulary, ()))


def first_closed(session, vocabulary: str, organisation_id: int | None = None) -> str:
    """The key an item gets when something closes it (a follow-up closed by a later case)."""
    return closed_keys(session, vocabulary, organisation_id)[0]


def first_open(session, vocabulary: str, organisation_id: int | None = None) -> str:
    """The key a new item gets: the first term that is not closed."""
    listed = terms(session, vocabulary, organisation_id)
    return next((t.key for t in listed if not t.closed), listed[0].key)


def means(session, vocabulary: str, key, organisation_id: int | None = None):
    """The built-in enum member whose behaviour ``key`` takes (None for no key)."""
    found = term(session, vocabulary, key, organisation_id)
    if found is None:
        return None
    enum_cls = VOCABULARIES[vocabulary]
    try:
        return enum_cls(found.means or found.key)
    except ValueError:
        return None


def case_kind_means(item) -> CaseKind | None:
    """The built-in kind whose behaviour a case's kind takes (votes for decisions and elections,
    the majority printed in the notice). In a request the request's organisation's terms (a case
    belongs to it); elsewhere its body's organisation's, or the built-in kinds for a frozen record."""
    kind = getattr(item, "kind", None)
    if kind is None or kind == "":
        return None
    state = sa.inspect(item, raiseerr=False)
    session = state.session if state is not None else None
    organisation_id = None
    if has_request_context():
        from boardroom.core.db import get_session

        session = get_session()
    elif session is not None:
        organisation_id = item.meeting.body.organisation_id
    if session is None:
        try:
            return CaseKind(key(kind))
        except ValueError:
            return None
    return means(session, "case_kind", kind, organisation_id)


def key_meaning(session, vocabulary: str, meaning, organisation_id: int | None = None) -> str:
    """The key of the organisation's first term that takes the behaviour ``meaning`` (for the cases
    boardroom makes itself, such as "Oppfølging av tidligere vedtak"), else the first term's."""
    value = meaning.value if isinstance(meaning, enum.Enum) else str(meaning)
    listed = terms(session, vocabulary, organisation_id)
    return next((t.key for t in listed if (t.means or t.key) == value), listed[0].key)


def choices(session, vocabulary: str, organisation_id: int | None = None, keep=None) -> list[tuple[str, str]]:
    """(key, label) for a select: the organisation's terms, and ``keep`` (a record's current key) if
    it is no longer listed, so editing an old record never changes its term unasked."""
    listed = [(t.key, t.label) for t in terms(session, vocabulary, organisation_id)]
    if keep is not None and keep != "" and key(keep) not in {k for k, _ in listed}:
        listed.append((key(keep), term_label(session, vocabulary, keep, organisation_id)))
    return listed


def as_key(value, vocabulary: str) -> TermKey | None:
    """A key as records give it back (with its vocabulary), from a string or an enum member."""
    if value is None or value == "":
        return None
    return TermKey(value.value if isinstance(value, enum.Enum) else str(value), vocabulary)


def key(value) -> str | None:
    """A term's key as plain text (JSON, CSV), from a record's key, an enum member or a string."""
    if value is None or value == "":
        return None
    return value.value if isinstance(value, enum.Enum) else str(value)


def forget(session) -> None:
    session.info.pop(_CACHE, None)
    if has_request_context():
        g.pop("vocabulary_terms", None)


@event.listens_for(OrmSession, "before_flush")
def _forget_changed(session, _flush_context, _instances):
    if any(isinstance(o, VocabularyTerm) for rows in (session.new, session.dirty, session.deleted) for o in rows):
        forget(session)


@event.listens_for(OrmSession, "after_commit")
def _forget_committed(session):
    forget(session)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_rolled_back(session, _previous_transaction):
    forget(session)
