"""What a municipality's page and its JSON show: its seats, the decisions it takes part in, its
votes year by year and its cost shares, in a fixed number of queries. ``public`` means the viewer
is not signed in: then only published material is included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from boardroom.core.access import case_published_clause
from boardroom.core.formatting import OSLO, local, nb_sort_key
from boardroom.core.inputs import today
from boardroom.core.orgs import here
from boardroom.core.years import chosen_year, of_year
from boardroom.costs.pages import years_with_costs
from boardroom.costs.tables import CostContext, key_text, load_costs, sharing_text
from boardroom.followups.followups import FollowUpRow, follow_up_rows, visible_follow_ups
from boardroom.meetings.lookup import published
from boardroom.meetings.numbering import format_number
from boardroom.models import (
    AgendaItem,
    Benefit,
    Body,
    Case,
    Cost,
    FollowUp,
    Meeting,
    MeetingStatus,
    Membership,
    Municipality,
    ParticipationAnswer,
    Project,
    Vote,
    VoteChoice,
    VoteEvent,
)
from boardroom.participation.matrix import fast_overview
from boardroom.projects.benefits import BenefitTotals, totals_by


@dataclass
class VoteRow:
    """One vote of the municipality, with just what the page shows (800 of them load fast)."""

    item_id: int
    meeting_id: int
    number: str
    title: str
    starts_at: datetime
    approved: bool
    subject: str
    choice: VoteChoice

    @property
    def year(self) -> int:
        return local(self.starts_at).year


@dataclass
class CostShareRow:
    cost: Cost
    key: str
    sharing: str
    share: object  # boardroom.costs.Share
    participants: int


@dataclass
class MunicipalityView:
    municipality: Municipality
    groups: dict[str, list]
    history: dict[int, list]  # decision id → this municipality's answers, oldest first, when it changed
    cost_years: list[int]  # the years of the organisation's costs, newest first
    cost_year: int | None  # the year shown (None: every year)
    shares: list[tuple[int, list[CostShareRow], Decimal]]  # its cost shares by year, newest first
    votes: list[VoteRow]  # the chosen year's
    vote_years: list[int]
    vote_year: int | None
    follow_ups: list[FollowUpRow]
    benefits: list[tuple[Project, BenefitTotals]]
    benefit_total: BenefitTotals


def municipality_view(session: Session, municipality: Municipality, public: bool,
                      asked: int | str | None = None, person_ids: set[int] | None = None) -> MunicipalityView:
    """Everything the municipality's page shows; ``person_ids`` are its representatives. Cost
    shares and votes are of the year ``asked`` (boardroom.core.years: this year's or the newest
    by default, or every year), each part choosing among its own years."""
    municipalities, statuses, answers = fast_overview(session)
    groups: dict[str, list] = {"joined": [], "declined": [], "pending": []}
    history: dict[int, list] = {}
    for status in statuses:
        if not municipality.is_member_on(status.decision.decided_on):
            continue
        given = status.answer_for(municipality)
        answer = given.answer if given else ParticipationAnswer.pending
        key = {ParticipationAnswer.joins: "joined", ParticipationAnswer.declines: "declined"}.get(answer, "pending")
        groups[key].append((status, given))
        own = sorted((a for a in answers.get(status.decision.id, []) if a.municipality_id == municipality.id),
                     key=lambda a: (a.answered_on, a.id))
        if len(own) > 1:
            history[status.decision.id] = own

    this_year = today().year
    first, last = municipality.member_from, municipality.member_to  # its years as a member only
    cost_years = [y for y in years_with_costs(session, public)
                  if (first is None or first.year <= y) and (last is None or y <= last.year)]
    cost_year = chosen_year(cost_years, asked, this_year)
    costs = [c for c in load_costs(session, Cost.organisation_id == municipality.organisation_id,
                                   *of_year(Cost.year, cost_year))
             if not public or published(c.agenda_item)]  # its organisation's costs: no other's name it
    context = CostContext(session, costs, municipalities, [s.decision for s in statuses], answers)
    by_year: dict[int, list[CostShareRow]] = {}
    key_texts: dict[int, str] = {}
    for cost in costs:
        table = context.table(cost, cost.cost_key)
        share = table.share_of(municipality.id)
        if share is not None:
            if cost.cost_key_id not in key_texts:
                key_texts[cost.cost_key_id] = key_text(cost.cost_key)
            by_year.setdefault(cost.year, []).append(CostShareRow(
                cost, key_texts[cost.cost_key_id], sharing_text(cost, cost.project), share, len(table.rows)))
    shares = [(y, rows, sum((r.share.total for r in rows), Decimal(0)))
              for y, rows in sorted(by_year.items(), reverse=True)]

    votes, vote_years, vote_year = municipality_votes(session, municipality, public, asked, this_year)

    people = person_ids or set()
    owned = FollowUp.responsible_municipality_id == municipality.id
    if people:
        owned = owned | FollowUp.responsible_person_id.in_(people)
    follow_ups = visible_follow_ups(follow_up_rows(session, owned), public)

    benefits = list(session.exec(select(Benefit).where(Benefit.municipality_id == municipality.id)))
    by_project = totals_by(benefits, lambda b: b.project_id)
    projects = {p.id: p for p in session.exec(select(Project).where(Project.id.in_(by_project)))} if by_project else {}
    return MunicipalityView(
        municipality=municipality, groups=groups, history=history,
        cost_years=cost_years, cost_year=cost_year, shares=shares,
        votes=votes, vote_years=vote_years, vote_year=vote_year,
        follow_ups=follow_ups,
        benefits=sorted(((projects[pid], t) for pid, t in by_project.items()), key=lambda pt: nb_sort_key(pt[0].name)),
        benefit_total=totals_by(benefits, lambda b: 0).get(0, BenefitTotals()),
    )


def municipality_votes(session: Session, municipality: Municipality, public: bool, asked: int | str | None,
                       this_year: int) -> tuple[list[VoteRow], list[int], int | None]:
    """The municipality's votes (visitors: of approved minutes only) of the year ``asked`` (see
    boardroom.core.years), the years it voted in, and the year shown (None: every year); one query
    for the years and one for the votes, however many there are."""
    query = (
        select(Vote.choice, VoteEvent.subject, AgendaItem.id, AgendaItem.number_year, AgendaItem.number_seq,
               Meeting.id, Meeting.starts_at, Meeting.status, Body.case_number_format,
               Case.title)
        .join(VoteEvent, Vote.vote_event_id == VoteEvent.id)
        .join(AgendaItem, VoteEvent.agenda_item_id == AgendaItem.id)
        .join(Case, AgendaItem.case_id == Case.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .join(Body, Meeting.body_id == Body.id)
        .where(Vote.municipality_id == municipality.id)
        .order_by(Meeting.starts_at.desc(), AgendaItem.position, VoteEvent.id)
    )
    if public:  # how a municipality voted is public once the minutes are, except in exempt cases
        query = query.where(case_published_clause())
    starts = session.exec(query.with_only_columns(Meeting.starts_at).order_by(None).distinct())
    years = sorted({local(start).year for (start,) in starts}, reverse=True)
    chosen = chosen_year(years, asked, this_year)
    if chosen is not None:
        query = query.where(Meeting.starts_at >= datetime(chosen, 1, 1, tzinfo=OSLO),
                            Meeting.starts_at < datetime(chosen + 1, 1, 1, tzinfo=OSLO))
    rows = [
        VoteRow(item_id, meeting_id, format_number(fmt, number_year, seq),
                title, starts_at, status == MeetingStatus.approved, subject, choice)
        for (choice, subject, item_id, number_year, seq, meeting_id, starts_at, status, fmt, title)
        in session.exec(query)
    ]
    return rows, years, chosen


def representatives(session: Session, municipality_id: int) -> set[int]:
    """Ids of the people who hold or have held a seat for the municipality."""
    return set(session.exec(select(Membership.person_id).where(Membership.municipality_id == municipality_id)).all())


def latest_population(municipality: Municipality):
    """The newest PopulationFigure of a municipality (None when there is none)."""
    return max(municipality.populations, key=lambda p: p.as_of, default=None)


def current_seats(session: Session, municipality_id: int | None = None) -> list[Membership]:
    """Memberships valid today, with their person (and municipality), optionally for one municipality."""
    today = datetime.now(OSLO).date()
    query = (
        select(Membership)
        .where(Membership.municipality_id.is_not(None))
        .options(joinedload(Membership.person))
        .order_by(Membership.id)
    )
    if municipality_id is not None:
        query = query.where(Membership.municipality_id == municipality_id)
    else:
        query = query.where(Membership.body_id.in_(select(Body.id).where(here(Body.organisation_id))))
    seats = session.exec(query).all()
    return [s for s in seats if (s.start is None or s.start <= today) and (s.end is None or today <= s.end)]


def load_municipality(session: Session, kommunenummer: str) -> Municipality | None:
    return session.exec(
        select(Municipality)
        .where(Municipality.number == kommunenummer, here(Municipality.organisation_id))
        .options(selectinload(Municipality.populations))
    ).first()
