"""During the meeting and after it: attendance, decisions, votes, disqualification, deferral,
the co-signer, approval of the minutes and corrections to approved minutes.

Every operation that changes a meeting or its cases calls ``workflow.ensure_editable``
first, so approved minutes and cancelled meetings refuse every change (HTTP 409). The one
exception is ``correct``: a recorded correction (who, when, what, why) is the only change
approved minutes accept. Operations flush, never commit; bad input raises ``Invalid`` with
Norwegian messages keyed by what they are about, for the form to show next to its fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from boardroom.core.formatting import local, nb_date, nb_sort_key
from boardroom.core.labels import label
from boardroom.meetings.minutes import BOARD_ROLES, board_members, item_number, person_with_affiliation
from boardroom.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    AuditEntry,
    Correction,
    Disqualification,
    ItemStatus,
    MajorityRule,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Person,
    Vote,
    VoteChoice,
    VoteEvent,
    utcnow,
)
from boardroom.meetings.numbering import assign_number
from boardroom.participation.status import join_names
from boardroom.meetings.workflow import Locked, ensure_editable, move_to


class Invalid(ValueError):
    """Input the rules refuse; ``errors`` maps what it is about (a field, an id) to a Norwegian message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(str(m) for m in errors.values()))
        self.errors = errors


def meeting_day(meeting: Meeting) -> date:
    return local(meeting.starts_at).date()


# --------------------------------------------------------------------------- attendance


def memberships_on(session: Session, body_id: int, day: date) -> list[Membership]:
    """Every seat of the body on a day (members, deputies, staff, observers), with person and municipality."""
    seats = session.exec(
        select(Membership)
        .where(Membership.body_id == body_id)
        .options(joinedload(Membership.person), joinedload(Membership.municipality))
    ).all()
    return sorted((s for s in seats if (s.start is None or s.start <= day) and (s.end is None or day <= s.end)),
                  key=lambda s: s.id)


def represented_municipality(seats: list[Membership], person_id: int | None) -> int | None:
    """The municipality a board member's seat represents (among ``seats``, the board's)."""
    return next((s.municipality_id for s in seats if s.person_id == person_id), None)


@dataclass(frozen=True)
class AttendanceChange:
    status: AttendanceStatus
    substitute_for_id: int | None = None


def record_attendance(session: Session, meeting: Meeting, changes: dict[int, AttendanceChange]) -> None:
    """Record who came (keyed by Attendance id); a deputy represents the member they replace,
    a member their own municipality.

    Raises Invalid keyed by attendance id when a substitution breaks a rule; nothing is changed then.
    """
    ensure_editable(meeting)
    seats = board_members(session, meeting.body_id, meeting_day(meeting))
    board_ids = {s.person_id for s in seats}
    names = {s.person_id: s.person.name for s in seats}
    by_id = {a.id: a for a in meeting.attendances}
    unknown = [key for key in changes if key not in by_id]
    if unknown:
        raise Invalid({key: "Personen står ikke på deltakerlisten til dette møtet." for key in unknown})

    final = {a.id: changes.get(a.id, AttendanceChange(a.status, a.substitute_for_id)) for a in meeting.attendances}
    present_people = {by_id[key].person_id for key, c in final.items() if c.status == AttendanceStatus.present}
    errors, replaced_by = {}, {}
    for key, change in final.items():
        att, member = by_id[key], change.substitute_for_id
        if member is None:
            continue
        if change.status != AttendanceStatus.present:
            errors[key] = "Bare den som er til stede, kan møte for et styremedlem."
        elif member not in board_ids:
            errors[key] = "Velg et styremedlem som varamedlemmet møter for."
        elif member == att.person_id or att.person_id in board_ids:
            errors[key] = "Et styremedlem møter for sin egen kommune og kan ikke møte for et annet medlem."
        elif member in present_people:
            errors[key] = f"{names[member]} er selv til stede."
        elif member in replaced_by:
            errors[key] = f"{names[member]} har allerede et varamedlem i møtet ({by_id[replaced_by[member]].person.name})."
        else:
            replaced_by[member] = key
    if errors:
        raise Invalid(errors)

    for key, change in changes.items():
        att = by_id[key]
        if change.substitute_for_id or att.person_id in board_ids:
            att.municipality_id = represented_municipality(seats, change.substitute_for_id or att.person_id)
        elif att.substitute_for_id:  # no longer standing in for anyone
            att.municipality_id = None
        # otherwise the municipality the invitation named stays
        att.status, att.substitute_for_id = change.status, change.substitute_for_id
    session.flush()


