"""The JSON of one municipality: its seats, decisions, votes and cost shares.
"""

from __future__ import annotations

from boardroom.core.formatting import local
from boardroom.core.labels import label
from boardroom.core.serialising import iso, money
from boardroom.followups.serialisers import follow_up_json
from boardroom.meetings.serialisers import case_ref
from boardroom.members.pages import MunicipalityView
from boardroom.projects.serialisers import totals_json


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
        "cost_years": view.cost_years, "cost_year": view.cost_year,  # cost_year null: every year
        "cost_shares": [
            {"year": year, "total": money(total), "costs": [
                {"cost_id": r.cost.id, "description": r.cost.description, "cost_total": money(r.cost.total),
                 "key": r.key, "sharing": r.sharing, "participants": r.participants,
                 "population": r.share.population, "per_inhabitant": money(r.share.per_inhabitant),
                 "flat": money(r.share.flat), "share": money(r.share.total),
                 "case": case_ref(r.cost.agenda_item, public)} for r in rows]}
            for year, rows, total in view.shares
        ],
        "vote_years": view.vote_years, "vote_year": view.vote_year,
        "votes": [
            {"case": {"id": v.item_id, "number": v.number, "title": v.title, "meeting_id": v.meeting_id,
                      "url": f"/cases/{v.item_id}"},
             "meeting_date": iso(local(v.starts_at).date()), "subject": v.subject, "choice": v.choice.value,
             "choice_label": label(v.choice), "minutes_approved": v.approved}
            for v in view.votes
        ],
        "follow_ups": [follow_up_json(r, public) for r in view.follow_ups],
        "benefits": [{"project_id": p.id, "project": p.name, **totals_json(t)} for p, t in view.benefits],
        "benefit_totals": totals_json(view.benefit_total),
    }
