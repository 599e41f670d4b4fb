"""JSON for participation, cost shares, projects, benefits, follow-ups and one municipality.

Built from the same read models as the pages (``boardroom.portfolio``), so the JSON and
the pages say the same thing. Money is a string with two decimals ("4956481.97"), dates
ISO 8601, every enum as its value with a Norwegian ``*_label`` beside it.
"""

from __future__ import annotations

from decimal import Decimal

from boardroom.costs.tables import ShareTable, key_text, sharing_text
from boardroom.core.formatting import local
from boardroom.core.labels import label
from boardroom.meetings.minutes import item_number
from boardroom.models import Benefit, Cost, CostKey, Participation, Project
from boardroom.participation.status import DecisionStatus
from boardroom.projects.portfolio import DecisionView, MunicipalityView, ProjectView, case_title
from boardroom.projects.projects import FollowUpRow, net


def iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def case_ref(item, public: bool = False) -> dict | None:
    if item is None:
        return None
    return {"id": item.id, "number": item_number(item), "title": case_title(item, public),
            "meeting_id": item.meeting_id, "url": f"/cases/{item.id}"}


def answer_json(answer: Participation, names: dict[int, str], items: dict) -> dict:
    return {
        "kommunenummer": None, "municipality": names.get(answer.municipality_id),
        "answer": answer.answer.value, "answer_label": label(answer.answer),
        "answered_on": iso(answer.answered_on), "source": answer.source,
        "source_case": case_ref(items.get(answer.source_item_id)), "remark": answer.remark,
    }


def decision_json(status: DecisionStatus, view: DecisionView | None = None) -> dict:
    """A decision with each member's current answer, the count, and (with ``view``) the history."""
    decision = status.decision
    participation = []
    for town in status.members:
        answer = status.answer_for(town)
        participation.append({
            "kommunenummer": town.number, "name": town.name,
            "answer": answer.answer.value if answer else "pending",
            "answer_label": label(answer.answer) if answer else "Avklares",
            "remark": answer.remark if answer else "",
            "answered_on": iso(answer.answered_on) if answer else None,
            "source": answer.source if answer else "",
        })
    result = {
        "id": decision.id, "project_id": decision.project_id, "title": decision.title,
        "decided_on": iso(decision.decided_on), "decided_text": decision.decided_text, "remark": decision.remark,
        "count": status.count, "joined": len(status.joined), "members": len(status.members),
        "summary": status.summary, "participation": participation,
    }
    if view is not None:
        numbers = {m.id: m.number for m in [*status.members, *view.others]}
        result["case"] = case_ref(view.items.get(decision.agenda_item_id))
        result["history"] = [
            {**answer_json(a, view.names, view.items), "kommunenummer": numbers.get(a.municipality_id)}
            for a in view.history
        ]
    return result


def key_json(key: CostKey) -> dict:
    return {
        "id": key.id, "name": key.name, "text": key_text(key),
        "flat_percent": money(key.flat_percent) if key.rate_per_inhabitant is None else None,
        "per_inhabitant_percent": money(key.per_inhabitant_percent) if key.rate_per_inhabitant is None else None,
        "rate_per_inhabitant": money(key.rate_per_inhabitant), "project_id": key.project_id,
    }


def table_json(table: ShareTable) -> dict:
    return {
        "valid_from": iso(table.valid_from), "valid_to": iso(table.valid_to), "error": table.error or None,
        "shares": [
            {"kommunenummer": m.number, "name": m.name, "population": s.population,
             "per_inhabitant": money(s.per_inhabitant), "flat": money(s.flat), "total": money(s.total)}
            for m, s in table.rows
        ],
        "sum": {"population": table.population, "per_inhabitant": money(table.per_inhabitant),
                "total": money(table.total)} if table.rows else None,
    }


def cost_json(cost: Cost, tables: list[ShareTable], public: bool = False) -> dict:
    """A cost with its current shares, and its earlier versions when more than one table is given."""
    result = {
        "id": cost.id, "description": cost.description, "year": cost.year, "total": money(cost.total),
        "key": key_json(cost.cost_key), "sharing": cost.sharing.value, "sharing_text": sharing_text(cost, cost.project),
        "population_date": iso(cost.population_date), "case": case_ref(cost.agenda_item, public),
        "project": {"id": cost.project.id, "name": cost.project.name} if cost.project else None,
        **table_json(tables[0]),
    }
    if len(tables) > 1:
        result["earlier_versions"] = [table_json(t) for t in tables[1:]]
    return result


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


def follow_up_json(row: FollowUpRow, public: bool = False) -> dict:
    f = row.follow_up
    return {
        "id": f.id, "text": f.text, "case": case_ref(row.item, public),
        "responsible_person": row.person or None, "responsible_municipality": row.municipality or None,
        "due_date": iso(f.due_date), "status": f.status.value, "status_label": label(f.status),
        "overdue": row.overdue, "closed_by": case_ref(row.closed_by, public),
    }


