"""Decisions and votes: the result line ("Vedtatt mot 2 stemmer (Leirfjord, Rana)") computed
against the case's majority rule, the seats that vote on a case, and recording a decision with
its votes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from boardroom.core.formatting import nb_sort_key
from boardroom.core.inputs import Invalid
from boardroom.core.labels import label as label_of
from boardroom.decisions.attendance import meeting_day, memberships_on
from boardroom.meetings.minutes import BOARD_ROLES
from boardroom.meetings.workflow import ensure_editable
from boardroom.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    DecisionMethod,
    Disqualification,
    ItemStatus,
    MajorityBase,
    MajorityRule,
    Meeting,
    MemberKind,
    Membership,
    MembershipRole,
    Municipality,
    Person,
    Vote,
    VoteChoice,
    VoteEvent,
)
from boardroom.participation.status import join_names

RULE_WORDS = {MajorityRule.two_thirds: "to tredjedels flertall", MajorityRule.unanimous: "enstemmighet"}
BASE_WORDS = {MajorityBase.votes_cast: "av de avgitte stemmene", MajorityBase.present: "av de møtende",
              MajorityBase.members: "av alle stemmeberettigede medlemmer"}


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


def majority_text(item: AgendaItem) -> str:
    """'Alminnelig flertall', 'To tredjedels flertall av de møtende', 'Enstemmighet'"""
    words = label_of(item.majority_rule)
    if item.majority_rule == MajorityRule.two_thirds:
        words += " " + BASE_WORDS[item.majority_base or MajorityBase.votes_cast]
    return words


def _votes(n: int) -> str:
    return f"{n} stemme" if n == 1 else f"{n} stemmer"


def vote_result(votes: Iterable[tuple[str, VoteChoice]], rule: MajorityRule = MajorityRule.simple,
                chair_choice: VoteChoice | None = None, base: MajorityBase = MajorityBase.votes_cast) -> VoteResult:
    """The result line of a vote, from (municipality name, choice) pairs, one per seat.

    Abstentions and absent municipalities are not votes cast. Simple majority: more for than
    against; on a tie the chair's vote decides (kommuneloven § 11-9). Two-thirds: at least
    two thirds are for, counted of ``base``: the votes cast, the members present (abstaining
    ones included) or all voting members (absent ones included). Unanimity: everyone who took
    part voted for.
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
        MajorityRule.two_thirds: n_for > 0 and 3 * n_for >= 2 * {
            MajorityBase.votes_cast: n_for + n_against, MajorityBase.present: n_for + n_against + n_abstain,
            MajorityBase.members: len(votes)}[base],
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
        of = f" {BASE_WORDS[base]}" if rule == MajorityRule.two_thirds else ""
        text += f". Kravet om {RULE_WORDS[rule]}{of} er {'oppfylt' if rule_met else 'ikke oppfylt'}"
    return VoteResult(n_for, n_against, n_abstain, against, abstained, rule, passed, rule_met, text)


def group_key(vote) -> int | str:
    """Whom a vote counts for: the member's id, or "s<seat id>" for a seat without a member."""
    municipality_id = getattr(vote, "municipality_id", None)
    return municipality_id if municipality_id is not None else f"s{getattr(vote, 'membership_id', None)}"


def chair_vote(meeting: Meeting, event: VoteEvent) -> VoteChoice | None:
    """How the chair's seat voted (the casting vote on a tie), if the chair is present and votes: the
    vote of the member the chair represents, or the chair's own vote in a seat without a member."""
    chair = next((a for a in meeting.attendances
                  if a.person_id == meeting.chair_id and a.status == AttendanceStatus.present), None)
    if chair is None:
        return None
    if chair.municipality_id is not None:
        return next((v.choice for v in event.votes if v.municipality_id == chair.municipality_id), None)
    return next((v.choice for v in event.votes
                 if getattr(v, "municipality_id", None) is None and v.person_id == chair.person_id), None)


def event_result(event: VoteEvent, meeting: Meeting, names: dict[int | str, str]) -> VoteResult:
    """The result of a recorded vote; ``names`` maps member ids (and "s<seat id>") to names."""
    pairs = [(names.get(group_key(v), ""), v.choice) for v in event.votes]
    return vote_result(pairs, event.requirement, chair_vote(meeting, event), event.base or MajorityBase.votes_cast)


def municipality_names(session: Session) -> dict[int | str, str]:
    """Every member's name by id, and the name of each seat without a member by "s<seat id>"."""
    names: dict[int | str, str] = dict(session.exec(select(Municipality.id, Municipality.name)).all())
    names.update((f"s{seat_id}", name) for seat_id, name in session.exec(
        select(Membership.id, Person.name).join(Person, Person.id == Membership.person_id)
        .where(Membership.municipality_id.is_(None), Membership.role.in_(BOARD_ROLES))))
    return names


def disqualified_ids(session: Session, item: AgendaItem) -> set[int]:
    return set(session.exec(select(Disqualification.person_id).where(Disqualification.agenda_item_id == item.id)))


@dataclass
class VotingSeat:
    """A member with a seat on the board (or a seat without a member: an independent member, an
    employee representative), and who (if anyone) may vote for it in this case."""

    municipality: Municipality | None
    member: Person
    voter: Attendance | None
    why_not: str = ""
    seat: Membership | None = None

    @property
    def key(self) -> int | str:
        """The member's id, or "s<seat id>" for a seat without a member (as ``group_key`` of its vote)."""
        return self.municipality.id if self.municipality is not None else f"s{self.seat.id}"

    @property
    def name(self) -> str:
        """The member's name, or the seat holder's for a seat without a member."""
        return self.municipality.name if self.municipality is not None else self.member.name