def addable_people(session: Session, meeting: Meeting) -> list[Membership]:
    """Seats of the body whose person is not on the meeting's list yet (e.g. a deputy who came)."""
    listed = {a.person_id for a in meeting.attendances}
    seats = memberships_on(session, meeting.body_id, meeting_day(meeting))
    unique = {s.person_id: s for s in seats if s.person_id not in listed}
    return sorted(unique.values(), key=lambda s: nb_sort_key(s.person.name))


def deputy_defaults(session: Session, meeting: Meeting) -> dict[int, int]:
    """Deputy's person id → the person id of the member whose seat theirs stands in for."""
    seats = memberships_on(session, meeting.body_id, meeting_day(meeting))
    by_id = {s.id: s for s in seats}
    return {s.person_id: by_id[s.deputy_for_id].person_id for s in seats if s.deputy_for_id in by_id}


def add_attendee(session: Session, meeting: Meeting, person_id: int) -> Attendance:
    """Put someone who was not invited (a deputy, a guest with a seat) on the list, present."""
    ensure_editable(meeting)
    if person_id not in {s.person_id for s in addable_people(session, meeting)}:
        raise Invalid({"person": "Velg en person med verv i styret som ikke allerede står på listen."})
    position = max((a.position for a in meeting.attendances), default=-1) + 1
    attendance = Attendance(meeting_id=meeting.id, person_id=person_id, position=position, invited=False,
                            status=AttendanceStatus.present)
    session.add(attendance)
    meeting.attendances.append(attendance)
    session.flush()
    return attendance


# --------------------------------------------------------------------------- vote results


RULE_WORDS = {MajorityRule.two_thirds: "to tredjedels flertall", MajorityRule.unanimous: "enstemmighet"}


@dataclass(frozen=True)
class VoteResult:
    n_for: int
    n_against: int
    n_abstain: int
    against: tuple[str, ...]
    abstained: tuple[str, ...]
    rule: MajorityRule
    passed: bool
    rule_met: bool
    text: str

    @property
    def names(self) -> str:
        """'Mot: Leirfjord og Rana. Avstod: Vega.' – when the result line does not already name them."""
        if self.passed and not self.n_abstain:
            return ""
        parts = [f"{word}: {join_names(list(names))}." for word, names in (("Mot", self.against),
                                                                           ("Avstod", self.abstained)) if names]
        return " ".join(parts)


def _votes(n: int) -> str:
    return f"{n} stemme" if n == 1 else f"{n} stemmer"


def vote_result(votes: Iterable[tuple[str, VoteChoice]], rule: MajorityRule = MajorityRule.simple,
                chair_choice: VoteChoice | None = None) -> VoteResult:
    """The result line of a vote, from (municipality name, choice) pairs.

    Abstentions and absent municipalities are not votes cast. Simple majority: more for than
    against; on a tie the chair's vote decides (kommuneloven § 11-9). Two-thirds: at least
    two thirds of the votes cast are for. Unanimity: everyone who took part voted for.
    """
    votes = list(votes)
    chosen = {c: sorted((n for n, v in votes if v == c), key=nb_sort_key)
              for c in (VoteChoice.for_, VoteChoice.against, VoteChoice.abstain)}
    n_for, n_against, n_abstain = (len(chosen[c]) for c in (VoteChoice.for_, VoteChoice.against, VoteChoice.abstain))
    against, abstained = tuple(chosen[VoteChoice.against]), tuple(chosen[VoteChoice.abstain])

    tie_broken = n_for == n_against > 0 and chair_choice == VoteChoice.for_
    majority = n_for > n_against or tie_broken
    rule_met = {
        MajorityRule.simple: majority,
        MajorityRule.two_thirds: n_for > 0 and 3 * n_for >= 2 * (n_for + n_against),
        MajorityRule.unanimous: n_for > 0 and not n_against and not n_abstain,
    }[rule]
    passed = majority and rule_met
    abstain = f", {n_abstain} avstod" if n_abstain else ""

    if not (n_for or n_against or n_abstain):
        text = "Ingen stemmer avgitt"
    elif passed and not n_against and not n_abstain:
        text = "Enstemmig vedtatt"
    elif tie_broken and passed:
        text = f"Vedtatt med {n_for} mot {_votes(n_against)}, møteleders stemme var avgjørende{abstain}"
    elif passed and not n_abstain:
        text = f"Vedtatt mot {_votes(n_against)} ({', '.join(against)})"
    elif passed:
        text = f"Vedtatt med {n_for} mot {_votes(n_against)}{abstain}" if n_against else \
            f"Vedtatt med {_votes(n_for)}{abstain}"
    else:
        text = f"Ikke vedtatt: {n_for} for, {n_against} mot{abstain}"
    if rule in RULE_WORDS and (n_for or n_against or n_abstain):
        text += f". Kravet om {RULE_WORDS[rule]} er {'oppfylt' if rule_met else 'ikke oppfylt'}"
    return VoteResult(n_for, n_against, n_abstain, against, abstained, rule, passed, rule_met, text)


