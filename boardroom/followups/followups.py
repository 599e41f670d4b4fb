"""Follow-up actions (oppfølgingspunkter): creating and updating them, which are overdue, the
rows the pages show, and the follow-up case on the next meeting's agenda.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, load_only
from sqlmodel import Session, select

from boardroom.core import vocabularies
from boardroom.core.formatting import nb_date
from boardroom.core.inputs import InputError, today
from boardroom.core.orgs import here
from boardroom.meetings.lookup import published
from boardroom.meetings.minutes import item_number
from boardroom.models import AgendaItem, Body, CaseKind, FollowUp, Meeting, Municipality, Person


def is_overdue(follow_up: FollowUp, day: date | None = None, closed: bool | None = None) -> bool:
    """Past its due date and not closed (``closed``: whether its status is a closed term of its
    organisation; by default the built-in "Ferdig")."""
    if closed is None:
        closed = follow_up.status in vocabularies.BUILTIN_CLOSED["followup_status"]
    return not closed and follow_up.due_date is not None and follow_up.due_date < (day or today())


def organisation_of_item(session: Session, item: AgendaItem) -> int | None:
    return session.exec(select(Body.organisation_id).where(Body.id == item.body_id)).first()


FOLLOWUP = "followup_status"


def _check_status(session: Session, status, organisation_id: int | None) -> None:
    if vocabularies.key(status) not in {t.key for t in vocabularies.terms(session, FOLLOWUP, organisation_id)}:
        raise InputError("Velg en av statusene i listen.", "status")


def _check_follow_up(text, person_id, municipality_id) -> None:
    if not (text or "").strip():
        raise InputError("Skriv hva som skal følges opp.", "text")
    if person_id is None and municipality_id is None:
        raise InputError("Velg en ansvarlig person eller kommune.", "responsible_person")


def create_follow_up(
    session: Session, item: AgendaItem, text: str, *, person_id: int | None = None,
    municipality_id: int | None = None, due_date: date | None = None,
    status: str | None = None,
) -> FollowUp:
    """A new action from ``item``; its status is one of the organisation's (the first open one by default)."""
    _check_follow_up(text, person_id, municipality_id)
    organisation_id = organisation_of_item(session, item)
    if status is None:
        status = vocabularies.first_open(session, FOLLOWUP, organisation_id)
    _check_status(session, status, organisation_id)
    row = FollowUp(agenda_item_id=item.id, text=text.strip(), responsible_person_id=person_id,
                   responsible_municipality_id=municipality_id, due_date=due_date, status=status)
    session.add(row)
    session.flush()
    return row


def update_follow_up(
    session: Session, follow_up: FollowUp, *, text: str, person_id: int | None, municipality_id: int | None,
    due_date: date | None, status: str, closed_by: AgendaItem | None,
) -> FollowUp:
    """Change an action; a closing case must be treated in a later meeting, and closes it."""
    _check_follow_up(text, person_id, municipality_id)
    origin = session.exec(
        select(AgendaItem).where(AgendaItem.id == follow_up.agenda_item_id)
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.body))
    ).one()
    if closed_by is not None:
        if closed_by.id == origin.id or closed_by.meeting.starts_at <= origin.meeting.starts_at:
            raise InputError(
                f"Saken som lukker punktet, må være behandlet i et senere møte enn sak {item_number(origin)} "
                f"({nb_date(origin.meeting.starts_at)}).", "closed_by",
            )
    organisation_id = origin.meeting.body.organisation_id
    if closed_by is not None:
        # closed by a later case: a closed status (the one chosen, else the organisation's first)
        if not vocabularies.is_closed(session, FOLLOWUP, status, organisation_id):
            status = vocabularies.first_closed(session, FOLLOWUP, organisation_id)
    elif status != follow_up.status:
        _check_status(session, status, organisation_id)
    follow_up.text, follow_up.due_date, follow_up.status = text.strip(), due_date, status
    follow_up.responsible_person_id, follow_up.responsible_municipality_id = person_id, municipality_id
    follow_up.closed_by_item_id = closed_by.id if closed_by else None
    session.flush()
    return follow_up


# what a follow-up shows of its case: the number, the title and the meeting (not the case's texts)
HEADING_COLUMNS = (AgendaItem.id, AgendaItem.meeting_id, AgendaItem.case_id, AgendaItem.body_id, AgendaItem.position,
                   AgendaItem.closing, AgendaItem.number_year, AgendaItem.number_seq, AgendaItem.kind, AgendaItem.status)


_ITEM_OPTIONS = (load_only(*HEADING_COLUMNS), joinedload(AgendaItem.meeting).joinedload(Meeting.body),
                 joinedload(AgendaItem.case))  # built once: options are immutable


@dataclass
class FollowUpRow:
    """A follow-up action with the case it came from and the case that closed it."""

    follow_up: FollowUp
    item: AgendaItem
    closed_by: AgendaItem | None
    person: str
    municipality: str
    overdue: bool
    closed: bool = False  # its status is a closed one (Ferdig, or the organisation's own)

    @property
    def responsible(self) -> str:
        return ", ".join(x for x in (self.person, self.municipality) if x)


