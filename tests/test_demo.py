"""The demo data: Digitale Helgeland's board and its meeting of 16 October 2025, as the minutes say."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import SQLModel, select

import boardroom.models as m
from boardroom import create_app
from boardroom.core.formatting import meeting_when, nok
from boardroom.demo import load_demo
from boardroom.meetings.minutes import assemble, item_number, load_meeting
from boardroom.participation.matrix import fast_overview


def the_meeting(session) -> m.Meeting:
    meeting = session.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.approved)).one()
    return load_meeting(session, meeting.id)


def item(session, seq: int) -> m.AgendaItem:
    return session.exec(select(m.AgendaItem).where(m.AgendaItem.number_seq == seq)).one()


def test_the_body_and_its_19_member_municipalities(demo):
    body = demo.exec(select(m.Body)).one()
    assert (body.name, body.organisation, body.short_name) == ("Styret i Digitale Helgeland", "Digitale Helgeland", "DH")
    municipalities = demo.exec(select(m.Municipality).order_by(m.Municipality.number)).all()
    assert len(municipalities) == 19
    assert (municipalities[0].number, municipalities[0].name, municipalities[0].region) == ("1811", "Bindal", "Sør-Helgeland")
    rana = demo.exec(select(m.Municipality).where(m.Municipality.number == "1833")).one()
    (figure,) = rana.populations
    assert (figure.population, figure.as_of, figure.source) == (25899, date(2025, 6, 30), "SSB, 2. kvartal 2025")
    total = demo.exec(select(func.sum(m.PopulationFigure.population))).one()
    assert total * 23 == 1_931_517  # "Fordelt etter innbyggertall", Sum


def test_twelve_cases_numbered_38_to_49_in_agenda_order(demo):
    meeting = the_meeting(demo)
    assert [item_number(i) for i in meeting.items] == [f"{n}-25" for n in range(38, 50)]
    titles = {item_number(i): i.case.title for i in meeting.items}
    assert titles["44-25"] == "Status prosjekter og vedtak"
    assert titles["45-25"] == "Møteplan for 2026"
    assert titles["47-25"] == "Orientering fra felles KDU møte i Tromsø"
    kinds = {item_number(i): i.kind for i in meeting.items}
    assert kinds["41-25"] == m.CaseKind.discussion
    assert kinds["44-25"] == m.CaseKind.information
    assert kinds["45-25"] == m.CaseKind.decision
    assert kinds["49-25"] == m.CaseKind.other_business
    handlers = {item_number(i): i.case_handler.name if i.case_handler else None for i in meeting.items}
    assert handlers["42-25"] == "Christian Lorentsen"
    assert handlers["46-25"] == "Frank Nilssen"  # "Frank Nilsen" on the agenda is the board member
    assert all(i.status == m.ItemStatus.treated for i in meeting.items)
    assert demo.exec(select(func.count()).select_from(m.Person).where(m.Person.name.like("Frank%"))).one() == 1


def test_case_texts_are_markdown_rendered_to_html(demo):
    budget = item(demo, 40)
    assert budget.decision == "Styret godkjente budsjett for 2026"
    assert budget.background_html.count("<table>") == 2
    assert "<th>Tiltak/prosjekt</th>" in budget.background_html
    assert "kr 13 200 000" in budget.background_html
    assert "Kontroll" in budget.background_html
    assert "4 921 069,18" not in budget.background  # the hand-made table that did not add up is left out
    assert "Leirfjord kommune kom med bekymring" in budget.discussion_html
    assert "<li>Lisenser (Altinn, ChatGPT" in budget.background_html

    benefits = item(demo, 41)
    assert "<td>Felles anskaffelse Velferdsteknologisk plattform med Rana</td>" in benefits.background_html
    assert benefits.background_html.count("<table>") == 8

    epj = item(demo, 43)
    assert epj.decision_html.startswith("<ol>")
    assert "Kost/nytte" in epj.assessment_html

    status = item(demo, 44)
    assert status.agenda_note_html.count("<li>") == 8
    assert "<td>Kathrine Fournaros</td>" in status.background_html


def test_attendance_as_the_minutes_print_it(demo):
    meeting = the_meeting(demo)
    view = assemble(demo, meeting)
    assert meeting_when(meeting) == "16. oktober 2025"
    assert (meeting.place, meeting.mode, meeting.status) == ("Bodø og Teams", m.MeetingMode.hybrid, m.MeetingStatus.approved)
    assert (meeting.chair.name, meeting.co_signer.name) == ("Robert Pettersen", "Renate Mathisen")
    assert view.members_text.startswith("Rachel Berg (Alstahaug), Knut Toresen (Bindal), Frank Nilssen (Brønnøy)")
    assert view.members_text.endswith("Ingebjorg Vamrak (Træna), Harald Einar Erichsen (Rødøy)")
    assert view.invited_text == (
        "Alle styremedlemmer, Hilde Rafaelsen (daglig leder, DH), Christian Lorentsen (DH), Camilla Falch (DH), "
        "Eline Monsen (interkommunal samhandlingsleder, Helsefellesskap Helgeland)"
    )
    assert view.present_text == (
        "Rachel Berg (Alstahaug), Knut Toresen (Bindal), Frank Nilssen (Brønnøy), Børge Steinmo Johnsen (Grane), "
        "Asbjørn Engum (Hattfjelldal), Lars Tore Hatten (Hemnes), Henrik Skovly (Herøy), "
        "Peter Andre Haaland (Leirfjord), Odd Steinar Viseth (Nesna), Robert Pettersen (Rana), "
        "Erlend Eriksen (Vefsn), Brit Skjevling (Vega), Renate Mathisen (Vevelstad), "
        "Atle Henriksen (Lurøy, vara for Stian Skjærvik), Arne Johansen (Meløy), Harald Einar Erichsen (Rødøy), Hilde Rafaelsen (DH), Christian Lorentsen (DH), "
        "Camilla Falch (DH), Eline Monsen (Helsefellesskap Helgeland)"
    )
    assert view.absent_text == "Dønna, Sømna og Træna"
    atle = next(a for a in meeting.attendances if a.person.name == "Atle Henriksen")
    assert atle.substitute_for.name == "Stian Skjærvik"
    stian = next(a for a in meeting.attendances if a.person.name == "Stian Skjærvik")
    assert stian.status == m.AttendanceStatus.absent_notice
    assert [a.title for a in meeting.attachments] == ["Økonomisk analyse eHelse – til deling", "Strategisk rapport eHelse"]


def test_participation_counts_as_in_the_decision_table(demo):
    _, statuses, _ = fast_overview(demo)
    assert [s.count for s in statuses] == [
        "18/19", "19/19", "18/19", "17/19", "16/19", "16/19", "16/19", "17/19", "7/19",
    ]
    summaries = [s.summary for s in statuses]
    assert summaries[0] == "Alle unntatt: Bindal (18/19)"
    assert summaries[1] == "Alle kommuner (19/19)"
    assert summaries[3] == "Alle unntatt: Meløy og Træna (17/19)"  # alphabetical, as the reference
    assert summaries[8] == "Kun: Brønnøy, Lurøy, Meløy, Rana, Sømna, Vega og Vevelstad (7/19)"

    epj, responssenter, *_, vtp = statuses
    bindal = next(mu for mu in epj.members if mu.name == "Bindal")
    assert epj.answer_for(bindal).remark == "Bindal samarbeider sørover på eHelse"
    assert {(mu.name, a.remark, a.source) for mu, a in responssenter.remarks} == {
        ("Meløy", "Avklart på tlf/epost", "telefon/e-post"),
        ("Træna", "Avklart på tlf/epost", "telefon/e-post"),
    }
    assert (vtp.decision.decided_text, vtp.decision.decided_on) == ("Kunngjort juni 2025", date(2025, 6, 1))
    assert vtp.decision.remark.startswith("Flere kommuner ønsker seg med.")
    rpa = statuses[4]
    assert rpa.decision.title == "RPA vedtatt pr epost"
    assert {a.source for a in rpa.decision.answers} == {"e-post"}


def test_projects_status_reports_and_grants(demo):
    projects = {p.name: p for p in demo.exec(select(m.Project))}
    assert len(projects) == 12
    epj = projects["Felles anskaffelse EPJ helse og omsorg"]
    assert (epj.phase, epj.health, epj.lead) == (m.ProjectPhase.procurement, m.Health.green, "Jan Helge Ekeren (KnowIT)")

    reports = {r.title: r for r in demo.exec(select(m.StatusReport))}
    assert len(reports) == 8
    connectflow = reports["Status ConnectFlow prosjekt"]
    assert connectflow.project_id == projects["ConnectFlow"].id
    assert connectflow.agenda_item_id == item(demo, 44).id
    assert connectflow.reported_on == date(2025, 10, 16)
    assert "Sikri – Skjemaadministrator" in connectflow.text_html
    assert "dokumentasjonssenter" not in connectflow.text

    grants = demo.exec(select(m.Grant).order_by(m.Grant.position)).all()
    assert sum(g.amount for g in grants) == Decimal("13200000")
    assert nok(sum(g.amount for g in grants)) == "kr 13\u00a0200\u00a0000,00"
    assert [g.purpose for g in grants if g.project_id is None] == [
        "Tilskudd NFK", "Medlemskap Træna og Rødøy", "Medlemskap Meløy",
    ]
    dho = sum(g.amount for g in grants if g.project_id == projects["Digital hjemmeoppfølging"].id)
    assert dho == Decimal("7000000")


def test_budget_cost_for_2026(demo):
    cost = demo.exec(select(m.Cost)).one()
    assert (cost.description, cost.year, cost.total) == ("Refusjon fra kommunene 2026", 2026, Decimal("4956481.97"))
    assert (cost.cost_key.name, cost.cost_key.rate_per_inhabitant) == ("23 kr per innbygger, resten flatt", Decimal("23.00"))
    assert cost.sharing == m.CostSharing.all_members
    assert cost.agenda_item_id == item(demo, 40).id


def test_meeting_plan_for_2026(demo):
    planned = demo.exec(
        select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.planned).order_by(m.Meeting.starts_at)
    ).all()
    assert [meeting_when(p) for p in planned] == [
        "19.–20. januar 2026", "20. mars 2026", "11.–12. juni 2026", "15.–16. oktober 2026",
    ]
    assert all(p.all_day for p in planned)
    assert [p.mode for p in planned] == [m.MeetingMode.physical, m.MeetingMode.digital, m.MeetingMode.physical,
                                         m.MeetingMode.physical]
    assert planned[3].place == "Bodø"
    assert planned[1].purpose == "Behandle årsrapport og regnskap for 2025"


def row_counts(session) -> dict[str, tuple]:
    """Rows and latest modification per table, where the table has a time column (and the change counter)."""
    counts = {}
    for t in SQLModel.metadata.sorted_tables:
        stamp = next((t.c[n] for n in ("modified_at", "at", "value", "created_at", "window_start") if n in t.c), None)
        columns = [func.count()] + ([func.max(stamp)] if stamp is not None else [])
        row = session.exec(select(*columns).select_from(t)).one()  # a single column comes back as a scalar
        counts[t.name] = tuple(row) if stamp is not None else (row,)
    return counts


def test_loading_twice_changes_nothing(demo):
    before = row_counts(demo)
    assert before["meeting"][0] == 5
    assert load_demo(demo) == "Digitale Helgeland er allerede lastet; ingenting ble endret."
    demo.commit()
    assert row_counts(demo) == before


def test_demo_command_on_a_fresh_database(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}", "TESTING": True})
    try:
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Lastet Digitale Helgeland: 19 kommuner, 24 personer, 12 saker, 5 møter")
        assert "sekretaer@digitalehelgeland.example  passord: sekretaer-demo" in result.output
        assert "styremedlem@digitalehelgeland.example  passord: styremedlem-demo" in result.output
        again = app.test_cli_runner().invoke(args=["demo"])
        assert again.output.startswith("Digitale Helgeland er allerede lastet; ingenting ble endret.")
    finally:
        app.extensions["boardroom.engine"].dispose()