def chair_vote(meeting: Meeting, event: VoteEvent) -> VoteChoice | None:
    """How the chair's municipality voted (the casting vote on a tie), if the chair is present and votes."""
    seat = next((a.municipality_id for a in meeting.attendances
                 if a.person_id == meeting.chair_id and a.status == AttendanceStatus.present), None)
    return next((v.choice for v in event.votes if seat is not None and v.municipality_id == seat), None)


def event_result(event: VoteEvent, meeting: Meeting, names: dict[int, str]) -> VoteResult:
    """The result of a recorded vote; ``names`` maps municipality ids to names."""
    pairs = [(names.get(v.municipality_id, ""), v.choice) for v in event.votes]
    return vote_result(pairs, event.requirement, chair_vote(meeting, event))


def municipality_names(session: Session) -> dict[int, str]:
    return dict(session.exec(select(Municipality.id, Municipality.name)).all())


# --------------------------------------------------------------------------- decisions and votes


def disqualified_ids(session: Session, item: AgendaItem) -> set[int]:
    return set(session.exec(select(Disqualification.person_id).where(Disqualification.agenda_item_id == item.id)))


@dataclass
class VotingSeat:
    """A municipality with a seat on the board, and who (if anyone) may vote for it in this case."""

    municipality: Municipality
    member: Person
    voter: Attendance | None
    why_not: str = ""


def voting_seats(session: Session, item: AgendaItem) -> list[VotingSeat]:
    """The represented municipalities in the board's order, with their eligible voter in this case.

    The voter is whoever is present for the municipality (the member, or a deputy attending for
    them) and has not declared themselves disqualified; when the member present is disqualified,
    a deputy of that seat who is present may vote instead.
    """
    meeting = item.meeting
    excluded = disqualified_ids(session, item)
    all_seats = memberships_on(session, meeting.body_id, meeting_day(meeting))
    board = [s for s in all_seats if s.role in BOARD_ROLES]
    by_id = {s.id: s for s in all_seats}
    deputies: dict[int, set[int]] = {}  # municipality id → person ids of its deputies
    for s in all_seats:
        municipality_id = s.municipality_id or (by_id[s.deputy_for_id].municipality_id
                                                if s.deputy_for_id in by_id else None)
        if s.role == MembershipRole.deputy and municipality_id:
            deputies.setdefault(municipality_id, set()).add(s.person_id)
    present = [a for a in meeting.attendances if a.status == AttendanceStatus.present]
    result, seen = [], set()
    for seat in board:
        municipality_id = seat.municipality_id
        if seat.municipality is None or municipality_id in seen:
            continue
        seen.add(municipality_id)
        attending = [a for a in present if a.municipality_id == municipality_id]
        voters = [a for a in attending if a.person_id not in excluded]
        if attending and not voters:  # the member is disqualified: a deputy who is present may vote
            voters = [a for a in present if a.person_id in deputies.get(municipality_id, set())
                      and a.person_id not in excluded and a.substitute_for_id is None]
        if voters:
            why = ""
        elif attending:
            why = f"{join_names([a.person.name for a in attending])} er inhabil i saken."
        else:
            why = f"Ingen fra {seat.municipality.name} er til stede."
        result.append(VotingSeat(seat.municipality, seat.person, voters[0] if voters else None, why))
    return result


