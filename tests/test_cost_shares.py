"""Cost shares of real costs: the 2026 budget with the reference's figures, participants who
join and leave (earlier versions derived from the history), bad input, the forms, the page,
the JSON, the CSV and protokoll.docx read back."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from docx import Document
from flask import render_template_string
from sqlmodel import func, select

import boardroom.models as m
from boardroom.core.inputs import InputError
from boardroom.costs.tables import CostContext, key_text, load_costs, save_cost, save_cost_key, tables_for_items
from boardroom.meetings.pages import case_page
from boardroom.participation.answers import record_answer
from tests.conftest import oslo
from tests.portfolio_helpers import (
    DAY,
    POPULATION_DAY,
    cost_key,
    count_queries,
    demo_item,
    errors_of,
    get_text,
    project_with_decision,
    section,
    text_of,
    towns,
)


def budget(session) -> m.Cost:
    return session.exec(select(m.Cost).where(m.Cost.description == "Refusjon fra kommunene 2026")).one()


# --------------------------------------------------------------------------- the reference's budget


def test_budget_2026_shares_add_up_to_the_stated_total(demo):
    cost = budget(demo)
    table = CostContext(demo, [cost]).table(cost, cost.cost_key)
    assert table.error == ""
    assert len(table.rows) == 19
    assert table.population == 83_979
    assert table.per_inhabitant == Decimal("1931517.00")  # 23 kr × 83 979
    assert table.total == Decimal("4956481.97")  # the hand-made table summed to 4 921 069,18
    shares = {town.name: share for town, share in table.rows}
    assert shares["Træna"].per_inhabitant == Decimal("10281")
    assert shares["Rana"].per_inhabitant == Decimal("595677")
    assert {s.flat for s in shares.values()} == {Decimal("159208.68"), Decimal("159208.69")}
    assert shares["Bindal"].total == Decimal("190465.69")
    # Vevelstad and Rødøy paid the same in the reference; their sizes differ, so their shares do
    assert shares["Vevelstad"].total == Decimal("170018.68") != shares["Rødøy"].total == Decimal("185681.68")
    assert key_text(cost.cost_key) == "23 kr per innbygger, resten flatt"


def test_cost_page_prints_the_reference_table(client, demo):
    cost = budget(demo)
    html = client.get(f"/costs/{cost.id}").get_data(as_text=True)
    table = section(html, "fordeling")
    assert "Kommune Antall innbyggere Fordelt etter innbyggertall Totalt pr kommune" in table
    assert "Træna 447 kr 10 281,00 kr 169 489,68" in table
    assert "Rana 25 899 kr 595 677,00 kr 754 885,68" in table
    assert table.endswith("Sum 83 979 kr 1 931 517,00 kr 4 956 481,97")
    text = text_of(html)
    assert "Fordelingsnøkkel 23 kr per innbygger, resten flatt Deles mellom alle medlemskommunene" in text
    assert "Vedtatt i Sak 40-25" in text
    assert "Tidligere fordelinger" not in text  # all members, nobody joined or left


def test_case_page_and_protokoll_show_the_budget_as_approved_with_its_slips(app, client, demo):
    """The 2026 budget keeps the rows the minutes of 16 October 2025 print; the case page flags their
    slips and shows beside them what the key gives, exact to the øre."""
    item = demo_item(demo, 40)
    page = case_page(demo, item, public=True, readable=True)  # what the case page's view loads
    with app.test_request_context():
        html = render_template_string('{% include "meetings/_case_extras.html" %}', item=page.item,
                                      cost_tables=page.cost_tables, cost_slips=page.cost_slips,
                                      follow_ups=page.follow_ups)
    text = text_of(html)
    assert "Fordeling: Refusjon fra kommunene 2026" in text
    approved, key = text.split("Det nøkkelen gir", 1)
    assert "Bindal 1 359 kr 31 257,00 kr 187 777,48" in approved
    assert "Vevelstad 470 kr 10 810,00 kr 182 993,48" in approved
    assert "Sum 83 979 kr 1 931 517,00 kr 4 921 069,18" in approved
    assert "Tabellen står slik styret vedtok den. Den har disse avvikene:" in approved
    assert "Tabellen summerer seg til kr 4 921 069,18, mens vedtatt beløp er kr 4 956 481,97 " \
           "(differanse kr 35 412,79)." in approved
    assert "Vevelstad: kr 182 993,48 følger ikke nøkkelen de andre radene følger " \
           "(156 520,48 + 23 kr × 470 = kr 167 330,48)." in approved
    assert "«Kontroll 0,04» i budsjettabellen stemmer ikke: 9 569 601,00 − 9 569 600,97 = 0,03." in approved
    assert "Sum-raden sier kr 4 921 069,18, men radene slik de står summerer seg til kr 4 921 069,12." in approved
    assert "Rødøy:" not in approved  # the other rows follow the key
    assert "Bindal 1 359 kr 31 257,00 kr 190 465,69" in key
    assert "Sum 83 979 kr 1 931 517,00 kr 4 956 481,97" in key

    meeting_id = item.meeting_id
    doc = Document(io.BytesIO(client.get(f"/meetings/{meeting_id}/protokoll.docx").data))
    tables = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == [
        "Kommune", "Antall innbyggere", "Fordelt etter innbyggertall", "Totalt pr kommune"]]
    assert len(tables) == 1  # the minutes print the approved table only, without the key's
    rows = [[c.text.replace("\xa0", " ") for c in r.cells] for r in tables[0].rows]
    assert rows[1] == ["Træna", "447", "kr 10 281,00", "kr 166 801,48"]
    assert ["Bindal", "1 359", "kr 31 257,00", "kr 187 777,48"] in rows
    assert rows[-1] == ["Sum", "83 979", "kr 1 931 517,00", "kr 4 921 069,18"]
    lead = next(p.text for p in doc.paragraphs if p.text.startswith("Fordeling av kostnader: "))
    assert "kr 4 956 481,97 fordelt mellom alle medlemskommunene" in lead.replace("\xa0", " ")
    # the table comes under its own case, after 40-25's heading and before 41-25's
    body = [p.text for p in doc.paragraphs]
    assert body.index("Sak 40-25 Budsjett 2026") < body.index(lead) < body.index("Sak 41-25 Gevinstoppfølging i prosjektene")


def test_approval_fixes_the_shares_the_key_gives(session, demo):
    """A cost decided in a case gets the key's rows stored when the minutes are approved; a later
    population change makes a new version of the cost but leaves the approved rows alone."""
    from boardroom.archive.versions import freeze

    item = demo_item(demo, 41)
    cost = m.Cost(body_id=item.body_id, description="Gevinstverktøy", year=2026, total=Decimal("2500000.00"),
                  cost_key_id=budget(demo).cost_key_id, sharing=m.CostSharing.all_members,
                  population_date=date(2025, 6, 30), agenda_item_id=item.id)
    demo.add(cost)
    demo.flush()
    for row in demo.exec(select(m.MinutesVersion)):
        demo.delete(row)
    demo.flush()
    freeze(demo, item.meeting, "sekretaer@example.org")
    demo.commit()
    rows = demo.exec(select(m.ApprovedShare).where(m.ApprovedShare.cost_id == cost.id)
                     .order_by(m.ApprovedShare.position)).all()
    assert len(rows) == 19 and sum(r.total for r in rows) == Decimal("2500000.00")
    bindal = next(r for r in rows if r.name == "Bindal")
    figure = demo.exec(select(m.PopulationFigure).where(m.PopulationFigure.municipality_id == bindal.municipality_id,
                                                        m.PopulationFigure.as_of == date(2025, 6, 30))).one()
    figure.population += 1000
    demo.commit()
    table = tables_for_items(demo, [item.id])[item.id][0]
    assert table.approved
    assert next(s.total for r, s in table.rows if r.name == "Bindal") == bindal.total  # as approved
    assert next(s.total for r, s in table.key_rows if r.name == "Bindal") != bindal.total  # the key moved on


def test_cost_keys_on_their_projects_in_the_demo(client, demo):
    keys = {k.name: k for k in demo.exec(select(m.CostKey))}
    platform, centre = keys["40/60 felles plattform"], keys["20/80 responssenter"]
    assert (platform.flat_percent, platform.per_inhabitant_percent) == (Decimal(40), Decimal(60))
    assert (centre.flat_percent, centre.per_inhabitant_percent) == (Decimal(20), Decimal(80))
    assert demo.get(m.Project, platform.project_id).name == "Felles anskaffelse velferdsteknologisk plattform med Rana"
    assert demo.get(m.Project, centre.project_id).name == "Felles responssenter"
    assert key_text(platform) == "40 % flatt, 60 % etter innbyggertall"
    html = client.get(f"/projects/{platform.project_id}").get_data(as_text=True)
    shares = section(html, "nokler")
    assert "40/60 felles plattform" in shares and "Sum 100,00 %" in shares
    # 7 participants: each carries 40 %/7 flat plus its population's part of 60 %
    assert "Rana" in shares and "Bindal" not in shares


# --------------------------------------------------------------------------- joining and leaving


@pytest.fixture
def shared_cost(session, make_meeting, make_body):
    """A 40/60 cost of 100 000 among a project's participants; Gamma joins later, Beta leaves later."""
    body = make_body()
    meeting = make_meeting(cases=1, body=body, start=oslo(2025, 3, 1, 10))
    item = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)).one()
    alfa, beta, gamma = towns(session, ["Alfa", "Beta", "Gamma"], [1000, 3000, 6000])
    project, decision = project_with_decision(session, body, [alfa, beta], [gamma])
    key = cost_key(session, body, 40, 60)
    cost = save_cost(session, None, key, body_id=body.id, description="Plattform 2026", year=2026,
                     total=Decimal("100000.00"), sharing=m.CostSharing.participants, population_date=POPULATION_DAY,
                     project_id=project.id, agenda_item_id=item.id)
    record_answer(session, decision, gamma, m.ParticipationAnswer.joins, DAY + timedelta(days=30), "e-post",
                  remark="Gamma ble med etter fristen")
    record_answer(session, decision, beta, m.ParticipationAnswer.declines, DAY + timedelta(days=60), "brev")
    session.commit()
    return cost


