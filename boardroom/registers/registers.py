"""The registers: bodies and their standard cases, municipalities and their population,
persons and their memberships.

Plain functions that change rows and flush, never commit (the request commits once).
A row still in use is never deleted: ``ensure_deletable`` raises ``InUse`` (HTTP 409 with a
Norwegian message) and nothing is removed.
"""

from __future__ import annotations

import re

from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select
from werkzeug.exceptions import Conflict

from boardroom.core import vocabularies
from boardroom.core.inputs import InputError
from boardroom.core.orgs import here
from boardroom.meetings.minutes import BOARD_ROLES
from boardroom.meetings.numbering import NumberFormatError, format_number, validate_format
from boardroom.models import (
    AgendaItem,
    Attendance,
    Benefit,
    Body,
    Case,
    CaseKind,
    Cost,
    FollowUp,
    Grant,
    Meeting,
    MemberKind,
    Membership,
    Municipality,
    Participation,
    Person,
    PopulationFigure,
    Project,
    StandardCase,
    StandardCasePlace,
    User,
    Vote,
)
from boardroom.registers.identifiers import InvalidNumber, check_member_number

DEFAULT_STANDARD_CASES = [
    (StandardCasePlace.opening, "Godkjenning av innkalling og agenda", CaseKind.decision,
     "Innkalling og saksliste godkjennes."),
    (StandardCasePlace.opening, "Valg av person til å undertegne protokoll sammen med møteleder",
     CaseKind.decision, ""),
    (StandardCasePlace.closing, "Eventuelt", CaseKind.other_business, ""),
]


class InUse(Conflict):
    """A row that other data still points at: HTTP 409 with a Norwegian message."""

    def __init__(self, message: str):
        super().__init__(description=message)


def save(session: Session, row, **values):
    """Set ``values`` on ``row`` (new or existing), add it and flush."""
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return row


# --------------------------------------------------------------------------- bodies


def check_case_number_format(fmt: str) -> str:
    """``validate_format``, refusing first a field width that would make huge numbers ({seq:999999})."""
    if re.search(r"\{[^}]*[0-9]{3,}", fmt):
        raise NumberFormatError("Saksnummerformatet gir for lange numre. Bruk for eksempel {seq:02d}-{yy}.")
    return validate_format(fmt)


def format_example(fmt: str | None) -> str:
    """'38-25': case 38 of 2025 in the given format ('' when the format is invalid)."""
    try:
        return format_number(check_case_number_format(fmt or ""), 2025, 38)
    except NumberFormatError:
        return ""


def default_standard_cases(body: Body, session: Session | None = None) -> list[StandardCase]:
    """Give ``body`` the three usual standard cases when it has none; returns those added. With
    ``session``, their kinds are the organisation's terms that mean decision and Eventuelt."""
    if body.standard_cases:
        return []
    added = []
    for place, title, kind, proposal in DEFAULT_STANDARD_CASES:
        if session is not None and body.organisation_id is not None:
            kind = vocabularies.key_meaning(session, "case_kind", kind, body.organisation_id)
        position = sum(1 for c in added if c.place == place)
        added.append(StandardCase(place=place, position=position, title=title, kind=kind, proposal=proposal))
    body.standard_cases.extend(added)
    return added


def create_body(session: Session, **values) -> Body:
    """A new body, starting with the default standard cases."""
    body = Body(**values)
    session.add(body)
    default_standard_cases(body, session)
    session.flush()
    return body


def standard_cases_by_place(body: Body) -> dict[StandardCasePlace, list[StandardCase]]:
    """The body's standard cases: opening ones first, then closing ones, each in their order."""
    groups = {place: [] for place in StandardCasePlace}
    for case in sorted(body.standard_cases, key=lambda c: (c.position, c.id or 0)):
        groups[case.place].append(case)
    return groups


def save_standard_case(session: Session, body: Body, case: StandardCase, **values) -> StandardCase:
    """Add or change a standard case; a new one (or one moved to the other place) goes last."""
    moved = case.id is None or values.get("place", case.place) != case.place
    for name, value in values.items():
        setattr(case, name, value)
    if moved:
        siblings = [c for c in standard_cases_by_place(body)[case.place] if c is not case]
        case.position = max((c.position for c in siblings), default=-1) + 1
    if case not in body.standard_cases:
        body.standard_cases.append(case)
    session.add(case)
    session.flush()
    return case


def move_standard_case(session: Session, case: StandardCase, direction: str) -> None:
    """Move a standard case one step "up" or "down" among those of the same place."""
    siblings = standard_cases_by_place(case.body)[case.place]
    index = siblings.index(case)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    session.flush()


# --------------------------------------------------------------------------- municipalities, persons


def save_member(session: Session, member: Municipality, **values) -> Municipality:
    """Add or change a member; its number must fit its kind (``identifiers.check_member_number``).

    Raises InputError (field "number") for a number that does not fit, or one another member has.
    """
    kind = values.get("kind", member.kind) or MemberKind.municipality
    try:
        values["number"] = check_member_number(kind, values.get("number", member.number))
    except InvalidNumber as exc:
        raise InputError(str(exc), "number") from exc
    other = municipality_by_number(session, values["number"])
    if other is not None and other is not member:
        raise InputError(f"Det finnes allerede et medlem med nummer {values['number']}.", "number")
    share = values.get("ownership_share", member.ownership_share)
    if share is not None and not 0 <= share <= 100:
        raise InputError("Eierandelen må være mellom 0 og 100 %.", "ownership_share")
    return save(session, member, **values)