def default_votes(item: AgendaItem, seats: list[VotingSeat]) -> dict[int, VoteChoice]:
    """The recorded votes, or: for from every municipality with a voter present, else not present."""
    event = item.vote_events[0] if item.vote_events else None
    recorded = {v.municipality_id: v.choice for v in event.votes} if event else {}
    return {s.municipality.id: recorded.get(s.municipality.id) or (VoteChoice.for_ if s.voter else VoteChoice.absent)
            for s in seats}


def record_decision(session: Session, item: AgendaItem, *, decision: str, discussion: str,
                    majority_rule: MajorityRule, votes: dict[int, VoteChoice] | None) -> None:
    """Save the decision text, the discussion notes and (when given) the vote per municipality.

    ``votes=None`` means the case was not voted on: a vote recorded earlier is removed.
    A municipality whose representative is absent or disqualified can only be 'not present'.
    """
    ensure_editable(item.meeting)
    if votes is not None:
        seats = {s.municipality.id: s for s in voting_seats(session, item)}
        errors = {}
        for municipality_id, choice in votes.items():
            seat = seats.get(municipality_id)
            if seat is None:
                errors[municipality_id] = "Kommunen har ikke sete i styret."
            elif choice != VoteChoice.absent and seat.voter is None:
                errors[municipality_id] = f"{seat.why_not} Kommunen kan ikke stemme i saken."
        if errors:
            raise Invalid(errors)

    item.decision, item.discussion, item.majority_rule = decision, discussion, majority_rule
    if item.status == ItemStatus.draft:
        item.status = ItemStatus.treated
    if votes is None:
        for event in list(item.vote_events):
            _delete_event(session, item, event)
    else:
        _save_votes(session, item, seats, votes)
    session.flush()


def _delete_event(session: Session, item: AgendaItem, event: VoteEvent) -> None:
    for vote in list(event.votes):
        vote.event  # noqa: B018 – loaded, so the audit log knows the case
        session.delete(vote)
    item.vote_events.remove(event)
    session.delete(event)


def _save_votes(session: Session, item: AgendaItem, seats: dict[int, VotingSeat],
                votes: dict[int, VoteChoice]) -> None:
    if item.vote_events:
        event = item.vote_events[0]
    else:
        event = VoteEvent(agenda_item_id=item.id)
        session.add(event)
        item.vote_events.append(event)
        session.flush()
    event.requirement = item.majority_rule
    existing = {v.municipality_id: v for v in event.votes}
    for municipality_id, choice in votes.items():
        voter = seats[municipality_id].voter
        person_id = voter.person_id if voter and choice != VoteChoice.absent else None
        vote = existing.get(municipality_id)
        if vote is None:
            session.add(Vote(event=event, municipality_id=municipality_id, choice=choice, person_id=person_id))
        else:
            vote.event  # noqa: B018 – loaded, so the audit log knows the case
            vote.choice, vote.person_id = choice, person_id


# --------------------------------------------------------------------------- disqualification


def disqualification_candidates(item: AgendaItem, already: set[int]) -> list[Attendance]:
    """Everyone on the meeting's list who is present and not already disqualified in the case."""
    return [a for a in item.meeting.attendances
            if a.status == AttendanceStatus.present and a.person_id not in already]


