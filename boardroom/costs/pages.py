"""What the cost pages and their JSON show: the costs with their share tables, one cost and its
earlier versions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from boardroom.core.access import case_published_clause
from boardroom.core.formatting import local, nb_sort_key
from boardroom.core.inputs import today
from boardroom.core.orgs import here
from boardroom.core.years import chosen_year, of_year
from boardroom.costs.tables import CostContext, ShareTable, load_costs
from boardroom.meetings.lookup import published
from boardroom.models import AgendaItem, Case, Cost, CostKey, Meeting, Project


@dataclass
class CostList:
    """The costs of one year (or of every year) with their shares today, the years there are costs
    in, and every key with the project it belongs to."""

    rows: list[tuple[Cost, ShareTable]]
    years: list[int]  # newest first
    year: int | None  # None: every year
    keys: list[tuple[CostKey, Project | None]]


def cost_list(session: Session, public: bool, asked: int | str | None = None) -> CostList:
    """The costs of the year asked for (see boardroom.core.years; this year's by default) with
    their shares today, and every key; only the chosen year's shares are worked out."""
    years = years_with_costs(session, public)
    year = chosen_year(years, asked, today().year)
    costs = [c for c in load_costs(session, here(Cost.organisation_id), *of_year(Cost.year, year))
             if not public or published(c.agenda_item)]
    context = CostContext(session, costs)
    keys = sorted(session.exec(select(CostKey, Project).outerjoin(Project, CostKey.project_id == Project.id)
                       .where(here(CostKey.organisation_id))).all(),
                  key=lambda kp: (nb_sort_key(kp[0].name), kp[0].id))
    return CostList([(c, context.table(c, c.cost_key)) for c in costs], years, year, list(keys))


def years_with_costs(session: Session, public: bool) -> list[int]:
    """The years of the organisation's costs (for ``public``, of the published ones), newest first."""
    query = select(Cost.year).distinct().where(here(Cost.organisation_id))
    if public:  # as boardroom.meetings.lookup.published, in SQL
        query = (query.outerjoin(AgendaItem, Cost.agenda_item_id == AgendaItem.id)
                 .outerjoin(Meeting, AgendaItem.meeting_id == Meeting.id).outerjoin(Case, AgendaItem.case_id == Case.id)
                 .where(Cost.agenda_item_id.is_(None) | case_published_clause()))
    return sorted(session.exec(query), reverse=True)


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