def municipality_by_number(session: Session, number: str) -> Municipality | None:
    return session.exec(select(Municipality).where(Municipality.number == number,
                                                   here(Municipality.organisation_id))).first()


def population_on(session: Session, municipality_id: int, as_of) -> PopulationFigure | None:
    """The municipality's population figure for exactly that date, if there is one."""
    return session.exec(
        select(PopulationFigure).where(
            PopulationFigure.municipality_id == municipality_id, PopulationFigure.as_of == as_of
        )
    ).first()


def member_seats(session: Session) -> list[Membership]:
    """Every seat a deputy may stand in for (chair, deputy chair, member), with its person."""
    return session.exec(
        select(Membership)
        .where(Membership.role.in_(BOARD_ROLES), Membership.body_id.in_(select(Body.id).where(here(Body.organisation_id))))
        .options(selectinload(Membership.person), selectinload(Membership.municipality))
        .order_by(Membership.body_id, Membership.id)
    ).all()


def stands_in_for(session: Session, seats: list[Membership]) -> dict[int, str]:
    """For each deputy seat among ``seats``: the name of the member it stands in for (one query)."""
    ids = {s.deputy_for_id for s in seats if s.deputy_for_id}
    if not ids:
        return {}
    names = dict(session.exec(
        select(Membership.id, Person.name).join(Person, Person.id == Membership.person_id).where(Membership.id.in_(ids))
    ).all())
    return {s.id: names[s.deputy_for_id] for s in seats if s.deputy_for_id in names}


# --------------------------------------------------------------------------- deleting safely


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _in_use(what: str, pronoun: str, uses: list[tuple[int, str, str]], advice: str = "") -> None:
    """Raise InUse naming each use, e.g. "Kommunen Rana … er i bruk: 1 verv og 12 stemmer."."""
    parts = [(singular if n == 1 else plural).format(n=n) for n, singular, plural in uses if n]
    if not parts:
        return
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]
    raise InUse(f"{what} kan ikke slettes fordi {pronoun} er i bruk: {listed}." + (f" {advice}" if advice else ""))


def ensure_deletable(session: Session, row) -> None:
    """Raise InUse when a body, municipality or person is still in use; otherwise return."""
    if isinstance(row, Body):
        _in_use(f"Organet «{row.name}»", "det", [
            (_count(session, Meeting, Meeting.body_id == row.id), "{n} møte", "{n} møter"),
            (_count(session, Case, Case.body_id == row.id), "{n} sak", "{n} saker"),
            (_count(session, Project, Project.body_id == row.id), "{n} prosjekt", "{n} prosjekter"),
            (_count(session, Grant, Grant.body_id == row.id), "{n} tilskudd", "{n} tilskudd"),
            (_count(session, Cost, Cost.body_id == row.id), "{n} kostnad", "{n} kostnader"),
        ])
    elif isinstance(row, Municipality):
        _in_use(f"Kommunen {row.name}", "den", [
            (_count(session, Membership, Membership.municipality_id == row.id), "{n} verv", "{n} verv"),
            (_count(session, Attendance, Attendance.municipality_id == row.id),
             "{n} møtedeltakelse", "{n} møtedeltakelser"),
            (_count(session, Vote, Vote.municipality_id == row.id), "{n} stemme", "{n} stemmer"),
            (_count(session, Participation, Participation.municipality_id == row.id),
             "{n} deltakelsessvar", "{n} deltakelsessvar"),
            (_count(session, Benefit, Benefit.municipality_id == row.id), "{n} gevinst", "{n} gevinster"),
            (_count(session, FollowUp, FollowUp.responsible_municipality_id == row.id),
             "{n} oppfølgingspunkt", "{n} oppfølgingspunkter"),
        ], "Sett heller en dato for når medlemskapet sluttet.")
    elif isinstance(row, Person):
        _in_use(f"Personen {row.name}", "den", [
            (_count(session, AgendaItem, AgendaItem.case_handler_id == row.id),
             "saksbehandler i {n} sak", "saksbehandler i {n} saker"),
            (_count(session, Attendance, Attendance.person_id == row.id),
             "innkalt til {n} møte", "innkalt til {n} møter"),
            (_count(session, Meeting, or_(Meeting.chair_id == row.id, Meeting.co_signer_id == row.id,
                                          Meeting.minutes_taker_id == row.id)),
             "møteleder, referent eller protokollunderskriver i {n} møte",
             "møteleder, referent eller protokollunderskriver i {n} møter"),
            (_count(session, FollowUp, FollowUp.responsible_person_id == row.id),
             "ansvarlig for {n} oppfølgingspunkt", "ansvarlig for {n} oppfølgingspunkter"),
            (_count(session, User, User.person_id == row.id),
             "knyttet til en brukerkonto", "knyttet til {n} brukerkontoer"),
        ], "Sett heller en sluttdato på vervene.")


def delete(session: Session, row) -> None:
    """Delete a row that nothing depends on (see ``ensure_deletable``), with its own parts; flushes.

    A body's standard cases and a municipality's population figures go with it; memberships
    go with their body or person (the database cascades).
    """
    ensure_deletable(session, row)
    parts = {Body: "standard_cases", Municipality: "populations"}.get(type(row))
    for part in list(getattr(row, parts)) if parts else []:
        session.delete(part)
    session.delete(row)
    session.flush()
