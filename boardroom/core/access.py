"""Who may see and change what: the one place for access rules.

A board of municipalities works in public. Visitors who are not logged in read what is
published: the meeting plan, a notice once it is sent, minutes once approved, the
participation overview. An exempt case shows the public only its number, "Unntatt
offentlighet" and its legal basis.

Least privilege: what is not public yet (drafts) and what is exempt is read by those whose
work needs it. The secretary and the administrator read it in every body; a board member in
the bodies where they hold a seat (as member or deputy), as the public elsewhere; a reader
as the public, unless an administrator has granted the account ``reads_restricted``. Only
the secretary and the administrator change anything.

Every output asks here — pages, JSON, Word documents, calendars, CSV — and so does whatever
comes from a case: its handler, votes, costs, follow-ups, attachments, corrections, and the
project decisions and participation answers taken in it.
"""

from __future__ import annotations

from functools import lru_cache, wraps

import sqlalchemy as sa
from flask import abort, g, has_request_context, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import or_
from sqlmodel import Session, select

from boardroom.core import orgs
from boardroom.core.inputs import today
from boardroom.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Case,
    Cost,
    CostKey,
    Disqualification,
    FollowUp,
    Meeting,
    MeetingStatus,
    Membership,
    Municipality,
    OrganisationRole,
    Person,
    PopulationFigure,
    Project,
    ProjectDecision,
    StandardCase,
    User,
    UserRole,
)

EDITORS = (UserRole.admin, UserRole.secretary)
EXEMPT_TITLE = "Unntatt offentlighet"
UNPUBLISHED_TITLE = "Ikke offentlig ennå"  # a case of a meeting whose notice is not sent
PUBLISHED_STATUSES = (MeetingStatus.called, MeetingStatus.held, MeetingStatus.approved)


def is_signed_in(user=None) -> bool:
    """Signed in with a role in the request's organisation (an account of another organisation
    only reads here what the public reads)."""
    user = user or current_user._get_current_object()  # the proxy once, not for each attribute
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) is not None


# --------------------------------------------------------------------------- roles per organisation


def account_with_role(session: Session, user_id: int):
    """The account and its role in the request's organisation, in one query: the administrator's
    role everywhere; else its row in ``OrganisationRole``; an account with no such rows at all
    (made before organisations, or before the first one existed) has its ``User.role`` in the
    first organisation; otherwise None (no role here)."""
    here = orgs.organisation_expr()
    first = orgs.first_organisation_expr()
    own = sa.select(OrganisationRole.role).where(OrganisationRole.user_id == User.id,
                                                 OrganisationRole.organisation_id == here).scalar_subquery()
    has_any = sa.exists().where(OrganisationRole.user_id == User.id)
    row = session.execute(
        sa.select(User, own, has_any, sa.or_(here == first, first.is_(None))).where(User.id == user_id)
    ).first()
    if row is None:
        return None, None
    user, role, has_rows, is_first = row
    if user.role == UserRole.admin:
        return user, UserRole.admin
    if role is not None:
        return user, UserRole(role)
    if not has_rows and is_first:
        return user, user.role
    return user, None


def grant_role(session: Session, user_id: int, organisation_id: int, role: UserRole) -> OrganisationRole:
    """Give an account a role in an organisation (replacing the one it had there)."""
    row = session.exec(select(OrganisationRole).where(OrganisationRole.user_id == user_id,
                                                      OrganisationRole.organisation_id == organisation_id)).first()
    if row is None:
        row = OrganisationRole(user_id=user_id, organisation_id=organisation_id, role=role)
        session.add(row)
        session.flush()
    elif row.role != role:  # unchanged, it is no change (the data's revision stays)
        row.role = role
        session.flush()
    return row


# --------------------------------------------------------------------------- ids in addresses

