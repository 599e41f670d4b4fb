"""The JSON of costs: keys, share tables and costs.
"""

from __future__ import annotations

from boardroom.core.serialising import iso, money
from boardroom.costs.tables import ShareTable, key_text, sharing_text
from boardroom.meetings.serialisers import case_ref
from boardroom.models import Cost, CostKey


def key_json(key: CostKey) -> dict:
    result = {
        "id": key.id, "name": key.name, "text": key_text(key),
        "flat_percent": money(key.flat_percent) if key.rate_per_inhabitant is None else None,
        "per_inhabitant_percent": money(key.per_inhabitant_percent) if key.rate_per_inhabitant is None else None,
        "rate_per_inhabitant": money(key.rate_per_inhabitant), "project_id": key.project_id,
    }
    if key.ownership_percent and key.rate_per_inhabitant is None:  # a key by ownership share (eierandel)
        result["ownership_percent"] = money(key.ownership_percent)
    return result


def table_json(table: ShareTable) -> dict:
    result = {
        "valid_from": iso(table.valid_from), "valid_to": iso(table.valid_to), "error": table.error or None,
        "shares": [
            {"kommunenummer": m.number, "name": m.name, "population": s.population,
             "per_inhabitant": money(s.per_inhabitant), "flat": money(s.flat), "total": money(s.total)}
            for m, s in table.rows
        ],
        "sum": {"population": table.population, "per_inhabitant": money(table.per_inhabitant),
                "total": money(table.total)} if table.rows else None,
    }
    if table.by_ownership:  # the part by ownership share (eierandel), beside the other parts
        for row, (_, s) in zip(result["shares"], table.rows):
            row["ownership"] = money(s.ownership)
        if result["sum"]:
            result["sum"]["ownership"] = money(table.ownership)
    return result


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