def test_shares_are_recomputed_and_earlier_versions_stay_visible(session, shared_cost):
    cost = load_costs(session, m.Cost.id == shared_cost.id)[0]
    versions = CostContext(session, [cost]).versions(cost, cost.cost_key, since=DAY)
    assert [t.names for t in versions] == [["Alfa", "Gamma"], ["Alfa", "Beta", "Gamma"], ["Alfa", "Beta"]]
    assert [(t.valid_from, t.valid_to) for t in versions] == [
        (DAY + timedelta(days=60), None),
        (DAY + timedelta(days=30), DAY + timedelta(days=59)),
        (DAY, DAY + timedelta(days=29)),
    ]
    assert all(t.total == Decimal("100000.00") for t in versions)
    first = {town.name: s.total for town, s in versions[-1].rows}
    # 40 % flat: 20 000 each; 60 % by population 1000:3000
    assert first == {"Alfa": Decimal("35000.00"), "Beta": Decimal("65000.00")}
    # the case's table is the one decided at the meeting
    (decided,) = tables_for_items(session, [cost.agenda_item_id])[cost.agenda_item_id]
    assert decided.names == ["Alfa", "Beta"]


def test_cost_page_shows_the_earlier_versions(client, session, shared_cost):
    html = client.get(f"/costs/{shared_cost.id}").get_data(as_text=True)
    current = section(html, "fordeling")
    assert current.startswith("Fordeling per kommune Gjelder fra 30. april 2025 · 2 kommuner")
    assert "Sum 7 000 kr 60 000,00 kr 100 000,00" in current
    earlier = section(html, "tidligere")
    assert "Gjaldt 31. mars 2025 – 29. april 2025 – 3 kommuner" in earlier
    assert "Endringen etterpå: Beta gikk ut." in earlier
    assert "Gjaldt 1. mars 2025 – 30. mars 2025 – 2 kommuner" in earlier
    assert "Endringen etterpå: Gamma ble med." in earlier
    data = client.get(f"/api/costs/{shared_cost.id}").get_json()
    assert [s["name"] for s in data["shares"]] == ["Alfa", "Gamma"]
    assert [[s["name"] for s in v["shares"]] for v in data["earlier_versions"]] == [["Alfa", "Beta", "Gamma"],
                                                                                   ["Alfa", "Beta"]]