# each id an address may carry, and how to find the organisation of the row it names
_ORGANISATION_OF = {
    "body_id": lambda i: sa.select(Body.organisation_id).where(Body.id == i),
    "meeting_id": lambda i: sa.select(Body.organisation_id).join(Meeting, Meeting.body_id == Body.id)
    .where(Meeting.id == i),
    "agenda_item_id": lambda i: sa.select(Body.organisation_id).join(AgendaItem, AgendaItem.body_id == Body.id)
    .where(AgendaItem.id == i),
    "cost_id": lambda i: sa.select(Cost.organisation_id).where(Cost.id == i),
    "cost_key_id": lambda i: sa.select(CostKey.organisation_id).where(CostKey.id == i),
    "project_id": lambda i: sa.select(Project.organisation_id).where(Project.id == i),
    "decision_id": lambda i: sa.select(Project.organisation_id)
    .join(ProjectDecision, ProjectDecision.project_id == Project.id).where(ProjectDecision.id == i),
    "follow_up_id": lambda i: sa.select(Body.organisation_id).join(AgendaItem, AgendaItem.body_id == Body.id)
    .join(FollowUp, FollowUp.agenda_item_id == AgendaItem.id).where(FollowUp.id == i),
    "attachment_id": lambda i: sa.select(Body.organisation_id).select_from(Attachment)
    .outerjoin(AgendaItem, Attachment.agenda_item_id == AgendaItem.id)
    .outerjoin(Meeting, Attachment.meeting_id == Meeting.id)
    .join(Body, Body.id == sa.func.coalesce(Meeting.body_id, AgendaItem.body_id)).where(Attachment.id == i),
    "attendance_id": lambda i: sa.select(Body.organisation_id).join(Meeting, Meeting.body_id == Body.id)
    .join(Attendance, Attendance.meeting_id == Meeting.id).where(Attendance.id == i),
    "disqualification_id": lambda i: sa.select(Body.organisation_id)
    .join(AgendaItem, AgendaItem.body_id == Body.id)
    .join(Disqualification, Disqualification.agenda_item_id == AgendaItem.id).where(Disqualification.id == i),
    "municipality_id": lambda i: sa.select(Municipality.organisation_id).where(Municipality.id == i),
    "figure_id": lambda i: sa.select(Municipality.organisation_id)
    .join(PopulationFigure, PopulationFigure.municipality_id == Municipality.id).where(PopulationFigure.id == i),
    "person_id": lambda i: sa.select(Person.organisation_id).where(Person.id == i),
    "membership_id": lambda i: sa.select(Body.organisation_id).join(Membership, Membership.body_id == Body.id)
    .where(Membership.id == i),
    "case_id": lambda i: sa.select(Body.organisation_id).join(StandardCase, StandardCase.body_id == Body.id)
    .where(StandardCase.id == i),
    "kommunenummer": lambda n: sa.select(Municipality.organisation_id).where(Municipality.number == n),
}


@lru_cache(maxsize=128)
def _address_query(names: tuple[str, ...], prefixed: bool) -> sa.Select:
    """For each id an address carries: is its row missing or the organisation's? The ids as
    parameters of their own names, the organisation as "organisation" (``prefixed``: the address
    named it) or the first one; built once per kind of address."""
    here = orgs.organisation_param(prefixed)
    columns = []
    for name in names:
        q = _ORGANISATION_OF[name](sa.bindparam(name))
        columns.append(sa.case((~sa.exists(q), sa.true()), else_=sa.exists(q.where(q.selected_columns[0] == here)))
                       .label(name))
    return sa.select(*columns)


def check_address_ids(session: Session, view_args: dict) -> None:
    """404 unless every row the address names belongs to the request's organisation (one query
    for all of them). A row that does not exist is left to the view (its own 404)."""
    ids = {name: value for name, value in (view_args or {}).items() if name in _ORGANISATION_OF}
    if not ids:
        return
    organisation = orgs.prefixed_organisation_id()
    query = _address_query(tuple(sorted(ids)), organisation is not None)
    row = session.execute(query, ids if organisation is None else {**ids, "organisation": organisation}).first()
    if not all(row):
        abort(404)


def can_edit(user=None) -> bool:
    user = user or current_user._get_current_object()
    return is_signed_in(user) and user.role in EDITORS


class Every:
    """Every body (the secretary's, the administrator's and a granted reader's reach)."""

    def __contains__(self, body_id) -> bool:
        return True


EVERY = Every()


