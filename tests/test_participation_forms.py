"""Participation: answers recorded by the secretary with date, source and remark; the history
kept and shown; counts against the members on the decision's date; the matrix with its
filters and CSV export; permissions and bad input."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlmodel import func, select

import boardroom.models as m
from boardroom.core.inputs import InputError
from boardroom.meetings.lookup import find_item
from boardroom.participation.answers import participant_ids, record_answer
from boardroom.participation.status import decision_status
from tests.conftest import oslo
from tests.portfolio_helpers import (
    DAY,
    count_queries,
    errors_of,
    get_text,
    project_with_decision,
    section,
    text_of,
    town_named,
    towns,
)


def decision_named(session, title) -> m.ProjectDecision:
    return session.exec(select(m.ProjectDecision).where(m.ProjectDecision.title == title)).one()


# --------------------------------------------------------------------------- the reference's decisions


def test_counts_come_from_the_answers_18_of_19_and_7_of_19(demo):
    towns_ = demo.exec(select(m.Municipality)).all()
    epj = decision_status(decision_named(demo, "Felles anskaffelse EPJ helse og omsorg"), towns_)
    assert (epj.count, epj.summary) == ("18/19", "Alle unntatt: Bindal (18/19)")
    vtp = decision_status(decision_named(demo, "Felles anskaffelse Velferdsteknologisk plattform med Rana"), towns_)
    assert vtp.summary == "Kun: Brønnøy, Lurøy, Meløy, Rana, Sømna, Vega og Vevelstad (7/19)"


def test_a_late_answer_changes_the_count_and_keeps_the_history(client, demo):
    decision = decision_named(demo, "Felles anskaffelse Velferdsteknologisk plattform med Rana")
    bindal = town_named(demo, "Bindal")
    source = find_item(demo, "43-25")
    record_answer(demo, decision, bindal, m.ParticipationAnswer.joins, date(2025, 11, 3), "e-post", source,
                  "Meldte seg etter fristen")
    demo.commit()
    towns_ = demo.exec(select(m.Municipality)).all()
    demo.refresh(decision)
    assert decision_status(decision, towns_).count == "8/19"
    assert len([a for a in decision.answers if a.municipality_id == bindal.id]) == 2  # nothing overwritten
    # as of the day before, Bindal was not a participant
    assert bindal.id not in participant_ids(decision, decision.answers, towns_, date(2025, 11, 2))
    assert bindal.id in participant_ids(decision, decision.answers, towns_, date(2025, 11, 3))

    html = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    answers = section(html, "svar")
    assert answers.startswith("Svar per kommune (8/19)")
    assert ("Bindal ✓ Deltar Meldte seg etter fristen 3. november 2025, e-post, Sak 43-25 "
            "Før: Deltar ikke (1. juni 2025, vedtak)") in answers
    history = section(html, "historikk")
    assert history.startswith("Historikk 3. november 2025 – Bindal: deltar («Meldte seg etter fristen») – e-post, Sak 43-25")
    page = get_text(client, "/municipalities/1811")
    assert "Endringer: deltar ikke 1. juni 2025 → deltar 3. november 2025" in page
    data = client.get("/api/participation").get_json()
    vtp = next(d for d in data if d["id"] == decision.id)
    assert (vtp["count"], vtp["history"][0]["municipality"], vtp["history"][0]["source_case"]["number"]) == (
        "8/19", "Bindal", "43-25")


def test_a_municipality_that_was_not_a_member_cannot_answer(session, make_body):
    body = make_body()
    alfa, late = towns(session, ["Alfa", "Nykommer"])
    late.member_from = date(2025, 6, 1)
    _, decision = project_with_decision(session, body, [alfa])
    with pytest.raises(InputError) as error:
        record_answer(session, decision, late, m.ParticipationAnswer.joins, date(2025, 7, 1))
    assert str(error.value) == "Nykommer var ikke medlem da vedtaket ble gjort (1. mars 2025), og kan ikke svare på det."
    # and the count is against the members on the decision's date: 1/1, not 1/2
    assert decision_status(decision, [alfa, late]).count == "1/1"


# --------------------------------------------------------------------------- forms


@pytest.fixture
def world(session, make_body, make_meeting):
    body = make_body()
    make_meeting(cases=3, body=body, start=oslo(2025, 3, 1, 10))
    alfa, beta, gamma = towns(session, ["Alfa", "Beta", "Gamma"])
    late = towns(session, ["Nykommer"], start=1850)[0]
    late.member_from = date(2025, 6, 1)
    project, decision = project_with_decision(session, body, [alfa], [beta])
    session.commit()
    return {"decision": decision, "alfa": alfa, "beta": beta, "gamma": gamma, "late": late, "project": project}


def answer_form(town, **changes):
    data = {"municipality": str(town.id), "answer": "joins", "answered_on": "2025-04-02", "source": "e-post",
            "source_case": "02-25", "remark": "Avklart på telefon/e-post"}
    data.update(changes)
    return data


def answers_of(session, town) -> list[m.Participation]:
    return session.exec(select(m.Participation).where(m.Participation.municipality_id == town.id)
                        .order_by(m.Participation.answered_on)).all()


def test_secretary_records_an_answer(client, auth, session, world):
    auth.login("secretary")
    d = world["decision"]
    assert "Registrer ett svar" in get_text(client, f"/decisions/{d.id}")
    response = auth.post(f"/decisions/{d.id}/answers/new", answer_form(world["beta"]))
    assert response.status_code == 302
    rows = answers_of(session, world["beta"])
    assert [(r.answer, r.source, r.remark) for r in rows] == [
        (m.ParticipationAnswer.declines, "vedtak", ""),
        (m.ParticipationAnswer.joins, "e-post", "Avklart på telefon/e-post"),
    ]
    assert rows[1].source_item_id is not None
    page = get_text(client, f"/decisions/{d.id}")
    assert "Svar per kommune (2/3)" in page
    assert "Svaret fra Beta er registrert." in page


@pytest.mark.parametrize("changes, message", [
    ({"municipality": ""}, "Velg kommunen som har svart."),
    ({"answered_on": ""}, "Oppgi datoen svaret ble gitt."),
    ({"answered_on": "i går"}, "«i går» er ikke en gyldig dato. Skriv for eksempel 16.10.2025."),
    ({"source": ""}, "Oppgi hvor svaret kom fra"),
    ({"source_case": "77-25"}, "Fant ingen sak med nummer «77-25»."),
    ({"answer": "kanskje"}, "Velg et av alternativene i listen."),
    ({"municipality": "99999"}, "Velg et av alternativene i listen."),
    ({"remark": "x" * 1001}, "Merknaden kan ha høyst 1000 tegn."),
])
def test_invalid_answers_are_refused_next_to_the_field(auth, session, world, changes, message):
    auth.login("secretary")
    response = auth.post(f"/decisions/{world['decision'].id}/answers/new", answer_form(world["gamma"], **changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert any(message in e for e in errors_of(html)), errors_of(html)
    assert answers_of(session, world["gamma"]) == []


def test_answer_from_a_non_member_is_refused(auth, session, world):
    auth.login("secretary")
    response = auth.post(f"/decisions/{world['decision'].id}/answers/new", answer_form(world["late"]))
    assert response.status_code == 400
    assert ("Nykommer var ikke medlem da vedtaket ble gjort (1. mars 2025), og kan ikke svare på det."
            in errors_of(response.get_data(as_text=True)))
    assert answers_of(session, world["late"]) == []


def test_answers_for_many_municipalities_at_once(client, auth, session, world):
    auth.login("secretary")
    d = world["decision"]
    form = client.get(f"/decisions/{d.id}/answers").get_data(as_text=True)
    assert "Nykommer" not in text_of(form)  # not a member on the decision's date
    data = {"answered_on": "2025-03-20", "source": "vedtak", "source_case": "",
            f"answer_{world['gamma'].id}": "pending", f"remark_{world['gamma'].id}": "Avklares i kommunestyret",
            f"answer_{world['beta'].id}": "joins", f"answer_{world['alfa'].id}": ""}
    response = auth.post(f"/decisions/{d.id}/answers", data)
    assert response.status_code == 302
    assert [r.answer for r in answers_of(session, world["beta"])] == [m.ParticipationAnswer.declines,
                                                                    m.ParticipationAnswer.joins]
    assert [r.remark for r in answers_of(session, world["gamma"])] == ["Avklares i kommunestyret"]
    assert len(answers_of(session, world["alfa"])) == 1  # "uendret" adds nothing
    none = auth.post(f"/decisions/{d.id}/answers", {"answered_on": "2025-03-20", "source": "vedtak"})
    assert none.status_code == 400
    assert "Velg et svar for minst én kommune." in text_of(none.get_data(as_text=True))


def test_new_decision_form(client, auth, session, world):
    auth.login("secretary")
    p = world["project"]
    response = auth.post(f"/projects/{p.id}/decisions/new", {"title": "Utvidelse", "decided_on": "2025-10-16",
                                                            "decided_text": "", "case": "03-25", "remark": ""})
    assert response.status_code == 302
    decision = decision_named(session, "Utvidelse")
    assert response.headers["Location"] == f"/decisions/{decision.id}/answers"
    bad = auth.post(f"/projects/{p.id}/decisions/new", {"title": "", "decided_on": "", "case": "3-25"})
    assert bad.status_code == 400
    errors = errors_of(bad.get_data(as_text=True))
    assert "Oppgi hva vedtaket gjelder." in errors and "Oppgi datoen vedtaket ble gjort." in errors


def test_participation_forms_need_the_secretary(client, auth, world):
    d = world["decision"]
    assert client.get(f"/decisions/{d.id}/answers/new").headers["Location"].startswith("/login")
    assert auth.post(f"/decisions/{d.id}/answers", {}).headers["Location"].startswith("/login")
    auth.login("member")
    assert client.get(f"/decisions/{d.id}/answers").status_code == 403
    assert auth.post(f"/decisions/{d.id}/answers/new", answer_form(world["gamma"])).status_code == 403
    assert "Registrer ett svar" not in get_text(client, f"/decisions/{d.id}")


def test_missing_csrf_token_is_refused(client, auth, session, world):
    auth.login("secretary")
    response = client.post(f"/decisions/{world['decision'].id}/answers/new", data=answer_form(world["gamma"]))
    assert response.status_code == 400
    assert answers_of(session, world["gamma"]) == []


# --------------------------------------------------------------------------- the matrix


def test_matrix_filters_by_region_and_phase(client, demo):
    nord = get_text(client, "/participation?region=Nord-Helgeland")
    matrix = nord[nord.index("Kommune for kommune: Nord-Helgeland"):]
    assert "Rana" in matrix and "Bindal" not in matrix
    assert "I regionen Deltar" in matrix
    study = get_text(client, "/participation?fase=study")
    assert "Felles responssenter" in study and "ALL inn" not in study
    green = get_text(client, "/participation?helse=green")
    assert "Felles anskaffelse EPJ helse og omsorg" in green and "Felles responssenter" not in green
    assert "Ingen prosjektvedtak passer filteret." in get_text(client, "/participation?fase=closed")
    assert client.get("/participation?fase=ukjent").status_code == 400


def test_matrix_shows_one_year_when_asked(client, demo):
    everything = get_text(client, "/participation")  # every year by default: projects run for years
    assert "Prosjektvedtak Tema" in everything and "RPA" in everything and "ALL inn" in everything
    year = get_text(client, "/participation?år=2024")
    assert "Prosjektvedtak 2024" in year and "RPA" in year and "ALL inn" not in year
    assert "Vis alt" in year
    titles = [d["title"] for d in client.get("/api/participation?år=2024").get_json()]
    assert sorted(titles) == ["DUO arkiver automatisering av postmottak", "Felles anskaffelse EPJ helse og omsorg",
                              "RPA vedtatt pr epost"]
    assert len(client.get("/api/participation?år=2025").get_json()) == 6
    rows = list(csv.reader(io.StringIO(client.get("/participation.csv?år=2025&fase=study").get_data()
                                       .decode("utf-8-sig")), delimiter=";"))
    assert sorted(r[0] for r in rows[1:]) == ["Felles dokumentasjons- og datasenter", "Felles responssenter",
                                              "Interkommunalt samarbeid økonomi og regnskap"]
    for odd in ("1999", "alle", "tjuefemten"):  # no decisions that year, or no year: every decision
        assert len(client.get(f"/api/participation?år={odd}").get_json()) == 9, odd


def test_matrix_csv_export_reads_back(client, demo):
    response = client.get("/participation.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:5] == ["Prosjekt", "Vedtak", "Dato for vedtak", "Fase", "Helse"]
    assert header[-3:] == ["Deltar", "Kommunestatus", "Avvik / merknader"]
    assert len(header) == 5 + 19 + 3 and len(rows) == 1 + 9
    epj = rows[1]
    assert epj[:5] == ["Felles anskaffelse EPJ helse og omsorg", "Felles anskaffelse EPJ helse og omsorg",
                       "25.10.2024", "Anskaffelse", "Grønn"]
    assert epj[header.index("Bindal")] == "Deltar ikke" and epj[header.index("Rana")] == "Deltar"
    assert epj[-3:] == ["18/19", "Alle unntatt: Bindal (18/19)", "Bindal samarbeider sørover på eHelse"]
    region = list(csv.reader(io.StringIO(client.get("/participation.csv?region=Sør-Helgeland")
                                         .get_data().decode("utf-8-sig")), delimiter=";"))
    assert "Rana" not in region[0] and "Bindal" in region[0]


def test_matrix_and_decision_pages_run_a_fixed_number_of_queries(client, session, make_body, query_counter):
    body = make_body()
    first = towns(session, ["Alfa", "Beta"])
    _, decision = project_with_decision(session, body, first)
    session.commit()
    paths = ["/participation", "/participation.csv", f"/decisions/{decision.id}", "/api/participation", "/projects"]
    few = {p: count_queries(client, query_counter, p) for p in paths}
    more = towns(session, ["Gamma", "Delta", "Epsilon"], start=1810)
    for i in range(12):
        project_with_decision(session, body, first + more[: i % 3], more[i % 3:], name=f"Prosjekt {i}")
    _, busy = project_with_decision(session, body, more, name="Travelt")
    for town in more:
        record_answer(session, busy, town, m.ParticipationAnswer.declines, date(2025, 5, 1), "brev")
    session.commit()
    assert session.exec(select(func.count()).select_from(m.ProjectDecision)).one() == 14
    many = {p: count_queries(client, query_counter, p) for p in paths}
    assert many == few
    assert DAY