# --------------------------------------------------------------------------- bad input


def test_bad_input_is_refused_naming_the_problem(session, make_body):
    body = make_body()
    towns(session, ["Alfa", "Beta"])
    gamma = m.Municipality(number="1899", name="Gamma")  # no population figure at all
    session.add(gamma)
    session.flush()
    key = cost_key(session, body, 100, 0)
    values = dict(body_id=body.id, description="Drift", year=2026, total=Decimal(1000),
                  sharing=m.CostSharing.all_members, population_date=POPULATION_DAY)
    with pytest.raises(InputError) as error:
        save_cost(session, None, key, **values)
    assert str(error.value) == "Det finnes ingen innbyggertall per 30. juni 2025 for Gamma."
    assert error.value.field == "population_date"
    with pytest.raises(InputError, match="Det finnes ingen innbyggertall per 30. juni 2024 for Alfa, Beta og Gamma"):
        save_cost(session, None, key, **{**values, "population_date": date(2024, 6, 30)})
    with pytest.raises(InputError, match="Beløpet kan ikke være negativt"):
        save_cost(session, None, key, **{**values, "total": Decimal(-1)})
    with pytest.raises(InputError, match="må summere til 100 %, men flat del .40 %. og del etter innbyggertall .50 %. gir 90 %"):
        save_cost_key(session, body.id, "Feil", flat_percent=Decimal(40), per_inhabitant_percent=Decimal(50))
    with pytest.raises(InputError, match="Satsen per innbygger kan ikke være negativ"):
        save_cost_key(session, body.id, "Feil", rate_per_inhabitant=Decimal(-23))
    assert session.exec(select(func.count()).select_from(m.Cost)).one() == 0
    assert session.exec(select(func.count()).select_from(m.CostKey)).one() == 1