def project_json(view: ProjectView, public: bool = False) -> dict:
    p: Project = view.project
    return {
        "id": p.id, "name": p.name, "short_name": p.short_name, "description": {"markdown": p.description,
                                                                                 "html": p.description_html},
        "phase": p.phase.value, "phase_label": label(p.phase),
        "health": p.health.value if p.health else None, "health_label": label(p.health),
        "health_reason": p.health_reason, "owner": p.owner, "lead": p.lead,
        "start": iso(p.start), "planned_end": iso(p.planned_end),
        "participants": [{"kommunenummer": m.number, "name": m.name} for m in view.participants],
        "decisions": [decision_json(s) for s in view.statuses],
        "grants": [{"purpose": g.purpose, "funder": g.funder, "amount": money(g.amount), "year": g.year}
                   for g in view.grants],
        "grant_total": money(view.grant_total),
        "status_reports": [
            {"reported_on": iso(r.reported_on), "title": r.title, "text": {"markdown": r.text, "html": r.text_html},
             "phase": r.phase.value if r.phase else None, "health": r.health.value if r.health else None,
             "case": case_ref(view.items.get(r.agenda_item_id), public)}
            for r in view.reports
        ],
        "cost_keys": [{**key_json(k.key), "shares_percent": [
            {"name": m.name, "percent": money(pct)} for m, pct in k.rows]} for k in view.keys],
        "costs": [cost_json(c, [t], public) for c, t in view.costs],
        "benefits": [benefit_json(b, view.names) for b in view.benefits],
        "benefit_totals": totals_json(view.totals),
    }


def municipality_json(municipality, population, seats, view: MunicipalityView, public: bool) -> dict:
    answers = []
    for key in ("joined", "declined", "pending"):
        for status, given in view.groups[key]:
            d = status.decision
            answers.append({
                "decision_id": d.id, "title": d.title, "project_id": d.project_id, "decided_on": iso(d.decided_on),
                "answer": given.answer.value if given else "pending",
                "answer_label": label(given.answer) if given else "Avklares",
                "remark": given.remark if given else "", "answered_on": iso(given.answered_on) if given else None,
                "source": given.source if given else "", "count": status.count, "summary": status.summary,
                "history": [{"answer": a.answer.value, "answered_on": iso(a.answered_on), "source": a.source,
                             "remark": a.remark} for a in view.history.get(d.id, [])],
            })
    return {
        "kommunenummer": municipality.number, "name": municipality.name, "region": municipality.region,
        "member_from": iso(municipality.member_from), "member_to": iso(municipality.member_to),
        "population": {"count": population.population, "as_of": iso(population.as_of), "source": population.source}
        if population else None,
        "board": [{"name": s.person.name, "role": s.role.value, "role_label": label(s.role)} for s in seats],
        "answers": answers,
        "cost_shares": [
            {"year": year, "total": money(total), "costs": [
                {"cost_id": r.cost.id, "description": r.cost.description, "cost_total": money(r.cost.total),
                 "key": r.key, "sharing": r.sharing, "participants": r.participants,
                 "population": r.share.population, "per_inhabitant": money(r.share.per_inhabitant),
                 "flat": money(r.share.flat), "share": money(r.share.total),
                 "case": case_ref(r.cost.agenda_item, public)} for r in rows]}
            for year, rows, total in view.cost_years
        ],
        "votes": [
            {"case": {"id": v.item_id, "number": v.number, "title": v.title, "meeting_id": v.meeting_id,
                      "url": f"/cases/{v.item_id}"},
             "meeting_date": iso(local(v.starts_at).date()), "subject": v.subject, "choice": v.choice.value,
             "choice_label": label(v.choice), "minutes_approved": v.approved}
            for v in view.all_votes
        ],
        "follow_ups": [follow_up_json(r, public) for r in view.follow_ups],
        "benefits": [{"project_id": p.id, "project": p.name, **totals_json(t)} for p, t in view.benefits],
        "benefit_totals": totals_json(view.benefit_total),
    }


# --------------------------------------------------------------------------- whole lists


def participation_json(session) -> list[dict]:
    """Every project decision with current answers, count and history, in a fixed number of queries."""
    from boardroom.projects.portfolio import fast_overview, items_by_id

    municipalities, statuses, answers = fast_overview(session)
    items = items_by_id(session, [a.source_item_id for rows in answers.values() for a in rows]
                        + [s.decision.agenda_item_id for s in statuses])
    result = []
    for status in statuses:
        member_ids = {m.id for m in status.members}
        history = sorted(answers.get(status.decision.id, []), key=lambda a: (a.answered_on, a.id), reverse=True)
        view = DecisionView(status.decision, status, history, items,
                            [m for m in municipalities if m.id not in member_ids])
        result.append({**decision_json(status, view), "project": status.decision.project.name})
    return result


def benefits_json(session) -> dict:
    """Every benefit row, with yearly totals per project and per municipality."""
    from sqlmodel import select

    from boardroom.models import Municipality
    from boardroom.projects.portfolio import benefit_overview

    names = dict(session.exec(select(Municipality.id, Municipality.name)).all())
    overview = benefit_overview(session)
    rows = session.exec(select(Benefit).order_by(Benefit.project_id, Benefit.id)).all()
    return {
        "benefits": [benefit_json(b, names) for b in rows],
        "per_project": [{"project_id": p.id, "project": p.name, **totals_json(t)} for p, t in overview.projects],
        "per_municipality": [{"kommunenummer": m.number, "municipality": m.name, **totals_json(t)}
                             for m, t in overview.municipalities],
        "total": totals_json(overview.total),
    }