def declare_disqualified(session: Session, item: AgendaItem, person_id: int, reason: str) -> Disqualification:
    """Record that a person declared themselves disqualified (inhabil); their municipality's vote
    becomes 'not present' unless someone else may vote for it."""
    ensure_editable(item.meeting)
    already = disqualified_ids(session, item)
    if person_id in already:
        raise Invalid({"person": "Personen er allerede registrert som inhabil i saken."})
    if person_id not in {a.person_id for a in disqualification_candidates(item, already)}:
        raise Invalid({"person": "Velg en person som er til stede i møtet."})
    if not reason.strip():
        raise Invalid({"reason": "Skriv begrunnelsen for inhabiliteten."})
    row = Disqualification(agenda_item_id=item.id, person_id=person_id, reason=reason.strip())
    session.add(row)
    session.flush()
    if item.vote_events:
        seats = {s.municipality.id: s for s in voting_seats(session, item)}
        for vote in item.vote_events[0].votes:
            seat = seats.get(vote.municipality_id)
            if seat is not None and seat.voter is None and vote.choice != VoteChoice.absent:
                vote.event  # noqa: B018
                vote.choice, vote.person_id = VoteChoice.absent, None
            elif seat is not None and seat.voter is not None and vote.person_id == person_id:
                vote.event  # noqa: B018
                vote.person_id = seat.voter.person_id
        session.flush()
    return row


def remove_disqualification(session: Session, item: AgendaItem, row: Disqualification) -> None:
    ensure_editable(item.meeting)
    session.delete(row)
    session.flush()


def load_disqualifications(session: Session, item_ids: Iterable[int]) -> dict[int, list[tuple[Disqualification, Person]]]:
    """(disqualification, person) pairs per agenda item id, in one query."""
    result: dict[int, list[tuple[Disqualification, Person]]] = {}
    ids = list(item_ids)
    if ids:
        for row, person in session.exec(
            select(Disqualification, Person).join(Person, Person.id == Disqualification.person_id)
            .where(Disqualification.agenda_item_id.in_(ids)).order_by(Disqualification.id)
        ):
            result.setdefault(row.agenda_item_id, []).append((row, person))
    return result


def disqualification_text(row: Disqualification, person: Person, meeting: Meeting) -> str:
    """'Rachel Berg (Alstahaug) erklærte seg inhabil: <grunn>, og deltok ikke i behandlingen'"""
    att = next((a for a in meeting.attendances if a.person_id == row.person_id), None)
    who = person_with_affiliation(att) if att else person.name
    return f"{who} erklærte seg inhabil: {row.reason.rstrip('.')}, og deltok ikke i behandlingen"


def disqualification_texts(session: Session, meeting: Meeting) -> dict[int, list[str]]:
    """The minutes' disqualification lines per agenda item id, in one query."""
    found = load_disqualifications(session, (i.id for i in meeting.items))
    return {item_id: [disqualification_text(r, p, meeting) for r, p in pairs] for item_id, pairs in found.items()}


# --------------------------------------------------------------------------- deferral


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


# --------------------------------------------------------------------------- co-signer and approval


CO_SIGNER_CASE = "valg av person til å undertegne protokoll"


def co_signer_candidates(meeting: Meeting) -> list[Attendance]:
    """Present members (and deputies attending for one): those who represent a municipality."""
    return [a for a in meeting.attendances if a.status == AttendanceStatus.present and a.municipality_id]


def suggested_co_signer(meeting: Meeting) -> int | None:
    """The chosen co-signer; else the present person the case 'Valg av person til å undertegne
    protokoll …' names in its decision."""
    if meeting.co_signer_id:
        return meeting.co_signer_id
    decisions = [i.decision.casefold() for i in meeting.items
                 if i.case.title.casefold().startswith(CO_SIGNER_CASE) and i.decision]
    for att in co_signer_candidates(meeting):
        if any(att.person.name.casefold() in text for text in decisions):
            return att.person_id
    return None


def choose_co_signer(session: Session, meeting: Meeting, person_id: int) -> None:
    ensure_editable(meeting)
    if person_id not in {a.person_id for a in co_signer_candidates(meeting)}:
        raise Invalid({"person": "Velg et styremedlem som er til stede i møtet."})
    meeting.co_signer_id = person_id
    session.flush()


def mark_held(session: Session, meeting: Meeting) -> None:
    """The meeting has taken place (gjennomført); its minutes can now be approved."""
    ensure_editable(meeting)
    move_to(meeting, MeetingStatus.held)
    session.flush()


def approve_minutes(session: Session, meeting: Meeting, who: str, when: datetime | None = None) -> None:
    """Approve the minutes (who, when) and so lock the meeting and its cases."""
    ensure_editable(meeting)
    if meeting.co_signer_id is None:
        raise Invalid({"co_signer": "Velg protokollunderskriver før protokollen godkjennes."})
    move_to(meeting, MeetingStatus.approved)
    meeting.approved_at = when or utcnow()
    meeting.approved_by = who
    session.flush()


