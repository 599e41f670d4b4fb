"""Norwegian sort order (… Z Æ Ø Å, with "aa" as å) in every list, select, CSV and JSON, on SQLite
and PostgreSQL alike: names are sorted by one key in Python, never by the database's collation."""

from __future__ import annotations

import re

import pytest

import boardroom.models as m
from boardroom.core.formatting import nb_sort_key
from tests.portfolio_helpers import POPULATION_DAY, project_with_decision

NAMES = ["Åsen", "Zeta", "Aas", "Øya", "Æra"]  # stored in this (wrong) order
ORDER = ["Zeta", "Æra", "Øya", "Aas", "Åsen"]


def test_the_sort_key_puts_the_norwegian_letters_last():
    assert sorted(NAMES, key=nb_sort_key) == ORDER
    assert sorted(["Ärlig", "Ødegård", "Ære", "Ösel", "Éva", "Eva", "eva"], key=nb_sort_key) == [
        "Eva", "eva", "Éva", "Ære", "Ärlig", "Ødegård", "Ösel"]


def order_in(text: str, names=ORDER) -> list[str]:
    """The names in the order they first occur in ``text`` (each as a whole word)."""
    found = {name: re.search(rf"(?<!\w){name}(?!\w)", text) for name in names}
    missing = [name for name, hit in found.items() if hit is None]
    assert not missing, missing
    return sorted(names, key=lambda name: found[name].start())


@pytest.fixture
def named(session, make_body):
    """Members, persons (each with a seat) and projects with the five names, stored in the wrong order."""
    body = make_body()
    towns = []
    for i, name in enumerate(NAMES):
        town = m.Member(number=f"{1870 + i}", name=name)
        person = m.Person(name=name)
        session.add_all([town, person])
        session.flush()
        session.add(m.PopulationFigure(municipality_id=town.id, as_of=POPULATION_DAY, population=100 * (i + 1)))
        session.add(m.Membership(body_id=body.id, person_id=person.id, municipality_id=town.id,
                                 role=m.MembershipRole.member))
        towns.append(town)
    for name in NAMES:
        project_with_decision(session, body, towns, name=name)
    session.commit()
    return body


def test_lists_selects_csv_and_json_sort_norwegian(client, auth, session, named):
    auth.login("secretary")
    pages = {
        "persons": "/registers/persons",
        "members register": "/registers/municipalities",
        "members": "/municipalities",
        "projects": "/projects",
    }
    for what, url in pages.items():
        text = client.get(url).get_data(as_text=True)
        assert order_in(text) == ORDER, what
    # selects: the chair of a new meeting (persons), a seat's member (members), a cost's project (projects)
    for url, select_name in [("/meetings/new", "chair_id"), ("/registers/persons/1/memberships/new", "municipality_id"),
                             ("/costs/new", "project")]:
        page = client.get(url).get_data(as_text=True)
        options = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', page, re.DOTALL).group(1)
        assert order_in(options) == ORDER, url
    # the participation matrix's columns (its rows are the decisions, in the order they were made)
    matrix = client.get("/participation").get_data(as_text=True).split('id="matrise"')[1]
    assert order_in(re.search(r"<thead>(.*?)</thead>", matrix, re.DOTALL).group(1)) == ORDER
    # CSV: the participation matrix's columns; JSON: the projects
    header = client.get("/participation.csv").get_data(as_text=True).splitlines()[0]
    assert order_in(header) == ORDER
    assert [p["name"] for p in client.get("/api/projects").get_json()] == ORDER