def voting_seats(session: Session, item: AgendaItem) -> list[VotingSeat]:
    """The represented members in the board's order, with their eligible voter in this case.

    The voter is whoever is present for the member (the board member, or a deputy attending for
    them) and has not declared themselves disqualified; when the member present is disqualified,
    a deputy of that seat who is present may vote instead. A voting seat that represents no member
    (an independent board member, an employee representative) votes for itself: its holder, or a
    deputy of that seat attending for them.
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
        if seat.municipality is None:
            if seat.voting:
                result.append(_own_seat(seat, present, excluded, all_seats))
            continue
        if municipality_id in seen:
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
        result.append(VotingSeat(seat.municipality, seat.person, voters[0] if voters else None, why, seat))
    return result


def _own_seat(seat: Membership, present: list[Attendance], excluded: set[int],
              all_seats: list[Membership]) -> VotingSeat:
    """A seat without a member: its holder votes, or a deputy of the seat who attends for them."""
    deputies = {s.person_id for s in all_seats if s.role == MembershipRole.deputy and s.deputy_for_id == seat.id}
    holder = [a for a in present if a.person_id == seat.person_id]
    voters = [a for a in holder if a.person_id not in excluded]
    if not voters:
        voters = [a for a in present if a.person_id in deputies and a.person_id not in excluded
                  and (a.substitute_for_id in (None, seat.person_id))]
    if voters:
        why = ""
    elif holder:
        why = f"{seat.person.name} er inhabil i saken."
    else:
        why = f"{seat.person.name} er ikke til stede."
    return VotingSeat(None, seat.person, voters[0] if voters else None, why, seat)


def default_votes(item: AgendaItem, seats: list[VotingSeat]) -> dict[int, VoteChoice]:
    """The recorded votes, or: for from every seat with a voter present, else not present."""
    event = item.vote_events[0] if item.vote_events else None
    recorded = {group_key(v): v.choice for v in event.votes} if event else {}
    return {s.key: recorded.get(s.key) or (VoteChoice.for_ if s.voter else VoteChoice.absent) for s in seats}


def record_decision(session: Session, item: AgendaItem, *, decision: str, discussion: str,
                    majority_rule: MajorityRule, votes: dict[int, VoteChoice] | None,
                    method: DecisionMethod | None = None, base: MajorityBase | None = None) -> None:
    """Save the decision text, the discussion notes and how the case was decided.

    ``method``: a counted vote (``votes`` per municipality), "enstemmig" confirmed by the
    secretary, or no vote; when not given, a counted vote if ``votes`` are given, else no vote.
    Only a counted vote keeps per-seat votes; a vote recorded earlier is otherwise removed.
    A municipality whose representative is absent or disqualified can only be 'not present',
    and nobody may abstain unless the body allows it.
    """
    ensure_editable(item.meeting)
    method = method or (DecisionMethod.counted if votes is not None else DecisionMethod.none)
    if method == DecisionMethod.counted:
        if not votes:
            raise Invalid({"method": "Registrer stemmene, eller velg «Enstemmig» eller «Ingen votering»."})
        seats = {s.key: s for s in voting_seats(session, item)}
        errors = {}
        for key, choice in votes.items():
            seat = seats.get(key)
            if seat is None:
                errors[key] = "Kommunen har ikke sete i styret." if isinstance(key, int) else \
                    "Vervet har ikke stemmerett i styret."
            elif choice != VoteChoice.absent and seat.voter is None:
                errors[key] = f"{seat.why_not} {_who(seat)} kan ikke stemme i saken."
            elif choice == VoteChoice.abstain and not item.meeting.body.abstain_allowed:
                errors[key] = ("De møtende plikter å stemme (kommuneloven § 8-1); "
                               "organet tillater ikke å avstå.")
        if errors:
            raise Invalid(errors)

    item.decision, item.discussion, item.majority_rule = decision, discussion, majority_rule
    item.majority_base = base or item.majority_base or MajorityBase.votes_cast
    item.decided_by = method
    if item.status == ItemStatus.draft:
        item.status = ItemStatus.treated
    if method != DecisionMethod.counted:
        for event in list(item.vote_events):
            _delete_event(session, item, event)
    else:
        _save_votes(session, item, seats, votes)
    session.flush()


def _who(seat: VotingSeat) -> str:
    """'Kommunen', 'Medlemmet' or the holder of a seat without a member, as a message names them."""
    if seat.municipality is None:
        return seat.member.name
    return "Kommunen" if seat.municipality.kind in (None, MemberKind.municipality) else "Medlemmet"


def _delete_event(session: Session, item: AgendaItem, event: VoteEvent) -> None:
    for vote in list(event.votes):
        vote.event  # noqa: B018 – loaded, so the audit log knows the case
        session.delete(vote)
    item.vote_events.remove(event)
    session.delete(event)


def _save_votes(session: Session, item: AgendaItem, seats: dict[int | str, VotingSeat],
                votes: dict[int | str, VoteChoice]) -> None:
    if item.vote_events:
        event = item.vote_events[0]
    else:
        event = VoteEvent(agenda_item_id=item.id)
        session.add(event)
        item.vote_events.append(event)
        session.flush()
    event.requirement, event.base = item.majority_rule, item.majority_base
    existing = {group_key(v): v for v in event.votes}
    for key, choice in votes.items():
        seat = seats[key]
        voter = seat.voter
        person_id = voter.person_id if voter and choice != VoteChoice.absent else None
        vote = existing.get(key)
        if vote is None:
            group = {"municipality_id": seat.municipality.id} if seat.municipality is not None else \
                {"membership_id": seat.seat.id}
            session.add(Vote(event=event, choice=choice, person_id=person_id, **group))
        else:
            vote.event  # noqa: B018 – loaded, so the audit log knows the case
            vote.choice, vote.person_id = choice, person_id