def organisation_items():
    """The request's organisation's cases, as a condition on AgendaItem."""
    return AgendaItem.body_id.in_(select(Body.id).where(here(Body.organisation_id)))


def follow_up_rows(session: Session, where=None, day: date | None = None) -> list[FollowUpRow]:
    """Follow-ups (optionally filtered by a SQL condition) with their cases and the names of the
    responsible, in two queries however many there are (one when none is closed by a case)."""
    query = (
        select(FollowUp, AgendaItem, Person.name, Municipality.name)
        .join(AgendaItem, FollowUp.agenda_item_id == AgendaItem.id)
        .outerjoin(Person, FollowUp.responsible_person_id == Person.id)
        .outerjoin(Municipality, FollowUp.responsible_municipality_id == Municipality.id)
        .options(*_ITEM_OPTIONS)
    )
    query = query.where(organisation_items() if where is None else where)
    found = session.exec(query).all()
    closing_ids = {f.closed_by_item_id for f, *_ in found if f.closed_by_item_id}
    closing = {i.id: i for i in session.exec(
        select(AgendaItem).where(AgendaItem.id.in_(closing_ids)).options(*_ITEM_OPTIONS)
    )} if closing_ids else {}
    day = day or today()
    rows = []
    for f, item, person, town in found:
        closed = vocabularies.is_closed(session, FOLLOWUP, f.status, item.meeting.body.organisation_id)
        rows.append(FollowUpRow(f, item, closing.get(f.closed_by_item_id), person or "", town or "",
                                is_overdue(f, day, closed), closed))
    far = date.max
    rows.sort(key=lambda r: (r.closed, r.follow_up.due_date or far,
                             r.item.meeting.starts_at, r.follow_up.id))
    return rows


def open_follow_ups_for(session: Session, meeting: Meeting) -> list[FollowUpRow]:
    """The actions the next meeting follows up ("Oppfølging av tidligere vedtak"): those from
    earlier meetings of the body that are still open, and those closed by a case of this meeting
    or a later one."""
    earlier = (AgendaItem.body_id == meeting.body_id) & AgendaItem.meeting_id.in_(
        select(Meeting.id).where(Meeting.body_id == meeting.body_id, Meeting.starts_at < meeting.starts_at)
    )
    # chosen in the query, so the years of closed actions before are not read
    closed_now_or_later = FollowUp.closed_by_item_id.in_(
        select(AgendaItem.id).join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(Meeting.starts_at >= meeting.starts_at)
    )
    closed = vocabularies.closed_keys(session, FOLLOWUP, meeting.body.organisation_id)
    wanted = (FollowUp.status.not_in(closed) & FollowUp.closed_by_item_id.is_(None)) | closed_now_or_later
    rows = follow_up_rows(session, earlier & wanted)
    return [
        r for r in rows
        if (not r.closed and r.closed_by is None)
        or (r.closed_by is not None and r.closed_by.meeting.starts_at >= meeting.starts_at)
    ]


FOLLOW_UP_CASE_TITLE = "Oppfølging av tidligere vedtak"


def add_follow_up_case(session: Session, meeting: Meeting) -> AgendaItem:
    """Put the open actions on the meeting's agenda as the information case "Oppfølging av
    tidligere vedtak", with a table of them as its background; refused when there are none
    or the case is there already."""
    from boardroom.meetings.agenda import add_case

    if any(item.case.title == FOLLOW_UP_CASE_TITLE for item in meeting.items):
        raise InputError(f"Saken «{FOLLOW_UP_CASE_TITLE}» står allerede på sakslisten.")
    rows = open_follow_ups_for(session, meeting)
    if not rows:
        raise InputError("Det er ingen åpne oppfølgingspunkter fra tidligere møter.")
    kind = vocabularies.key_meaning(session, "case_kind", CaseKind.information, meeting.body.organisation_id)
    return add_case(session, meeting, title=FOLLOW_UP_CASE_TITLE, kind=kind,
                    background=follow_up_table_markdown(session, rows),
                    proposal="Styret tar orienteringen om oppfølgingen til etterretning.")


def follow_up_table_markdown(session: Session, rows: list[FollowUpRow]) -> str:
    """The open actions as a Markdown table, for the information case on the next meeting's agenda."""
    lines = ["| Sak | Oppfølgingspunkt | Ansvarlig | Frist | Status |", "|---|---|---|---|---|"]
    for r in rows:
        due = nb_date(r.follow_up.due_date) if r.follow_up.due_date else ""
        text = r.follow_up.text.replace("|", "/").replace("\n", " ")
        word = vocabularies.term_label(session, FOLLOWUP, r.follow_up.status, r.item.meeting.body.organisation_id)
        lines.append(f"| {item_number(r.item)} | {text} | {r.responsible} | {due} | {word} |")
    return "\n".join(lines)


def visible_follow_ups(rows: list[FollowUpRow], public: bool) -> list[FollowUpRow]:
    return [r for r in rows if not public or published(r.item)]