# --------------------------------------------------------------------------- forms


@pytest.fixture
def world(session, make_body, make_meeting):
    body = make_body()
    meeting = make_meeting(cases=2, body=body, start=oslo(2025, 10, 16, 10))
    towns(session, ["Alfa", "Beta", "Gamma"])
    key = cost_key(session, body, rate=23, name="23 kr per innbygger")
    session.commit()
    return {"body": body, "meeting": meeting, "key": key}


def cost_form(key, **changes):
    data = {"description": "Refusjon 2026", "year": "2026", "total": "4 956 481,97", "cost_key": str(key.id),
            "sharing": "all_members", "project": "", "population_date": "2025-06-30", "case": "01-25"}
    data.update(changes)
    return data


def test_secretary_registers_a_cost(client, auth, session, world):
    auth.login("secretary")
    response = auth.post("/costs/new", cost_form(world["key"]))
    assert response.status_code == 302, errors_of(response.get_data(as_text=True))
    cost = session.exec(select(m.Cost)).one()
    assert (cost.total, cost.year, cost.population_date) == (Decimal("4956481.97"), 2026, POPULATION_DAY)
    assert cost.agenda_item_id == demo_case_id(session, 1)
    page = get_text(client, response.headers["Location"])
    assert "Sum 6 000 kr 138 000,00 kr 4 956 481,97" in page


def demo_case_id(session, seq):
    return session.exec(select(m.AgendaItem.id).where(m.AgendaItem.number_seq == seq)).one()


