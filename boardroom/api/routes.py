"""Read-only JSON: meetings, one meeting with its saksliste, projects with participation.

Every list is built in a fixed number of queries. Exempt cases show only their number,
public title and legal basis. Times are ISO 8601 with the Europe/Oslo offset.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, request
from sqlalchemy import func
from sqlalchemy.orm import joinedload
from sqlmodel import select

from boardroom.archive.versions import load_shown
from boardroom.core.access import can_see_agenda, can_see_minutes, plan_visible, plan_visible_clause
from boardroom.core.cache import cached, meeting_scopes
from boardroom.core.db import get_session
from boardroom.core.formatting import by_position
from boardroom.core.labels import label
from boardroom.core.orgs import here
from boardroom.core.serialising import iso
from boardroom.core.views import organisation_url
from boardroom.core.vocabularies import key
from boardroom.meetings.serialisers import agenda_item_json, attachment_json, attendance_json, meeting_summary
from boardroom.models import AgendaItem, Body, Meeting, Project
from boardroom.participation.matrix import fast_overview
from boardroom.participation.serialisers import decision_summary_json

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/meetings")
@cached
def meetings():
    session = get_session()
    site = organisation_url()
    shown = Meeting.body_id.in_(select(Body.id).where(here(Body.organisation_id), plan_visible_clause()))
    # the cases are counted, not read: a list over years of meetings
    counts = dict(session.exec(select(AgendaItem.meeting_id, func.count(AgendaItem.id)).join(Meeting).where(shown)
                               .group_by(AgendaItem.meeting_id)).all())
    meetings = session.exec(select(Meeting).where(shown).options(joinedload(Meeting.body))
                            .order_by(Meeting.starts_at, Meeting.id)).all()
    return [meeting_summary(m, site, counts.get(m.id, 0)) for m in meetings]


@bp.get("/meetings/<int:meeting_id>")
@cached(scopes=meeting_scopes)
def meeting(meeting_id: int):
    session = get_session()
    shown = or_404(load_shown(session, meeting_id), "Møtet finnes ikke.")
    if not plan_visible(session.get(Body, shown.meeting.body_id)):
        abort(404, "Møtet finnes ikke.")
    site = organisation_url()
    record, stored = shown.record, shown.stored  # approved minutes as stored
    found, minutes = record.meeting, record.minutes
    g.site_body = found.body  # whose restricted papers (boardroom.core.access.attachment_body)
    minutes_visible = can_see_minutes(found)
    return {
        **meeting_summary(found, site),
        "minutes_version": None if stored is None else {
            "version": stored.version, "stored_at": iso(stored.created_at), "stored_by": stored.created_by,
            "protokoll_sha256": stored.docx_sha256, "snapshot_sha256": stored.snapshot_sha256,
            "url": f"{site.rstrip('/')}/meetings/{found.id}/protokoll/v{stored.version}.docx",
        },
        "purpose": found.purpose,
        "agenda_published": can_see_agenda(found),
        "minutes_published": minutes_visible,
        "agenda": [agenda_item_json(item, site) for item in found.items] if can_see_agenda(found) else [],
        "attendance": [attendance_json(a) for a in found.attendances] if minutes_visible else [],
        "attachments": [attachment_json(a) for a in found.attachments] if can_see_agenda(found) else [],
        "minutes": {
            "members_text": minutes.members_text,
            "invited_text": minutes.invited_text,
            "present_text": ", ".join(minutes.present) if minutes_visible else "",
            "absent_text": minutes.absent_text if minutes_visible else "",
            "apologies_text": minutes.apologies_text if minutes_visible else "",
            "no_shows_text": minutes.no_shows_text if minutes_visible else "",
            "attendance_recorded": minutes.recorded,
        },
    }


@bp.get("/projects")
@cached
def projects():
    session = get_session()
    _, statuses, _ = fast_overview(session)
    by_project: dict[int, list[dict]] = {}
    for status in statuses:
        by_project.setdefault(status.decision.project_id, []).append(decision_summary_json(status))
    rows = by_position(session.exec(select(Project).where(here(Project.organisation_id))))
    return [
        {
            "id": p.id,
            "name": p.name,
            "short_name": p.short_name,
            "phase": key(p.phase),
            "phase_label": label(p.phase),
            "health": key(p.health),
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
# benefits, follow-ups and one municipality (page data from each area's pages.py, JSON from its serialisers.py)

from boardroom.core.access import reads_everything  # noqa: E402
from boardroom.core.cache import cached_daily  # noqa: E402
from boardroom.core.views import or_404  # noqa: E402
from boardroom.core.years import asked_year  # noqa: E402
from boardroom.costs.pages import cost_list, cost_versions, load_cost  # noqa: E402
from boardroom.costs.serialisers import cost_json  # noqa: E402
from boardroom.followups.followups import visible_follow_ups  # noqa: E402
from boardroom.followups.serialisers import follow_up_json  # noqa: E402
from boardroom.members.pages import (  # noqa: E402
    current_seats,
    latest_population,
    load_municipality,
    municipality_view,
    representatives,
)
from boardroom.members.serialisers import municipality_json  # noqa: E402
from boardroom.participation.answers import load_decision  # noqa: E402
from boardroom.participation.matrix import decision_view  # noqa: E402
from boardroom.participation.serialisers import decision_json, participation_json  # noqa: E402
from boardroom.projects.pages import load_project, project_view  # noqa: E402
from boardroom.projects.serialisers import benefits_json, project_json  # noqa: E402


@bp.get("/participation")
@cached
def participation():
    """Every project decision (or one year's, ``?år=2025``): each member's current answer, the
    count, and the history of answers."""
    return participation_json(get_session(), public=not reads_everything(), asked=asked_year(request.args))


@bp.get("/decisions/<int:decision_id>")
@cached
def decision(decision_id: int):
    session = get_session()
    found = or_404(load_decision(session, decision_id), "Vedtaket finnes ikke.")
    view = decision_view(session, found)
    return decision_json(view.status, view, public=not reads_everything())


@bp.get("/costs")
@cached
def costs():
    """The costs of one year (``?år=``, this year's by default; ``?år=alle`` for every year) with
    their keys and their shares as they stand today."""
    public = not reads_everything()
    listed = cost_list(get_session(), public, asked_year(request.args))
    return [cost_json(cost, [table], public) for cost, table in listed.rows]


@bp.get("/costs/<int:cost_id>")
@cached
def cost(cost_id: int):
    """One cost: today's shares and every earlier version (before each change of participants)."""
    session = get_session()
    public = not reads_everything()
    found = or_404(load_cost(session, cost_id, public), "Kostnaden finnes ikke.")
    return cost_json(found, cost_versions(session, found), public)


@bp.get("/projects/<int:project_id>")
@cached
def project(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    public = not reads_everything()
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

    public = not reads_everything()
    rows = visible_follow_ups(follow_up_rows(get_session()), public)
    return [follow_up_json(r, public) for r in rows]


@bp.get("/municipalities/<kommunenummer>")
@cached_daily
def municipality(kommunenummer: str):
    """Everything the municipality's page shows: answers, cost shares per cost and votes (of the
    year ``?år=``, as on the page), follow-ups and benefits."""

    session = get_session()
    found = or_404(load_municipality(session, kommunenummer), "Kommunen finnes ikke.")
    public = not reads_everything()
    view = municipality_view(session, found, public, asked_year(request.args),
                             person_ids=representatives(session, found.id))
    return municipality_json(found, latest_population(found), current_seats(session, found.id), view,
                                           public)