def seat_bodies(session: Session, person_id: int | None):
    """The bodies a board member reads the drafts and exempt cases of: where the person holds a
    seat now or later (as member or deputy); ``EVERY`` with a seat on every body of the
    organisation. One query, when the account is loaded for the request."""
    if not person_id:
        return frozenset()
    seats = frozenset(session.exec(
        select(Membership.body_id).where(Membership.person_id == person_id,
                                         or_(Membership.end.is_(None), Membership.end >= today()))))
    every = set(session.exec(select(Body.id).where(orgs.here(Body.organisation_id))))
    return EVERY if seats and seats >= every else seats


def restricted_bodies(user=None):
    """The bodies whose drafts and exempt cases this viewer reads: ``EVERY``, or a set of body
    ids (a board member's seats, loaded with the account), empty for visitors and readers
    without the grant. For the request's viewer it is worked out once per request (a meeting's
    page asks for every case), again only if the viewer changes (logging in or out)."""
    if user is not None or not has_request_context():
        return _restricted_bodies(user or current_user)
    user = current_user._get_current_object()
    known = g.get("boardroom_restricted")
    if known is None or known[0] is not user:
        known = g.boardroom_restricted = (user, _restricted_bodies(user))
    return known[1]


def _restricted_bodies(user):
    if not is_signed_in(user):
        return frozenset()
    if user.role in EDITORS or getattr(user, "reads_restricted", False):
        return EVERY
    if user.role != UserRole.member:
        return frozenset()
    return getattr(user, "seat_bodies", frozenset())


def reads_restricted(body_id: int | None, user=None) -> bool:
    """Whether this viewer reads the body's drafts and exempt cases as the secretary does."""
    return body_id in restricted_bodies(user)


def reads_everything(user=None) -> bool:
    """Whether this viewer reads every body's drafts and exempt cases (lists across bodies show the
    public's view to anyone else)."""
    return isinstance(restricted_bodies(user), Every)


def plan_visible(body, user=None) -> bool:
    """Whether this viewer sees the body's meetings at all: a closed body's (not ``public``) only
    signed-in accounts of the organisation, as its feed is only by token."""
    return body.public or is_signed_in(user)


def plan_visible_clause(user=None):
    """``plan_visible`` as SQL, for queries joining Body."""
    return sa.true() if is_signed_in(user) else Body.public


def agenda_published(meeting: Meeting) -> bool:
    """The notice (innkalling) has been sent: the saksliste and case papers are public."""
    return meeting.status in PUBLISHED_STATUSES