@pytest.mark.parametrize("changes, message", [
    ({"description": ""}, "Beskriv kostnaden."),
    ({"total": "-5"}, "Beløpet kan ikke være negativt."),
    ({"total": "mange penger"}, "«mange penger» er ikke et tall. Skriv for eksempel 12 500,50."),
    ({"total": "1000"}, "Satsen per innbygger gir mer enn totalbeløpet"),
    ({"year": "tjue"}, "«tjue» er ikke et årstall. Skriv for eksempel 2026."),
    ({"year": ""}, "Oppgi året kostnaden gjelder."),
    ({"cost_key": ""}, "Velg en fordelingsnøkkel."),
    ({"population_date": "2024-06-30"}, "Det finnes ingen innbyggertall per 30. juni 2024 for Alfa, Beta og Gamma."),
    ({"population_date": ""}, "Oppgi datoen innbyggertallene skal gjelde."),
    ({"sharing": "participants"}, "Velg prosjektet når kostnaden bare skal deles mellom deltakerne."),
    ({"case": "99-25"}, "Fant ingen sak med nummer «99-25»."),
])
def test_invalid_cost_is_refused_next_to_the_field(auth, session, world, changes, message):
    auth.login("secretary")
    response = auth.post("/costs/new", cost_form(world["key"], **changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert any(message in error for error in errors_of(html)), errors_of(html)
    assert 'aria-invalid="true"' in html
    assert session.exec(select(func.count()).select_from(m.Cost)).one() == 0


def test_editing_a_cost_with_bad_input_changes_nothing(auth, session, world):
    auth.login("secretary")
    assert auth.post("/costs/new", cost_form(world["key"])).status_code == 302
    cost = session.exec(select(m.Cost)).one()
    response = auth.post(f"/costs/{cost.id}/edit", cost_form(world["key"], total="100", description="Endret"))
    assert response.status_code == 400
    session.expire_all()
    assert (cost.description, cost.total) == ("Refusjon 2026", Decimal("4956481.97"))


def test_cost_key_form(auth, session, world):
    auth.login("secretary")
    ok = auth.post("/cost-keys/new", {"name": "40/60", "kind": "percent", "flat_percent": "40",
                                      "per_inhabitant_percent": "60", "project": ""})
    assert ok.status_code == 302
    bad = auth.post("/cost-keys/new", {"name": "40/50", "kind": "percent", "flat_percent": "40",
                                       "per_inhabitant_percent": "50", "project": ""})
    assert bad.status_code == 400
    assert "Fordelingsnøkkelen må summere til 100 %, men flat del (40 %) og del etter innbyggertall (50 %) gir 90 %." \
        in errors_of(bad.get_data(as_text=True))
    missing = auth.post("/cost-keys/new", {"name": "Sats", "kind": "rate", "rate_per_inhabitant": "", "project": ""})
    assert "Oppgi satsen per innbygger i kroner." in errors_of(missing.get_data(as_text=True))
    names = set(session.exec(select(m.CostKey.name)))
    assert names == {"23 kr per innbygger", "40/60"}


def test_cost_forms_need_the_secretary_and_a_csrf_token(client, auth, world):
    assert client.get("/costs/new").headers["Location"].startswith("/login")
    assert auth.post("/costs/new", cost_form(world["key"])).headers["Location"].startswith("/login")
    auth.login("reader", email="leser@example.org")
    assert client.get("/costs/new").status_code == 403
    assert auth.post("/cost-keys/new", {"name": "x"}).status_code == 403


def test_missing_csrf_token_is_refused(client, auth, session, world):
    auth.login("secretary")
    response = client.post("/costs/new", data=cost_form(world["key"]))
    assert response.status_code == 400
    assert "sikkerhetsnøkkel" in text_of(response.get_data(as_text=True))
    assert session.exec(select(func.count()).select_from(m.Cost)).one() == 0


# --------------------------------------------------------------------------- JSON, CSV, queries


def test_json_and_csv_of_the_budget(client, demo):
    cost = budget(demo)
    data = client.get(f"/api/costs/{cost.id}").get_json()
    assert (data["total"], data["sum"]["per_inhabitant"], data["sum"]["total"]) == ("4956481.97", "1931517.00", "4956481.97")
    assert sum(Decimal(s["total"]) for s in data["shares"]) == Decimal("4956481.97")
    assert data["key"]["rate_per_inhabitant"] == "23.00" and data["case"]["number"] == "40-25"
    listed = client.get("/api/costs").get_json()
    assert [c["description"] for c in listed] == ["Refusjon fra kommunene 2026"]

    response = client.get(f"/costs/{cost.id}.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Kommune", "Antall innbyggere", "Fordelt etter innbyggertall", "Flat del", "Totalt pr kommune"]
    assert rows[-1] == ["Sum", "83979", "1 931 517,00", "3 024 964,97", "4 956 481,97"]
    assert len(rows) == 21


def add_costs(session, body, key, project, n):
    for i in range(n):
        session.add(m.Cost(body_id=body.id, description=f"Kostnad {i}", year=2020 + i % 5, total=Decimal(1000 + i),
                           cost_key_id=key.id, sharing=m.CostSharing.participants, population_date=POPULATION_DAY,
                           project_id=project.id))
    session.commit()


def test_costs_are_listed_one_year_at_a_time(client, auth, session, make_body, make_meeting):
    body = make_body()
    alfa, beta = towns(session, ["Alfa", "Beta"])
    project, _ = project_with_decision(session, body, [alfa, beta])
    key = cost_key(session, body, 20, 80)
    add_costs(session, body, key, project, 10)  # two a year, 2020 to 2024
    draft = make_meeting(cases=1, body=body, start=oslo(2019, 3, 1, 10), status=m.MeetingStatus.planned)
    item = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == draft.id)).one()
    session.add(m.Cost(body_id=body.id, description="Utkast 2019", year=2019, total=Decimal(500), cost_key_id=key.id,
                       sharing=m.CostSharing.all_members, population_date=POPULATION_DAY, agenda_item_id=item.id))
    session.commit()

    html = client.get("/costs").get_data(as_text=True)  # no costs this year: the newest year's
    assert "Kostnader 2024" in text_of(html)
    assert "År: 2024 · 2023 · 2022 · 2021 · 2020 · Alle år" in section(html, "kostnader")
    assert [c["description"] for c in client.get("/api/costs").get_json()] == ["Kostnad 4", "Kostnad 9"]
    assert [c["description"] for c in client.get("/api/costs?år=2021").get_json()] == ["Kostnad 1", "Kostnad 6"]
    assert "Kostnad 6" in section(client.get("/costs?år=2021").get_data(as_text=True), "kostnader")
    assert len(client.get("/api/costs?år=alle").get_json()) == 10
    assert "10 kostnader." in section(client.get("/costs?%C3%A5r=alle").get_data(as_text=True), "kostnader")
    for odd in ("1999", "abc", "2019", "20211"):  # no such year, or not public: the default year
        assert [c["year"] for c in client.get(f"/api/costs?år={odd}").get_json()] == [2024, 2024], odd

    older = session.exec(select(m.Cost).where(m.Cost.description == "Kostnad 1")).one()
    assert '/costs?%C3%A5r=2021">Kostnader</a>' in client.get(f"/costs/{older.id}").get_data(as_text=True)
    town = client.get(f"/municipalities/{alfa.number}").get_data(as_text=True)
    assert "2024: kr" in section(town, "kostnader") and "År:" in section(town, "kostnader")
    assert "År:" not in section(town, "stemmer")  # no votes: no years to choose from

    auth.login("secretary")  # the cost of an unpublished case, and its year, only for the secretary
    assert "2020 · 2019 · Alle år" in section(client.get("/costs").get_data(as_text=True), "kostnader")
    assert [c["description"] for c in client.get("/api/costs?år=2019").get_json()] == ["Utkast 2019"]


def test_cost_pages_run_a_fixed_number_of_queries(client, session, make_body, query_counter):
    body = make_body()
    alfa, beta = towns(session, ["Alfa", "Beta"])
    project, _ = project_with_decision(session, body, [alfa, beta])
    key = cost_key(session, body, 20, 80)
    add_costs(session, body, key, project, 2)
    first_id = session.exec(select(m.Cost.id)).first()
    paths = ["/costs", f"/costs/{first_id}", f"/projects/{project.id}", "/api/costs", "/municipalities/1800"]
    few = {p: count_queries(client, query_counter, p) for p in paths}
    add_costs(session, body, key, project, 20)
    more_towns = towns(session, ["Delta", "Epsilon", "Zeta"], start=1810)
    project2, _ = project_with_decision(session, body, more_towns, name="Annet prosjekt")
    session.commit()
    many = {p: count_queries(client, query_counter, p) for p in paths}
    assert many == few
