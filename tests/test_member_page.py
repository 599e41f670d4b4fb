"""A municipality's page ("Min kommune"): its answers, cost shares per year, votes, follow-ups
and benefits; public for published material; /min-kommune for a signed-in board member; the
same as JSON; a fixed number of queries however much history there is."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

import boardroom.models as m
from tests.conftest import oslo
from tests.portfolio_helpers import (
    POPULATION_DAY,
    cost_key,
    count_queries,
    get_text,
    project_with_decision,
    section,
    towns,
)


def test_bindal_sees_its_answers_and_its_share_of_the_2026_budget(client, demo):
    html = client.get("/municipalities/1811").get_data(as_text=True)
    assert section(html, "declined").startswith("Deltar ikke i (3)")
    assert section(html, "joined").startswith("Deltar i (6)")
    costs = section(html, "kostnader")
    assert costs.startswith("Kostnadsandeler 2026: kr 190 465,69")
    assert ("Refusjon fra kommunene 2026 Sak 40-25 23 kr per innbygger, resten flatt, mellom alle medlemskommunene "
            "(19 kommuner); totalt kr 4 956 481,97 1 359 kr 31 257,00 kr 190 465,69") in costs
    benefits = section(html, "gevinster")
    assert "DUO arkiver automatisering av postmottak" in benefits and "RPA" in benefits
    follow_ups = section(html, "oppfolging")
    assert "Ingen oppfølgingspunkter." in follow_ups  # the 43-25 action is Eline Monsen's, not Bindal's


def test_member_page_json(client, demo):
    data = client.get("/api/municipalities/1811").get_json()
    assert (data["kommunenummer"], data["name"], data["population"]["count"]) == ("1811", "Bindal", 1359)
    assert len(data["answers"]) == 9
    epj = next(a for a in data["answers"] if a["title"] == "Felles anskaffelse EPJ helse og omsorg")
    assert (epj["answer"], epj["remark"], epj["count"]) == ("declines", "Bindal samarbeider sørover på eHelse", "18/19")
    (year,) = data["cost_shares"]
    assert (year["year"], year["total"]) == (2026, "190465.69")
    (cost,) = year["costs"]
    assert (cost["cost_total"], cost["per_inhabitant"], cost["flat"], cost["share"]) == (
        "4956481.97", "31257.00", "159208.69", "190465.69")
    assert cost["case"]["number"] == "40-25"
    assert data["board"] == [{"name": "Knut Toresen", "role": "member", "role_label": "Styremedlem"}]
    assert {b["project"] for b in data["benefits"]} == {"RPA", "DUO arkiver automatisering av postmottak"}
    assert client.get("/api/municipalities/0000").get_json()["error"] == "Kommunen finnes ikke."


def test_min_kommune_takes_a_board_member_to_their_municipality(client, auth, demo):
    assert client.get("/min-kommune").headers["Location"].startswith("/login")
    knut = demo.exec(select(m.Person).where(m.Person.name == "Knut Toresen")).one()
    auth.login("member", email="knut@bindal.example", person_id=knut.id)
    response = client.get("/min-kommune")
    assert response.status_code == 302 and response.headers["Location"] == "/municipalities/1811"


def test_min_kommune_without_a_seat_says_so(client, auth, demo):
    auth.login("secretary")
    response = client.get("/min-kommune")
    assert response.status_code == 404
    assert "Kontoen din er ikke knyttet til en medlemskommune." in get_text(client, "/min-kommune", 404)


# --------------------------------------------------------------------------- votes and publishing


@pytest.fixture
def world(session, make_body, make_meeting):
    """Alfa voted in an approved meeting (2024), in a held meeting whose minutes are not approved (2025);
    a cost decided in the held meeting."""
    body = make_body()
    alfa, beta = towns(session, ["Alfa", "Beta"])
    approved = make_meeting(cases=1, body=body, start=oslo(2024, 10, 16, 10))
    held = make_meeting(cases=1, body=body, start=oslo(2025, 10, 16, 10), status=m.MeetingStatus.held)
    for meeting, choice in ((approved, m.VoteChoice.against), (held, m.VoteChoice.for_)):
        item = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)).one()
        event = m.VoteEvent(agenda_item_id=item.id, subject="Forslag til vedtak")
        session.add(event)
        session.flush()
        session.add(m.Vote(vote_event_id=event.id, municipality_id=alfa.id, choice=choice))
        session.add(m.Vote(vote_event_id=event.id, municipality_id=beta.id, choice=m.VoteChoice.for_))
    key = cost_key(session, body, 100, 0)
    session.add(m.Cost(body_id=body.id, description="Ukjent ennå", year=2026, total=Decimal("1000.00"),
                       cost_key_id=key.id, population_date=POPULATION_DAY, agenda_item_id=item.id))
    session.commit()
    return {"alfa": alfa}


def test_visitors_see_votes_of_approved_minutes_only(client, auth, world):
    html = client.get("/municipalities/1800").get_data(as_text=True)
    votes = section(html, "stemmer")
    assert votes.startswith("Stemmegivning 2024 Viser stemmer fra godkjente protokoller.")
    assert "16. oktober 2024 Sak 01-24 Sak nummer 1 Forslag til vedtak Mot" in votes
    assert "2025" not in votes
    assert "Ingen kostnadsandeler er publisert." in section(html, "kostnader")
    assert [v["choice"] for v in client.get("/api/municipalities/1800").get_json()["votes"]] == ["against"]
    assert client.get("/api/costs").get_json() == []

    auth.login("reader", reads_restricted=True)
    html = client.get("/municipalities/1800").get_data(as_text=True)
    votes = section(html, "stemmer")
    assert votes.startswith("Stemmegivning 2025 År: 2025 · 2024")
    assert "16. oktober 2025 protokoll ikke godkjent Sak 01-25 Sak nummer 1 Forslag til vedtak For" in votes
    older = section(client.get("/municipalities/1800?år=2024").get_data(as_text=True), "stemmer")
    assert "Mot" in older and "protokoll ikke godkjent" not in older
    assert "2026: kr 500,00" in section(html, "kostnader")


def test_member_page_queries_do_not_grow_with_history(client, session, make_body, make_meeting, query_counter):
    body = make_body()
    alfa, beta = towns(session, ["Alfa", "Beta"])
    key = cost_key(session, body, 20, 80)

    def add_year(k):
        meeting = make_meeting(cases=3, body=body, start=oslo(2020 + k, 3, 1, 10))
        project, decision = project_with_decision(session, body, [alfa, beta], name=f"Prosjekt {k}")
        for item in session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)):
            event = m.VoteEvent(agenda_item_id=item.id)
            session.add(event)
            session.flush()
            session.add(m.Vote(vote_event_id=event.id, municipality_id=alfa.id, choice=m.VoteChoice.for_))
            session.add(m.FollowUp(agenda_item_id=item.id, text=f"Punkt {item.id}", responsible_municipality_id=alfa.id,
                                   due_date=POPULATION_DAY + timedelta(days=k)))
        session.add(m.Cost(body_id=body.id, description=f"Drift {k}", year=2020 + k, total=Decimal(10000),
                           cost_key_id=key.id, sharing=m.CostSharing.participants, population_date=POPULATION_DAY,
                           project_id=project.id))
        session.add(m.Benefit(project_id=project.id, municipality_id=alfa.id, kind=m.BenefitKind.planned,
                              amount=Decimal(100), period="month"))
        session.commit()

    add_year(0)
    paths = ["/municipalities/1800", "/api/municipalities/1800"]
    few = {p: count_queries(client, query_counter, p) for p in paths}
    for k in range(1, 6):
        add_year(k)
    many = {p: count_queries(client, query_counter, p) for p in paths}
    assert many == few
    costs = section(client.get("/municipalities/1800").get_data(as_text=True), "kostnader")
    assert "2025: kr" in costs and "2020: kr" not in costs  # the newest year's shares, links to the others
    assert "År: 2025 · 2024 · 2023 · 2022 · 2021 · 2020 · Alle år" in costs
    every = section(client.get("/municipalities/1800?år=alle").get_data(as_text=True), "kostnader")
    assert "2025: kr" in every and "2020: kr" in every
    data = client.get("/api/municipalities/1800?år=2021").get_json()
    assert [y["year"] for y in data["cost_shares"]] == [2021] and data["cost_years"][:2] == [2025, 2024]
