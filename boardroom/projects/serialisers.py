"""The JSON of projects and benefits, built from the same page data the HTML shows.
"""

from __future__ import annotations

from boardroom.core.labels import label
from boardroom.core.serialising import iso, money
from boardroom.core.vocabularies import key
from boardroom.costs.serialisers import cost_json, key_json
from boardroom.meetings.serialisers import case_ref
from boardroom.models import Benefit, Project
from boardroom.participation.serialisers import decision_json
from boardroom.projects.benefits import net
from boardroom.projects.pages import ProjectView


def benefit_json(b: Benefit, names: dict[int, str]) -> dict:
    return {
        "id": b.id, "project_id": b.project_id, "municipality": names.get(b.municipality_id),
        "kind": b.kind.value, "kind_label": "Planlagt" if b.kind.value == "planned" else "Realisert",
        "description": b.description, "period": b.period, "amount": money(b.amount), "cost": money(b.cost),
        "net": money(net(b)), "hours": None if b.hours is None else f"{b.hours:.1f}", "as_of": iso(b.as_of),
    }


def totals_json(t) -> dict:
    result = {}
    for kind in ("planned", "realised"):
        amount, cost, net_, hours = t.of(kind)
        result[kind] = {"amount_per_year": money(amount), "cost_per_year": money(cost), "net_per_year": money(net_),
                        "hours_per_year": f"{hours:.1f}"}
    return result


def project_json(view: ProjectView, public: bool = False) -> dict:
    p: Project = view.project
    return {
        "id": p.id, "name": p.name, "short_name": p.short_name, "description": {"markdown": p.description,
                                                                                 "html": p.description_html},
        "phase": key(p.phase), "phase_label": label(p.phase),
        "health": key(p.health), "health_label": label(p.health),
        "health_reason": p.health_reason, "owner": p.owner, "lead": p.lead,
        "start": iso(p.start), "planned_end": iso(p.planned_end),
        "participants": [{"kommunenummer": m.number, "name": m.name} for m in view.participants],
        "decisions": [decision_json(s) for s in view.statuses],
        "grants": [{"purpose": g.purpose, "funder": g.funder, "amount": money(g.amount), "year": g.year}
                   for g in view.grants],
        "grant_total": money(view.grant_total),
        "status_reports": [
            {"reported_on": iso(r.reported_on), "title": r.title, "text": {"markdown": r.text, "html": r.text_html},
             "phase": key(r.phase), "health": key(r.health),
             "case": case_ref(view.items.get(r.agenda_item_id), public)}
            for r in view.reports
        ],
        "cost_keys": [{**key_json(k.key), "shares_percent": [
            {"name": m.name, "percent": money(pct)} for m, pct in k.rows]} for k in view.keys],
        "costs": [cost_json(c, [t], public) for c, t in view.costs],
        "benefits": [benefit_json(b, view.names) for b in view.benefits],
        "benefit_totals": totals_json(view.totals),
    }


def benefits_json(session) -> dict:
    """Every benefit row, with yearly totals per project and per municipality."""
    from sqlmodel import select

    from boardroom.core.orgs import here
    from boardroom.models import Municipality, Project
    from boardroom.projects.pages import benefit_overview

    names = dict(session.exec(select(Municipality.id, Municipality.name).where(here(Municipality.organisation_id))).all())
    overview = benefit_overview(session)
    rows = session.exec(select(Benefit).join(Project, Benefit.project_id == Project.id)
                        .where(here(Project.organisation_id)).order_by(Benefit.project_id, Benefit.id)).all()
    return {
        "benefits": [benefit_json(b, names) for b in rows],
        "per_project": [{"project_id": p.id, "project": p.name, **totals_json(t)} for p, t in overview.projects],
        "per_municipality": [{"kommunenummer": m.number, "municipality": m.name, **totals_json(t)}
                             for m, t in overview.municipalities],
        "total": totals_json(overview.total),
    }
