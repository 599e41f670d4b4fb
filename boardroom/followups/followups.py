"""Follow-up actions (oppfølgingspunkter): creating and updating them, which are overdue, the
rows the pages show, and the follow-up case on the next meeting's agenda.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, load_only
from sqlmodel import Session, select

from boardroom.core.formatting import nb_date
from boardroom.core.inputs import InputError, today
from boardroom.core.labels import label
from boardroom.core.orgs import here
from boardroom.meetings.lookup import published
from boardroom.meetings.minutes import item_number
from boardroom.models import AgendaItem, Body, FollowUp, FollowUpStatus, Meeting, Municipality, Person


def is_overdue(follow_up: FollowUp, day: date | None = None) -> bool:
    return (follow_up.status != FollowUpStatus.done and follow_up.due_date is not None
            and follow_up.due_date < (day or today()))


def _check_follow_up(text, person_id, municipality_id) -> None:
    if not (text or "").strip():
        raise InputError("Skriv hva som skal følges opp.", "text")
    if person_id is None and municipality_id is None:
        raise InputError("Velg en ansvarlig person eller kommune.", "responsible_person")


def create_follow_up(
    session: Session, item: AgendaItem, text: str, *, person_id: int | None = None,
    municipality_id: int | None = None, due_date: date | None = None,
    status: FollowUpStatus = FollowUpStatus.open,
) -> FollowUp:
    _check_follow_up(text, person_id, municipality_id)
    row = FollowUp(agenda_item_id=item.id, text=text.strip(), responsible_person_id=person_id,
                   responsible_municipality_id=municipality_id, due_date=due_date, status=status)
    session.add(row)
    session.flush()
    return row


def update_follow_up(
    session: Session, follow_up: FollowUp, *, text: str, person_id: int | None, municipality_id: int | None,
    due_date: date | None, status: FollowUpStatus, closed_by: AgendaItem | None,
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
        status = FollowUpStatus.done
    follow_up.text, follow_up.due_date, follow_up.status = text.strip(), due_date, status
    follow_up.responsible_person_id, follow_up.responsible_municipality_id = person_id, municipality_id
    follow_up.closed_by_item_id = closed_by.id if closed_by else None
    session.flush()
    return follow_up


# what a follow-up shows of its case: the number, the title and the meeting (not the case's texts)
HEADING_COLUMNS = (AgendaItem.id, AgendaItem.meeting_id, AgendaItem.case_id, AgendaItem.body_id, AgendaItem.position,
                   AgendaItem.closing, AgendaItem.number_year, AgendaItem.number_seq, AgendaItem.kind, AgendaItem.status)


def _item_options():
    return (load_only(*HEADING_COLUMNS), joinedload(AgendaItem.meeting).joinedload(Meeting.body),
            joinedload(AgendaItem.case))


@dataclass
class FollowUpRow:
    """A follow-up action with the case it came from and the case that closed it."""

    follow_up: FollowUp
    item: AgendaItem
    closed_by: AgendaItem | None
    person: str
    municipality: str
    overdue: bool

    @property
    def responsible(self) -> str:
        return ", ".join(x for x in (self.person, self.municipality) if x)


def follow_up_rows(session: Session, where=None, day: date | None = None) -> list[FollowUpRow]:
    """Follow-ups (optionally filtered by a SQL condition) with their cases and the names of the
    responsible, in two queries however many there are."""
    query = (
        select(FollowUp, AgendaItem, Person.name, Municipality.name)
        .join(AgendaItem, FollowUp.agenda_item_id == AgendaItem.id)
        .outerjoin(Person, FollowUp.responsible_person_id == Person.id)
        .outerjoin(Municipality, FollowUp.responsible_municipality_id == Municipality.id)
        .options(*_item_options())
    )
    if where is None:  # the request's organisation's
        where = AgendaItem.body_id.in_(select(Body.id).where(here(Body.organisation_id)))
    query = query.where(where)
    found = session.exec(query).all()
    closing_ids = {f.closed_by_item_id for f, *_ in found if f.closed_by_item_id}
    closing = {i.id: i for i in session.exec(
        select(AgendaItem).where(AgendaItem.id.in_(closing_ids)).options(*_item_options())
    )}
    day = day or today()
    rows = [
        FollowUpRow(f, item, closing.get(f.closed_by_item_id), person or "", town or "", is_overdue(f, day))
        for f, item, person, town in found
    ]
    far = date.max
    rows.sort(key=lambda r: (r.follow_up.status == FollowUpStatus.done, r.follow_up.due_date or far,
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
    wanted = ((FollowUp.status != FollowUpStatus.done) & FollowUp.closed_by_item_id.is_(None)) | closed_now_or_later
    rows = follow_up_rows(session, earlier & wanted)
    return [
        r for r in rows
        if (r.follow_up.status != FollowUpStatus.done and r.closed_by is None)
        or (r.closed_by is not None and r.closed_by.meeting.starts_at >= meeting.starts_at)
    ]


FOLLOW_UP_CASE_TITLE = "Oppfølging av tidligere vedtak"


def add_follow_up_case(session: Session, meeting: Meeting) -> AgendaItem:
    """Put the open actions on the meeting's agenda as the information case "Oppfølging av
    tidligere vedtak", with a table of them as its background; refused when there are none
    or the case is there already."""
    from boardroom.meetings.agenda import add_case
    from boardroom.models import CaseKind

    if any(item.case.title == FOLLOW_UP_CASE_TITLE for item in meeting.items):
        raise InputError(f"Saken «{FOLLOW_UP_CASE_TITLE}» står allerede på sakslisten.")
    rows = open_follow_ups_for(session, meeting)
    if not rows:
        raise InputError("Det er ingen åpne oppfølgingspunkter fra tidligere møter.")
    return add_case(session, meeting, title=FOLLOW_UP_CASE_TITLE, kind=CaseKind.information,
                    background=follow_up_table_markdown(rows),
                    proposal="Styret tar orienteringen om oppfølgingen til etterretning.")


def follow_up_table_markdown(rows: list[FollowUpRow]) -> str:
    """The open actions as a Markdown table, for the information case on the next meeting's agenda."""
    lines = ["| Sak | Oppfølgingspunkt | Ansvarlig | Frist | Status |", "|---|---|---|---|---|"]
    for r in rows:
        due = nb_date(r.follow_up.due_date) if r.follow_up.due_date else ""
        text = r.follow_up.text.replace("|", "/").replace("\n", " ")
        lines.append(f"| {item_number(r.item)} | {text} | {r.responsible} | {due} | {label(r.follow_up.status)} |")
    return "\n".join(lines)


def visible_follow_ups(rows: list[FollowUpRow], public: bool) -> list[FollowUpRow]:
    return [r for r in rows if not public or published(r.item)]
