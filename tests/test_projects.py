"""Projects: the page (phase, health, owner, lead, grants, participants, status history,
benefits), the create/edit forms, grants, status reports, benefits with their totals, and the
benefit CSV import and export read back."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import func, select

import boardroom.models as m
from boardroom.core.parsing import parse_amount
from boardroom.projects.benefits import CsvImportError, import_benefits, totals_by
from tests.conftest import oslo
from tests.portfolio_helpers import (
    count_queries,
    demo_project,
    errors_of,
    get_text,
    project_with_decision,
    section,
    text_of,
    towns,
)

# --------------------------------------------------------------------------- the demo's projects


def test_project_page_with_participants_grants_and_status_history(client, demo):
    epj = demo_project(demo, "Felles anskaffelse EPJ helse og omsorg")
    html = client.get(f"/projects/{epj.id}").get_data(as_text=True)
    text = text_of(html)
    assert "Fase Anskaffelse" in text
    assert "Helse Grønn Følger i hovedsak planlagt fremdrift; lav risiko" in text
    assert "Prosjekteier Daglig leder Digitale Helgeland Prosjektleder Jan Helge Ekeren (KnowIT)" in text
    assert "Bindal" not in section(html, "vedtak").split("Alle unntatt")[0]
    assert "(18)" in text  # 18 participants listed by name
    grants = section(html, "tilskudd")
    assert "Felles EPJ Helgeland Helsedirektoratet 2025 kr 1 500 000,00" in grants
    status = section(html, "status")
    assert status.startswith("Statusrapporter 16. oktober 2025: Status felles anskaffelse EPJ helse og omsorg")
    assert "Lagt fram i Sak 44-25" in status


def test_rpa_and_duo_benefit_tables_from_the_reference(demo):
    rpa, duo = demo_project(demo, "RPA"), demo_project(demo, "DUO arkiver automatisering av postmottak")
    benefits = demo.exec(select(m.Benefit)).all()
    totals = totals_by(benefits, lambda b: b.project_id)
    # RPA, realised per month: cost 168 500, net 351 881,24 a month (the sheet's rounded rows), 4 222 574,88 a year
    amount, cost, net, hours = totals[rpa.id].of("realised")
    assert cost == Decimal("168500.00") * 12
    assert net == Decimal("4222574.88")
    assert totals[rpa.id].of("planned") == (0, 0, 0, 0)
    # DUO, planned per month: cost 213 894, savings 417 000 (rows: 416 999,98), 600 hours
    amount, cost, net, hours = totals[duo.id].of("planned")
    assert (amount, cost, hours) == (Decimal("416999.98") * 12, Decimal("213894.00") * 12, Decimal("600.0") * 12)
    assert net == Decimal("203105.98") * 12
    lurøy = next(b for b in benefits if b.project_id == rpa.id and b.description.startswith("3059"))
    assert (lurøy.amount, lurøy.cost, lurøy.period) == (Decimal("177167.08"), Decimal("9000.00"), "month")


def test_benefits_pages_show_totals_per_project_and_municipality(client, demo):
    rpa = demo_project(demo, "RPA")
    page = get_text(client, f"/projects/{rpa.id}")
    assert "Lurøy Realisert 3059 håndteringer per måned måned kr 177 167,08 kr 9 000,00 kr 168 167,08" in page
    assert "Rødøy Realisert 0 håndteringer per måned måned kr 0,00 kr 7 500,00 kr -7 500,00" in page
    overview = client.get("/benefits").get_data(as_text=True)
    per_project = section(overview, "per-prosjekt")
    assert "RPA Realisert kr 6 244 574,88 kr 2 022 000,00 kr 4 222 574,88 –" in per_project
    assert ("DUO arkiver automatisering av postmottak Planlagt kr 5 003 999,76 kr 2 566 728,00 kr 2 437 271,76 "
            "7 200,0") in per_project
    per_town = section(overview, "per-kommune")
    assert per_town.index("Alstahaug") < per_town.index("Vevelstad") < per_town.index("Sum")
    bindal = get_text(client, "/municipalities/1811")
    assert "Gevinster" in bindal and "DUO arkiver automatisering av postmottak" in bindal
    data = client.get("/api/benefits").get_json()
    assert len(data["benefits"]) == 36
    rpa_json = next(p for p in data["per_project"] if p["project"] == "RPA")
    assert rpa_json["realised"]["net_per_year"] == "4222574.88"


# --------------------------------------------------------------------------- forms


@pytest.fixture
def world(session, make_body, make_meeting):
    body = make_body()
    make_meeting(cases=2, body=body, start=oslo(2025, 10, 16, 10))
    alfa, beta = towns(session, ["Alfa", "Beta"])
    project, decision = project_with_decision(session, body, [alfa, beta])
    session.commit()
    return {"body": body, "project": project, "alfa": alfa, "beta": beta}


def project_form(**changes):
    data = {"name": "Felles responssenter", "short_name": "Responssenter", "description": "Utredning av **responssenter**.",
            "phase": "study", "health": "yellow", "health_reason": "Venter på finansiering", "owner": "Styret",
            "lead": "Kari Nordmann", "start": "2025-06-12", "planned_end": "2026-06-30"}
    data.update(changes)
    return data


def test_secretary_creates_and_edits_a_project(client, auth, session, world):
    auth.login("secretary")
    response = auth.post("/projects/new", project_form())
    assert response.status_code == 302
    project = session.exec(select(m.Project).where(m.Project.name == "Felles responssenter")).one()
    assert (project.phase, project.health, project.start) == (m.ProjectPhase.study, m.Health.yellow, date(2025, 6, 12))
    assert "<strong>responssenter</strong>" in project.description_html
    page = get_text(client, f"/projects/{project.id}")
    assert "Helse Gul Venter på finansiering" in page and "Planlagt slutt 30. juni 2026" in page
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert 'value="Kari Nordmann"' in form
    edited = auth.post(f"/projects/{project.id}/edit", project_form(phase="execution", health="green", health_reason=""))
    assert edited.status_code == 302
    session.refresh(project)
    assert (project.phase, project.health) == (m.ProjectPhase.execution, m.Health.green)


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Oppgi navnet på prosjektet."),
    ({"planned_end": "2025-01-01"}, "Planlagt slutt kan ikke være før start."),
    ({"health": "red", "health_reason": ""}, "Skriv hvorfor prosjektet er gult eller rødt."),
    ({"phase": "ferdig"}, "Velg et av alternativene i listen."),
    ({"start": "32.13.2025"}, "«32.13.2025» er ikke en gyldig dato."),
    ({"lead": "x" * 201}, "Feltet kan ha høyst 200 tegn."),
])
def test_invalid_project_is_refused_next_to_the_field(auth, session, world, changes, message):
    auth.login("secretary")
    response = auth.post("/projects/new", project_form(**changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert any(message in e for e in errors_of(html)), errors_of(html)
    assert 'value="Kari Nordmann"' in html or changes.get("lead")  # what was typed is kept
    assert session.exec(select(func.count()).select_from(m.Project)).one() == 1


def test_invalid_edit_changes_nothing(auth, session, world):
    auth.login("secretary")
    project = world["project"]
    response = auth.post(f"/projects/{project.id}/edit", project_form(name="Nytt navn", planned_end="2020-01-01"))
    assert response.status_code == 400
    session.expire_all()
    assert session.get(m.Project, project.id).name == "Felles plattform"


def test_grants_and_status_reports(client, auth, session, world):
    auth.login("secretary")
    p = world["project"]
    ok = auth.post(f"/projects/{p.id}/grants/new", {"purpose": "Forprosjekt", "funder": "Statsforvalteren",
                                                   "amount": "500 000", "year": "2025"})
    assert ok.status_code == 302
    negative = auth.post(f"/projects/{p.id}/grants/new", {"purpose": "X", "funder": "Y", "amount": "-10", "year": "2025"})
    assert negative.status_code == 400
    assert "Beløpet kan ikke være negativt." in errors_of(negative.get_data(as_text=True))
    assert session.exec(select(m.Grant.amount)).all() == [Decimal("500000.00")]

    first = auth.post(f"/projects/{p.id}/status-reports/new", {
        "reported_on": "2025-10-16", "case": "01-25", "title": "Status oktober", "text": "Godt i gang.",
        "phase": "execution", "health": "green"})
    assert first.status_code == 302
    older = auth.post(f"/projects/{p.id}/status-reports/new", {
        "reported_on": "2025-06-12", "case": "", "title": "Status juni", "text": "Oppstart.", "phase": "study",
        "health": "red"})
    assert older.status_code == 302
    session.refresh(world["project"])
    # an older report goes into the history without changing the project's current phase and health
    assert (world["project"].phase, world["project"].health) == (m.ProjectPhase.execution, m.Health.green)
    html = client.get(f"/projects/{p.id}").get_data(as_text=True)
    status = section(html, "status")
    assert status.index("16. oktober 2025: Status oktober") < status.index("12. juni 2025: Status juni")
    assert "Lagt fram i Sak 01-25" in status
    assert "Kr 500 000,00".lower() in section(html, "tilskudd").lower()
    empty = auth.post(f"/projects/{p.id}/status-reports/new", {"reported_on": "2025-10-16", "text": ""})
    assert "Skriv statusen." in errors_of(empty.get_data(as_text=True))


def test_benefit_form(auth, session, world):
    auth.login("secretary")
    p = world["project"]
    ok = auth.post(f"/projects/{p.id}/benefits/new", {
        "municipality": str(world["alfa"].id), "kind": "planned", "description": "Spart tid", "amount": "12 500,50",
        "hours": "18,5", "cost": "4 000", "period": "month", "as_of": "2025-10-16"})
    assert ok.status_code == 302
    benefit = session.exec(select(m.Benefit)).one()
    assert (benefit.amount, benefit.hours, benefit.cost) == (Decimal("12500.50"), Decimal("18.5"), Decimal("4000.00"))
    for changes, message in [({"amount": "-1"}, "Gevinsten kan ikke være negativ."),
                             ({"amount": "", "hours": "", "cost": ""}, "Fyll inn gevinst i kroner, timer eller kostnad."),
                             ({"municipality": ""}, "Velg kommunen.")]:
        data = {"municipality": str(world["alfa"].id), "kind": "realised", "amount": "100", "period": "year", **changes}
        bad = auth.post(f"/projects/{p.id}/benefits/new", data)
        assert bad.status_code == 400
        assert message in errors_of(bad.get_data(as_text=True))
    assert session.exec(select(func.count()).select_from(m.Benefit)).one() == 1


def test_project_forms_need_the_secretary(client, auth, world):
    p = world["project"]
    for path in ("/projects/new", f"/projects/{p.id}/edit", f"/projects/{p.id}/grants/new",
                 f"/projects/{p.id}/benefits/import"):
        assert client.get(path).headers["Location"].startswith("/login")
    auth.login("reader")
    assert client.get("/projects/new").status_code == 403
    assert auth.post(f"/projects/{p.id}/edit", project_form()).status_code == 403
    assert "Rediger prosjektet" not in get_text(client, f"/projects/{p.id}")
    assert client.post("/projects/new", data=project_form()).status_code == 400  # no CSRF token


# --------------------------------------------------------------------------- CSV import and export


def test_benefit_csv_export_reads_back_through_the_import(client, auth, session, demo):
    rpa = demo_project(demo, "RPA")
    response = client.get(f"/projects/{rpa.id}/benefits.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Kommune", "Type", "Beskrivelse", "Gevinst (kr)", "Timer", "Kostnad (kr)", "Periode", "Dato"]
    assert rows[1] == ["Alstahaug", "realisert", "1165 håndteringer per måned", "67 472,92", "", "12 500,00", "måned",
                       "16.10.2025"]
    before = [(b.municipality_id, b.kind, b.amount, b.cost, b.period, b.description, b.as_of)
              for b in demo.exec(select(m.Benefit).where(m.Benefit.project_id == rpa.id).order_by(m.Benefit.id))]

    auth.login("secretary")
    upload = {"file": (io.BytesIO(response.get_data()), "rpa.csv"), "replace": "y"}
    imported = auth.post(f"/projects/{rpa.id}/benefits/import", upload, content_type="multipart/form-data")
    assert imported.status_code == 302
    after = [(b.municipality_id, b.kind, b.amount, b.cost, b.period, b.description, b.as_of)
             for b in demo.exec(select(m.Benefit).where(m.Benefit.project_id == rpa.id).order_by(m.Benefit.id))]
    assert after == before and len(after) == 17


def test_import_names_each_bad_row_and_saves_nothing(auth, session, world):
    csv_text = ("Kommune;Type;Beskrivelse;Gevinst (kr);Timer;Kostnad (kr);Periode;Dato\n"
                "Alfa;planlagt;Ok;1 000,00;;500;måned;16.10.2025\n"
                "Alfaa;planlagt;;100;;;måned;\n"
                "Beta;kanskje;;-100;;;uke;31.02.2025\n"
                "Beta;realisert;;mye;;;år;\n")
    with pytest.raises(CsvImportError) as error:
        import_benefits(session, world["project"], csv_text, [world["alfa"], world["beta"]])
    assert error.value.errors == [
        "Rad 3: ukjent kommune «Alfaa».",
        "Rad 4: type må være «planlagt» eller «realisert», ikke «kanskje»; periode må være «måned» eller «år», "
        "ikke «uke»; Gevinst (kr) kan ikke være negativ (-100); datoen «31.02.2025» må skrives som 16.10.2025.",
        "Rad 5: «mye» i kolonnen Gevinst (kr) er ikke et tall.",
    ]
    auth.login("secretary")
    upload = {"file": (io.BytesIO(csv_text.encode("cp1252")), "gevinster.csv")}
    response = auth.post(f"/projects/{world['project'].id}/benefits/import", upload, content_type="multipart/form-data")
    assert response.status_code == 400
    page = text_of(response.get_data(as_text=True))
    assert "Filen ble ikke lest inn. Rett radene under og prøv igjen." in page
    assert "Rad 3: ukjent kommune «Alfaa»." in page
    assert session.exec(select(func.count()).select_from(m.Benefit)).one() == 0
    no_file = auth.post(f"/projects/{world['project'].id}/benefits/import", {}, content_type="multipart/form-data")
    assert "Velg en CSV-fil." in errors_of(no_file.get_data(as_text=True))
    header = import_error(session, world, "Kommune;Beløp\nAlfa;100\n")
    assert header.startswith("Filen mangler kolonnen «Type», «Gevinst (kr)», «Kostnad (kr)» og «Periode».")


def import_error(session, world, text) -> str:
    with pytest.raises(CsvImportError) as error:
        import_benefits(session, world["project"], text, [world["alfa"]])
    return str(error.value)


@pytest.mark.parametrize("text, value", [
    ("12 500,00kr", Decimal("12500.00")), ("kr 4\u00a0956\u00a0481,97", Decimal("4956481.97")),
    ("54 972,92-kr", Decimal("-54972.92")), ("685", Decimal(685)), ("1.5", Decimal("1.5")), ("-", None), ("", None),
])
def test_amounts_as_norwegian_spreadsheets_write_them(text, value):
    assert parse_amount(text) == value


def test_project_page_queries_do_not_grow(client, session, world, query_counter):
    p = world["project"]
    paths = [f"/projects/{p.id}", f"/api/projects/{p.id}", "/benefits", f"/projects/{p.id}/benefits.csv"]
    few = {path: count_queries(client, query_counter, path) for path in paths}
    for i in range(8):
        session.add(m.Grant(body_id=world["body"].id, project_id=p.id, purpose=f"Tilskudd {i}", funder="Staten",
                            amount=Decimal(1000), year=2025))
        session.add(m.StatusReport(project_id=p.id, reported_on=date(2025, 1, 1 + i), title=f"Status {i}", text="Ok."))
        for town in (world["alfa"], world["beta"]):
            session.add(m.Benefit(project_id=p.id, municipality_id=town.id, kind=m.BenefitKind.planned,
                                  amount=Decimal(100 + i), period="year"))
    session.commit()
    assert {path: count_queries(client, query_counter, path) for path in paths} == few