def minutes_published(meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.approved


def can_see_agenda(meeting: Meeting, user=None) -> bool:
    return reads_restricted(meeting.body_id, user) or agenda_published(meeting)


def can_see_minutes(meeting: Meeting, user=None) -> bool:
    """Decisions, discussion notes, votes and attendance of the meeting."""
    return reads_restricted(meeting.body_id, user) or minutes_published(meeting)


def can_see_case(item: AgendaItem, user=None) -> bool:
    """The texts of a case: the viewer reads the body's restricted papers, or they are published and not exempt."""
    return reads_restricted(item.meeting.body_id, user) or (agenda_published(item.meeting) and public_texts(item))


def public_title(case) -> str:
    """The title the public may see: the public title (or 'Unntatt offentlighet') of an exempt case."""
    return (case.public_title or EXEMPT_TITLE) if case.exempt else case.title


def public_texts(item: AgendaItem) -> bool:
    """Whether the public may read a case's texts, votes, costs and handler once its meeting's papers
    are published: it is not exempt. The Word documents, which are public, print only these."""
    return not item.case.exempt


def exemption_text(case) -> str:
    """'Unntatt offentlighet, Offl. § 14': what the public reads in place of an exempt case."""
    return f"{EXEMPT_TITLE}, {case.exemption_basis}" if case.exemption_basis else EXEMPT_TITLE


def shown_title(item: AgendaItem, user=None) -> str:
    """The title this viewer may see: the real one to those who read the body's restricted papers, else the public one."""
    return item.case.title if reads_restricted(item.meeting.body_id, user) else public_title(item.case)


def attachment_text(attachment) -> str:
    """What the public reads of an attachment: its title, or that it is exempt (with the basis)."""
    if not attachment.exempt:
        return attachment.title
    basis = attachment.exemption_basis
    return "Vedlegg unntatt offentlighet" + (f" ({basis})" if basis else "")


def can_see_attachment(attachment, user=None) -> bool:
    """An attachment's title (in a list this viewer already may see): not exempt, or the viewer reads
    the body's restricted papers."""
    return not attachment.exempt or reads_everything(user) or reads_restricted(attachment_body(attachment), user)


def attachment_body(attachment) -> int | None:
    """The body an attachment's meeting or case belongs to: the page's own body where a meeting or
    case page (or its JSON) lists it, else its loaded meeting's or case's."""
    shown = g.get("site_body") if has_request_context() else None
    if shown is not None:
        return shown.id
    holder = getattr(attachment, "meeting", None) or getattr(attachment, "agenda_item", None)
    return getattr(holder, "body_id", None)


def public_file(attachment, meeting: Meeting) -> bool:
    """An attachment's file is public: its meeting's notice is sent and neither it nor its case is exempt."""
    item = attachment.agenda_item
    return agenda_published(meeting) and not attachment.exempt and (item is None or public_texts(item))


def can_download(attachment, meeting: Meeting, user=None) -> bool:
    return reads_restricted(meeting.body_id, user) or public_file(attachment, meeting)


def case_published(item: AgendaItem | None) -> bool:
    """What came of a case (its costs, follow-ups) is public: its minutes are approved and it is not exempt."""
    return item is None or (minutes_published(item.meeting) and public_texts(item))


def case_published_clause():
    """``case_published`` as SQL, for queries joining AgendaItem's Meeting and Case."""
    return (Meeting.status == MeetingStatus.approved) & Case.exempt.is_(False)


def public_case_title(item: AgendaItem, public: bool) -> str:
    """A case's title where it is referred to: for the public, an exempt case's public title, and
    no title for a case of a meeting whose notice is not sent."""
    if not public:
        return item.case.title
    if item.case.exempt:
        return public_title(item.case)
    return item.case.title if agenda_published(item.meeting) else UNPUBLISHED_TITLE


def correction_exempt(correction, meeting) -> bool:
    """A correction to an exempt case of these minutes: the public sees only that it was made."""
    return any(i.id == correction.agenda_item_id and i.case.exempt for i in meeting.items)


def can_see_correction(correction, meeting, user=None) -> bool:
    return reads_restricted(meeting.body_id, user) or not correction_exempt(correction, meeting)


def shown_versions(versions, corrections, meeting, user=None) -> list:
    """The stored versions of minutes as this viewer may see them: for the public, a version made by
    a correction to an exempt case without its note (the correction's reason)."""
    if reads_restricted(meeting.body_id, user):
        return list(versions)
    withheld = {c.reason for c in corrections if correction_exempt(c, meeting)}
    return [Withheld(v, note="Rettelse i sak unntatt offentlighet") if v.version > 1 and v.note in withheld else v
            for v in versions]


def public_handler(item: AgendaItem) -> str:
    """The case handler (saksbehandler) the public may see: none of an exempt case."""
    return item.case_handler.name if item.case_handler and public_texts(item) else ""


def shown_handler(item: AgendaItem, user=None) -> str:
    """The case handler this viewer may see: the real one to those who read the body's restricted papers."""
    if reads_restricted(item.meeting.body_id, user):
        return item.case_handler.name if item.case_handler else ""
    return public_handler(item)


# --------------------------------------------------------------------------- rows tied to a case
# Follow-ups, costs, project decisions, participation answers and votes belong to the case they
# came from; a visitor reads their texts only where the case's texts are readable.


def unreadable_items(session: Session, item_ids, user=None) -> dict[int, str]:
    """Of these agenda items, those whose texts this viewer may not read, each with the title shown
    instead: exempt cases (their public title) and cases of meetings whose notice is not sent,
    of the bodies whose restricted papers the viewer does not read. Empty for those who read
    every body's; else always one query, however many rows (or none) ask."""
    bodies = restricted_bodies(user)
    if isinstance(bodies, Every):
        return {}
    ids = {i for i in item_ids if i}
    rows = session.exec(
        select(AgendaItem.id, Case.exempt, Case.public_title)
        .join(Case, AgendaItem.case_id == Case.id).join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.id.in_(ids), or_(Case.exempt, Meeting.status.not_in(PUBLISHED_STATUSES)),
               Meeting.body_id.not_in(bodies))
    )
    return {i: (shown or EXEMPT_TITLE) if exempt else UNPUBLISHED_TITLE for i, exempt, shown in rows}