# --------------------------------------------------------------------------- corrections


ITEM_FIELDS = {
    "decision": "Vedtak", "discussion": "Diskusjoner i møtet", "background": "Opplysninger til saken",
    "assessment": "Vurdering", "proposal": "Forslag til vedtak",
}
MEETING_FIELDS = {"title": "Tittel", "place": "Sted", "purpose": "Formål"}
MEETING_FIELD_LENGTH = {"title": 200, "place": 200, "purpose": 500}


def ensure_correctable(meeting: Meeting) -> None:
    """Raise Locked unless the minutes are approved: before that, texts are changed directly."""
    if meeting.status != MeetingStatus.approved:
        raise Locked("Rettelser føres bare i godkjente protokoller. Endre teksten direkte.")


def correct(session: Session, meeting: Meeting, item: AgendaItem | None, field: str, text: str, reason: str,
            who: str) -> Correction:
    """Amend approved minutes: record who, when, what (before and after) and why, then apply the text.

    The only change approved minutes accept. ``item`` None corrects the meeting itself.
    """
    ensure_correctable(meeting)
    fields = ITEM_FIELDS if item is not None else MEETING_FIELDS
    errors = {}
    if item is not None and item.meeting_id != meeting.id:
        errors["item"] = "Saken hører ikke til dette møtet."
    if field not in fields:
        errors["field"] = ("Velg et felt i saken." if item is not None else "Velg et felt i møtet (tittel, sted, formål)"
                           " eller velg en sak.")
    text, reason = text.strip(), reason.strip()
    if not text:
        errors["text"] = "Skriv den rettede teksten."
    elif item is None and field in MEETING_FIELD_LENGTH and len(text) > MEETING_FIELD_LENGTH[field]:
        errors["text"] = f"Teksten kan være høyst {MEETING_FIELD_LENGTH[field]} tegn."
    if not reason:
        errors["reason"] = "Skriv hvorfor protokollen rettes."
    target = item if item is not None else meeting
    if not errors and (getattr(target, field) or "").strip() == text:
        errors["text"] = "Den nye teksten er lik den som står i protokollen."
    if errors:
        raise Invalid(errors)
    row = Correction(meeting_id=meeting.id, agenda_item_id=item.id if item else None, field=field,
                     before=getattr(target, field) or "", after=text, reason=reason, made_by=who)
    setattr(target, field, text)
    session.add(row)
    session.flush()
    return row


def load_corrections(session: Session, meeting: Meeting) -> list[Correction]:
    return list(session.exec(select(Correction).where(Correction.meeting_id == meeting.id)
                             .order_by(Correction.created_at, Correction.id)))


def correction_subject(row: Correction, meeting: Meeting) -> str:
    """'Sak 39-25, Vedtak' or 'Møtet, Sted'"""
    item = next((i for i in meeting.items if i.id == row.agenda_item_id), None)
    if item is None:
        return f"Møtet, {MEETING_FIELDS.get(row.field, row.field)}"
    number = item_number(item)
    return f"{'Sak ' + number if number else item.case.title}, {ITEM_FIELDS.get(row.field, row.field)}"


# --------------------------------------------------------------------------- history


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


def deferral_note(later: AgendaItem) -> str:
    """'Saken ble utsatt til møtet 20. mars 2026'"""
    return f"Saken ble utsatt til møtet {nb_date(later.meeting.starts_at)}"


# --------------------------------------------------------------------------- for the minutes


@dataclass
class MinutesExtras:
    """What the minutes print beside the cases' own texts, loaded in a fixed number of queries."""

    names: dict[int, str]  # municipality id → name
    disqualified: dict[int, list[str]]  # agenda item id → '… erklærte seg inhabil …'
    deferred_to: dict[int, AgendaItem]  # agenda item id → its later treatment
    corrections: list[Correction]


def minutes_extras(session: Session, meeting: Meeting) -> MinutesExtras:
    return MinutesExtras(municipality_names(session), disqualification_texts(session, meeting),
                         deferred_to(session, meeting.items), load_corrections(session, meeting))
