"""The JSON of participation: answers and decisions with their computed counts.
"""

from __future__ import annotations

from boardroom.core.labels import label
from boardroom.core.serialising import iso
from boardroom.meetings.serialisers import case_ref
from boardroom.models import Participation
from boardroom.participation.matrix import DecisionView
from boardroom.participation.status import DecisionStatus


def answer_json(answer: Participation, names: dict[int, str], refs: dict[int, dict]) -> dict:
    """``refs``: the JSON reference of each case an answer may come from, by item id."""
    return {
        "kommunenummer": None, "municipality": names.get(answer.municipality_id),
        "answer": answer.answer.value, "answer_label": label(answer.answer),
        "answered_on": iso(answer.answered_on), "source": answer.source,
        "source_case": refs.get(answer.source_item_id), "remark": answer.remark,
    }


def case_refs(items: dict, public: bool) -> dict[int, dict]:
    """``case_ref`` of each of ``items`` (by id), made once for a list of decisions that share them."""
    return {item_id: case_ref(item, public) for item_id, item in items.items()}


def decision_json(status: DecisionStatus, view: DecisionView | None = None, public: bool = True,
                  refs: dict[int, dict] | None = None, towns: dict[int, tuple[str, str]] | None = None) -> dict:
    """A decision with each member's current answer, the count, and (with ``view``) the history.
    ``public``: for a visitor, so exempt cases show only their public title. ``refs``: the
    ``case_refs`` of the view's items, and ``towns``: each municipality's (number, name) by id,
    when the caller has made them for a list of decisions."""
    decision = status.decision
    if towns is None:
        towns = {m.id: (m.number, m.name) for m in [*status.members, *(view.others if view else [])]}
    participation = []
    answers = status.answers
    for town_id in [m.id for m in status.members]:
        answer = answers.get(town_id)
        number, name = towns[town_id]
        participation.append({
            "kommunenummer": number, "name": name,
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
        refs = case_refs(view.items, public) if refs is None else refs
        result["case"] = refs.get(decision.agenda_item_id)
        names = {town_id: name for town_id, (_number, name) in towns.items()}
        result["history"] = [
            {**answer_json(a, names, refs), "kommunenummer": towns.get(a.municipality_id, (None,))[0]}
            for a in view.history
        ]
    return result


def participation_json(session, public: bool = True, asked: int | str | None = None) -> list[dict]:
    """Every project decision (or those of the year ``asked``, when there are any) with current
    answers, count and history, in a fixed number of queries."""
    from boardroom.meetings.lookup import items_by_id
    from boardroom.participation.matrix import decision_year, decision_years, fast_overview

    year = decision_year(decision_years(session), asked)
    municipalities, statuses, answers = fast_overview(session, year)
    items = items_by_id(session, [a.source_item_id for rows in answers.values() for a in rows]
                        + [s.decision.agenda_item_id for s in statuses])
    refs = case_refs(items, public)
    towns = {m.id: (m.number, m.name) for m in municipalities}
    result = []
    for status in statuses:
        member_ids = {m.id for m in status.members}
        history = sorted(answers.get(status.decision.id, []), key=lambda a: (a.answered_on, a.id), reverse=True)
        view = DecisionView(status.decision, status, history, items,
                            [m for m in municipalities if m.id not in member_ids])
        result.append({**decision_json(status, view, public, refs, towns), "project": status.decision.project.name})
    return result


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
