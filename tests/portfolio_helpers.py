"""Factories for the participation, cost, benefit and follow-up tests: small worlds built
directly in the database, and the text a reader sees on a page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlmodel import select

import boardroom.models as m
from tests.test_pages import get_text, section, text_of  # noqa: F401  (re-exported for the tests)

DAY = date(2025, 3, 1)
POPULATION_DAY = date(2025, 6, 30)


def towns(session, names, populations=None, region="Nord", day=POPULATION_DAY, start=1800):
    """Municipalities with a population figure on ``day``."""
    result = []
    for i, name in enumerate(names):
        town = m.Municipality(number=f"{start + i}", name=name, region=region)
        session.add(town)
        session.flush()
        population = populations[i] if populations else 1000 * (i + 1)
        session.add(m.PopulationFigure(municipality_id=town.id, as_of=day, population=population))
        result.append(town)
    session.flush()
    return result


def project_with_decision(session, body, joined, declined=(), decided_on=DAY, name="Felles plattform", **kw):
    """A project with one decision that ``joined`` join and ``declined`` decline (answered on the decision's day)."""
    project = m.Project(body_id=body.id, name=name, **kw)
    session.add(project)
    session.flush()
    decision = m.ProjectDecision(project_id=project.id, title=name, decided_on=decided_on)
    session.add(decision)
    session.flush()
    for town, answer in [(t, m.ParticipationAnswer.joins) for t in joined] + [
            (t, m.ParticipationAnswer.declines) for t in declined]:
        session.add(m.Participation(decision_id=decision.id, municipality_id=town.id, answer=answer,
                                    answered_on=decided_on, source="vedtak"))
    session.flush()
    return project, decision


def cost_key(session, body, flat=None, per=None, rate=None, name="Nøkkel", project=None):
    key = m.CostKey(body_id=body.id, name=name, flat_percent=Decimal(flat or 0), per_inhabitant_percent=Decimal(per or 0),
                    rate_per_inhabitant=None if rate is None else Decimal(rate), project_id=project.id if project else None)
    session.add(key)
    session.flush()
    return key


def demo_item(session, seq: int) -> m.AgendaItem:
    return session.exec(select(m.AgendaItem).where(m.AgendaItem.number_seq == seq)).one()


def demo_project(session, name: str) -> m.Project:
    return session.exec(select(m.Project).where(m.Project.name == name)).one()


def town_named(session, name: str) -> m.Municipality:
    return session.exec(select(m.Municipality).where(m.Municipality.name == name)).one()


def errors_of(html: str) -> list[str]:
    """The error messages shown next to the fields."""
    return [text_of(e) for e in re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, flags=re.S)]


def count_queries(client, query_counter, path: str) -> int:
    with query_counter() as n:
        response = client.get(path)
    assert response.status_code == 200, path
    return n[0]
