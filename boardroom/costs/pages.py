"""What the cost pages and their JSON show: the costs with their share tables, one cost and its
earlier versions.
"""

from __future__ import annotations

from sqlmodel import Session, select

from boardroom.core.formatting import local, nb_sort_key
from boardroom.core.orgs import here
from boardroom.costs.tables import CostContext, ShareTable, load_costs
from boardroom.meetings.lookup import published
from boardroom.models import Cost, CostKey, Project


def cost_list(session: Session, public: bool) -> tuple[list[tuple[Cost, ShareTable]], list[tuple[CostKey, Project | None]]]:
    """Every cost with its shares today, and every key with the project it belongs to."""
    costs = [c for c in load_costs(session, here(Cost.organisation_id)) if not public or published(c.agenda_item)]
    context = CostContext(session, costs)
    keys = sorted(session.exec(select(CostKey, Project).outerjoin(Project, CostKey.project_id == Project.id)
                       .where(here(CostKey.organisation_id))).all(),
                  key=lambda kp: (nb_sort_key(kp[0].name), kp[0].id))
    return [(c, context.table(c, c.cost_key)) for c in costs], list(keys)


def cost_versions(session: Session, cost: Cost) -> list[ShareTable]:
    """The cost's shares now and before each change of its participants (newest first)."""
    context = CostContext(session, [cost])
    since = local(cost.agenda_item.meeting.starts_at).date() if cost.agenda_item else cost.created_at.date()
    return context.versions(cost, cost.cost_key, since)


def load_cost(session: Session, cost_id: int, public: bool = False) -> Cost | None:
    """The cost with its key, project and case; None when there is none, or when ``public`` and its
    case is not published."""
    found = next(iter(load_costs(session, Cost.id == cost_id)), None)
    return None if found is None or (public and not published(found.agenda_item)) else found