class Withheld:
    """A read-only stand-in for a row, with the fields this viewer may not read replaced."""

    def __init__(self, row, **replaced):
        self.__dict__.update(_row=row, _replaced=replaced)

    def __getattr__(self, name):
        replaced = self.__dict__["_replaced"]
        return replaced[name] if name in replaced else getattr(self.__dict__["_row"], name)

    def __setattr__(self, name, value):
        raise AttributeError("a withheld row is read-only")


def public_answer(answer, unreadable: dict[int, str], decision_withheld: bool = False):
    """A participation answer without its remark when it came from (or answers) an unreadable case."""
    if not (decision_withheld or answer.source_item_id in unreadable) or not answer.remark:
        return answer
    return answer._replace(remark="") if hasattr(answer, "_replace") else Withheld(answer, remark="")


def public_decision(decision, unreadable: dict[int, str], with_answers: bool = True):
    """A project decision as this viewer may see it: one taken in an unreadable case shows only the
    case's public title, without its date text and remark; (``with_answers``) its answers without
    the remarks that came from such a case."""
    withheld = decision.agenda_item_id in unreadable
    replaced = {}
    if with_answers:
        answers = [public_answer(a, unreadable, withheld) for a in decision.answers]
        if any(a is not b for a, b in zip(answers, decision.answers)):
            replaced["answers"] = answers
    if withheld:
        replaced |= {"title": unreadable[decision.agenda_item_id], "decided_text": "", "remark": ""}
    return Withheld(decision, **replaced) if replaced else decision


def public_decisions(session: Session, decisions, answers: dict | None = None, user=None):
    """Project decisions as this viewer may see them (one query). With ``answers``, the plain answer
    rows by decision id the caller loaded instead of ``decision.answers``; returns both."""
    decisions = list(decisions)
    if reads_everything(user):
        return decisions, answers
    if answers is None:
        sources = {a.source_item_id for d in decisions for a in d.answers}
    else:
        sources = {a.source_item_id for rows in answers.values() for a in rows}
    unreadable = unreadable_items(session, {d.agenda_item_id for d in decisions} | sources, user)
    if not unreadable:
        return decisions, answers
    shown = [public_decision(d, unreadable, with_answers=answers is None) for d in decisions]
    if answers is not None:
        withheld = {d.id for d in decisions if d.agenda_item_id in unreadable}
        answers = {k: [public_answer(a, unreadable, k in withheld) for a in rows] for k, rows in answers.items()}
    return shown, answers


def not_for_this_viewer():
    """What a viewer gets for papers they may not read: visitors the log-in page, signed-in
    accounts 403 (logging in again would not help)."""
    if not is_signed_in():
        return redirect(url_for("auth.login", next=request.path))
    abort(403, "Kontoen din har ikke tilgang til utkast eller saker unntatt offentlighet i dette organet.")


def refuse_other_organisation() -> None:
    """403 for an account signed in without a role in the request's organisation (logging in again
    would not help it)."""
    if getattr(current_user, "is_authenticated", False):
        abort(403, "Kontoen din har ingen rolle i denne organisasjonen.")


def editor_required(view):
    """Only the secretary or the administrator: log-in page for visitors, 403 for other roles."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_signed_in():
            refuse_other_organisation()
            return redirect(url_for("auth.login", next=request.full_path))
        if not can_edit():
            abort(403, "Bare sekretær eller administrator kan gjøre endringer.")
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    """Only the administrator (whose role covers the whole installation): log-in page for
    visitors, 403 for every other account."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_signed_in():
            refuse_other_organisation()
            return redirect(url_for("auth.login", next=request.full_path))
        if current_user.role != UserRole.admin:
            abort(403, "Bare administratoren kan opprette og endre organisasjoner.")
        return view(*args, **kwargs)

    return wrapper


def login_required(view):
    """Any signed-in account; visitors are sent to the log-in page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_signed_in():
            refuse_other_organisation()
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper
