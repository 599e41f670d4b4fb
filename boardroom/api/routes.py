"""Read-only JSON: meetings, one meeting with its saksliste, projects with participation.

Every list is built in a fixed number of queries. Exempt cases show only their number,
public title and legal basis. Times are ISO 8601 with the Europe/Oslo offset.
"""

from __future__ import annotations

from flask import Blueprint, abort
from sqlmodel import select

from boardroom.core.cache import cached
from boardroom.core.db import get_session
from boardroom.core.formatting import local, meeting_when
from boardroom.core.access import (
    EXEMPT_TITLE,
    can_see_agenda,
    can_see_case,
    can_see_minutes,
    is_signed_in,
    shown_title,
)
from boardroom.calendar.ical import load_meetings, meeting_url
from boardroom.core.labels import label
from boardroom.meetings.minutes import assemble, item_number, load_meeting
from boardroom.models import AgendaItem, Attachment, Attendance, Meeting, Project
from boardroom.participation.status import DecisionStatus, overview
from boardroom.calendar.routes import base_url

bp = Blueprint("api", __name__, url_prefix="/api")

TEXT_FIELDS = ("proposal", "decision", "discussion", "background")
MINUTES_FIELDS = ("decision", "discussion")  # published with the approved minutes


def iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def meeting_summary(meeting: Meeting, site: str) -> dict:
    url = meeting_url(meeting, site)
    return {
        "id": meeting.id,
        "body": {"id": meeting.body.id, "name": meeting.body.name, "short_name": meeting.body.short_name},
        "title": meeting.title,
        "start": local(meeting.starts_at).isoformat(),
        "end": local(meeting.ends_at).isoformat(),
        "all_day": meeting.all_day,
        "when": meeting_when(meeting),
        "place": meeting.place,
        "mode": meeting.mode.value,
        "mode_label": label(meeting.mode),
        "status": meeting.status.value,
        "status_label": label(meeting.status),
        "url": url,
        "protokoll_url": f"{url}/protokoll.docx",
        "cases": len(meeting.items),
    }


def attachment_json(attachment: Attachment) -> dict:
    if attachment.exempt and not is_signed_in():
        return {"title": EXEMPT_TITLE, "exempt": True, "exemption_basis": attachment.exemption_basis}
    return {"title": attachment.title, "filename": attachment.filename, "exempt": False}


def agenda_item_json(item: AgendaItem, site: str) -> dict:
    number = {"number": item_number(item), "number_year": item.number_year, "number_seq": item.number_seq}
    if not can_see_case(item):
        return {
            **number,
            "title": shown_title(item),
            "public_title": shown_title(item),
            "exempt": True,
            "exemption_basis": item.case.exemption_basis,
        }
    earlier = item.deferred_from
    return {
        "id": item.id,
        **number,
        "title": item.case.title,
        "exempt": item.case.exempt,
        "exemption_basis": item.case.exemption_basis,
        "kind": item.kind.value if item.kind else None,
        "kind_label": label(item.kind),
        "case_handler": item.case_handler.name if item.case_handler else None,
        "status": item.status.value,
        "status_label": label(item.status),
        **{name: {"markdown": getattr(item, name), "html": getattr(item, f"{name}_html")}
           for name in TEXT_FIELDS if can_see_minutes(item.meeting) or name not in MINUTES_FIELDS},
        "deferred_from": (
            {"id": earlier.id, "number": item_number(earlier), "meeting_id": earlier.meeting_id}
            if earlier else None
        ),
        "attachments": [attachment_json(a) for a in item.attachments],
        "url": f"{site.rstrip('/')}/cases/{item.id}",
    }


def attendance_json(att: Attendance) -> dict:
    town = att.municipality
    return {
        "name": att.person.name,
        "municipality": {"number": town.number, "name": town.name} if town else None,
        "invited": att.invited,
        "status": att.status.value,
        "status_label": label(att.status),
        "substitute_for": att.substitute_for.name if att.substitute_for else None,
    }


def decision_summary_json(status: DecisionStatus) -> dict:
    decision = status.decision
    participation = []
    for town in status.members:
        answer = status.answer_for(town)
        participation.append({
            "kommunenummer": town.number,
            "name": town.name,
            # no answer yet counts as "avklares", as in the count
            **({"answer": answer.answer.value, "answer_label": label(answer.answer)} if answer
               else {"answer": "pending", "answer_label": "Avklares"}),
            "remark": answer.remark if answer else "",
            "answered_on": iso(answer.answered_on) if answer else None,
            "source": answer.source if answer else "",
        })
    return {
        "id": decision.id,
        "title": decision.title,
        "decided_on": iso(decision.decided_on),
        "decided_text": decision.decided_text,
        "remark": decision.remark,
        "count": status.count,
        "summary": status.summary,
        "participation": participation,
    }


@bp.get("/meetings")
@cached
def meetings():
    site = base_url()
    return [meeting_summary(m, site) for m in load_meetings(get_session())]


@bp.get("/meetings/<int:meeting_id>")
@cached
def meeting(meeting_id: int):
    session = get_session()
    found = load_meeting(session, meeting_id)
    if found is None:
        abort(404, "Møtet finnes ikke.")
    site = base_url()
    minutes = assemble(session, found)
    minutes_visible = can_see_minutes(found)
    return {
        **meeting_summary(found, site),
        "purpose": found.purpose,
        "agenda_published": can_see_agenda(found),
        "minutes_published": minutes_visible,
        "agenda": [agenda_item_json(item, site) for item in found.items] if can_see_agenda(found) else [],
        "attendance": [attendance_json(a) for a in found.attendances] if minutes_visible else [],
        "attachments": [attachment_json(a) for a in found.attachments],
        "minutes": {
            "members_text": minutes.members_text,
            "invited_text": minutes.invited_text,
            "present_text": minutes.present_text if minutes_visible else "",
            "absent_text": minutes.absent_text if minutes_visible else "",
        },
    }


@bp.get("/projects")
@cached
def projects():
    session = get_session()
    _, statuses = overview(session)
    by_project: dict[int, list[dict]] = {}
    for status in statuses:
        by_project.setdefault(status.decision.project_id, []).append(decision_summary_json(status))
    rows = session.exec(select(Project).order_by(Project.position, Project.name, Project.id))
    return [
        {
            "id": p.id,
            "name": p.name,
            "short_name": p.short_name,
            "phase": p.phase.value,
            "phase_label": label(p.phase),
            "health": p.health.value if p.health else None,
            "health_label": label(p.health),
            "health_reason": p.health_reason,
            "owner": p.owner,
            "lead": p.lead,
            "start": iso(p.start),
            "planned_end": iso(p.planned_end),
            "decisions": by_project.get(p.id, []),
        }
        for p in rows
    ]


# --------------------------------------------------------------------------- participation, costs, projects,
# benefits, follow-ups and one municipality (built by boardroom.portfolio and boardroom.projects_json)

from boardroom.costs.pages import cost_list, cost_versions, load_cost  # noqa: E402
from boardroom.followups.followups import visible_follow_ups  # noqa: E402
from boardroom.meetings.lookup import published  # noqa: E402
from boardroom.members.pages import municipality_view, representatives  # noqa: E402
from boardroom.participation.matrix import decision_view  # noqa: E402
from boardroom.projects.pages import load_project, project_view  # noqa: E402
from boardroom.costs.serialisers import cost_json  # noqa: E402
from boardroom.followups.serialisers import follow_up_json  # noqa: E402
from boardroom.members.serialisers import municipality_json  # noqa: E402
from boardroom.participation.serialisers import decision_json, participation_json  # noqa: E402
from boardroom.projects.serialisers import benefits_json, project_json  # noqa: E402
from boardroom.core.access import is_signed_in as _signed_in  # noqa: E402
from boardroom.core.cache import cached_daily  # noqa: E402


@bp.get("/participation")
@cached
def participation():
    """Every project decision: each member's current answer, the count, and the history of answers."""
    return participation_json(get_session())


@bp.get("/decisions/<int:decision_id>")
@cached
def decision(decision_id: int):
    from boardroom.participation.routes import decision_or_404

    session = get_session()
    found = decision_or_404(session, decision_id)
    view = decision_view(session, found)
    return decision_json(view.status, view)


@bp.get("/costs")
@cached
def costs():
    """Every cost with its key and its shares as they stand today."""
    public = not _signed_in()
    rows, _ = cost_list(get_session(), public)
    return [cost_json(cost, [table], public) for cost, table in rows]


@bp.get("/costs/<int:cost_id>")
@cached
def cost(cost_id: int):
    """One cost: today's shares and every earlier version (before each change of participants)."""
    session = get_session()
    public = not _signed_in()
    found = load_cost(session, cost_id)
    if found is None or (public and not published(found.agenda_item)):
        abort(404, "Kostnaden finnes ikke.")
    return cost_json(found, cost_versions(session, found), public)


@bp.get("/projects/<int:project_id>")
@cached
def project(project_id: int):
    session = get_session()
    found = load_project(session, project_id)
    if found is None:
        abort(404, "Prosjektet finnes ikke.")
    public = not _signed_in()
    return project_json(project_view(session, found, public), public)


@bp.get("/benefits")
@cached
def benefits():
    return benefits_json(get_session())


@bp.get("/follow-ups")
@cached_daily
def follow_ups():
    """Every follow-up action the viewer may see (cached for the day: 'overdue' changes with the date)."""
    from boardroom.followups.followups import follow_up_rows

    public = not _signed_in()
    rows = visible_follow_ups(follow_up_rows(get_session()), public)
    return [follow_up_json(r, public) for r in rows]


@bp.get("/municipalities/<kommunenummer>")
@cached_daily
def municipality(kommunenummer: str):
    """Everything the municipality's page shows: answers, cost shares per cost, votes, follow-ups."""
    from boardroom.members.routes import current_seats, get_municipality_or_404, latest_population

    session = get_session()
    found = get_municipality_or_404(session, kommunenummer)
    public = not _signed_in()
    view = municipality_view(session, found, public, person_ids=representatives(session, found.id),
                                       every_year=True)
    return municipality_json(found, latest_population(found), current_seats(session, found.id), view,
                                           public)
