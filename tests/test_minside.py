"""Min side: a signed-in board member's next meetings with papers and their answer (and the
report-absence action), the cases they handle or are disqualified in, their follow-ups, their
municipality's open participation answers and their calendar feed; a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

import boardroom.models as m
from boardroom.calendar.feeds import issue_token
from boardroom.members import minside
from tests.conftest import oslo
from tests.portfolio_helpers import project_with_decision, section, text_of, towns

DEMO_MEMBER = ("styremedlem@digitalehelgeland.example", "styremedlem-demo")


@pytest.fixture
def at(monkeypatch):
    """Set the clock Min side reads."""
    def set_now(moment):
        monkeypatch.setattr(minside, "now", lambda: moment)
        monkeypatch.setattr("boardroom.followups.followups.today", lambda: moment.date())
    return set_now


def log_in_demo_member(client, auth, demo):
    from boardroom.demo import load_demo_accounts

    load_demo_accounts(demo)
    demo.commit()
    email, password = DEMO_MEMBER
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": auth.token()})
    assert response.status_code == 302
    auth._token = None


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/min-side")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_account_without_a_person_gets_a_friendly_page(client, auth):
    auth.login("secretary")
    html = client.get("/min-side").get_data(as_text=True)
    text = text_of(html)
    assert "Min side er for styremedlemmer og varamedlemmer" in text
    assert "Kontoen din er ikke knyttet til en person i styret." in text
    assert '<a href="/">Til forsiden</a>' in html
    assert ">Min side</a>" not in html  # no menu link without a person


def test_knut_toresen_sees_the_2026_plan_and_reports_absence_from_min_side(client, auth, demo, at):
    at(oslo(2026, 1, 5, 9))
    log_in_demo_member(client, auth, demo)
    html = client.get("/min-side").get_data(as_text=True)
    assert '<a href="/min-side" aria-current="page">Min side</a>' in html
    assert '<a href="/municipalities" aria-current="page">' not in html
    assert "Min side Knut Toresen, Bindal" in text_of(html)
    meetings = section(html, "moter")
    assert meetings.count("Mitt svar Jeg kommer (ikke meldt forfall)") == 4
    assert "Styremøte 19.–20. januar 2026" in meetings
    assert "Styremøte 15.–16. oktober 2026" in meetings
    assert meetings.count("Innkallingen er ikke sendt ennå.") == 4
    assert "16. oktober 2025" not in meetings  # held and approved: not a next meeting
    assert "Ingen saker." in section(html, "saker")
    assert "Du har ingen oppfølgingspunkter." in section(html, "oppfolging")
    assert "Bindal har svart på alle prosjektvedtakene." in section(html, "deltakelse")
    assert "Du har ingen kalenderlenke ennå." in section(html, "kalender")
    assert 'href="/calendar#mine-moter"' in html

    january = demo.exec(select(m.Meeting).where(m.Meeting.starts_at == oslo(2026, 1, 19))).one()
    response = auth.post(f"/meetings/{january.id}/forfall", {"message": "Kommunestyremøte samme dag",
                                                             "next": "/min-side"})
    assert response.status_code == 302 and response.headers["Location"] == "/min-side"
    html = client.get("/min-side").get_data(as_text=True)
    assert "Forfallet er meldt til sekretæren." in text_of(html)
    meetings = section(html, "moter")
    assert "Mitt svar Forfall meldt: «Kommunestyremøte samme dag»" in meetings
    assert meetings.count("Jeg kommer (ikke meldt forfall)") == 3
    assert meetings.count("Meld forfall til") == 3  # not again for January

    at(oslo(2026, 12, 2, 9))  # the whole plan is behind us
    assert "Du er ikke innkalt til noen kommende møter." in section(client.get("/min-side").get_data(as_text=True), "moter")


def test_another_address_after_reporting_absence_is_ignored(client, auth, demo, at):
    at(oslo(2026, 1, 5, 9))
    log_in_demo_member(client, auth, demo)
    january = demo.exec(select(m.Meeting).where(m.Meeting.starts_at == oslo(2026, 1, 19))).one()
    response = auth.post(f"/meetings/{january.id}/forfall", {"next": "https://evil.example/"})
    assert response.headers["Location"] == f"/meetings/{january.id}"


# --------------------------------------------------------------------------- a small world


@pytest.fixture
def world(session, make_body, make_meeting):
    """Ola Nordmann holds Alfa's seat; a coming meeting with the notice sent (he handles one case, is
    disqualified in another, one is exempt), a coming one where he stands in as deputy, a recent
    and an old meeting with his cases; his follow-ups; Alfa's answers; his feed token."""
    body = make_body()
    alfa, beta = towns(session, ["Alfa", "Beta"])
    ola = m.Person(name="Ola Nordmann")
    kari = m.Person(name="Kari Hansen")
    session.add_all([ola, kari])
    session.flush()
    seat = m.Membership(body_id=body.id, person_id=kari.id, municipality_id=beta.id, role=m.MembershipRole.member)
    session.add(seat)
    session.add(m.Membership(body_id=body.id, person_id=ola.id, municipality_id=alfa.id, role=m.MembershipRole.member))
    session.flush()

    coming = make_meeting(cases=3, body=body, start=oslo(2026, 3, 12, 10), status=m.MeetingStatus.called, place="Mo i Rana")
    items = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == coming.id)
                         .order_by(m.AgendaItem.position)).all()
    items[0].case_handler_id = ola.id
    session.add(m.Disqualification(agenda_item_id=items[1].id, person_id=ola.id, reason="Styreleder i leverandøren"))
    items[2].case.exempt, items[2].case.exemption_basis = True, "Offl. § 13"
    items[2].case.title = "Personalsak"
    session.add(m.Attendance(meeting_id=coming.id, person_id=ola.id, municipality_id=alfa.id))
    session.add(m.Attendance(meeting_id=coming.id, person_id=kari.id, municipality_id=beta.id))

    as_deputy = make_meeting(cases=0, body=body, start=oslo(2026, 4, 20, 10), status=m.MeetingStatus.planned)
    session.add(m.Attendance(meeting_id=as_deputy.id, person_id=kari.id, status=m.AttendanceStatus.absent_notice))
    session.add(m.Attendance(meeting_id=as_deputy.id, person_id=ola.id, invited=True, substitute_for_id=kari.id))

    recent = make_meeting(cases=1, body=make_body("Arbeidsutvalget", short_name="AU"), start=oslo(2026, 1, 15, 10))
    old = make_meeting(cases=1, body=body, start=oslo(2025, 6, 1, 10))
    recent_item, old_item = (session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == x.id)).one()
                             for x in (recent, old))
    recent_item.case_handler_id = old_item.case_handler_id = ola.id
    recent_item.case.title, old_item.case.title = "Årsrapport 2025", "Gammel sak"
    session.add(m.Attendance(meeting_id=recent.id, person_id=ola.id, status=m.AttendanceStatus.present))

    session.add_all([
        m.FollowUp(agenda_item_id=recent_item.id, text="Sende årsrapporten til kommunene", responsible_person_id=ola.id,
                   due_date=date(2026, 2, 1)),
        m.FollowUp(agenda_item_id=recent_item.id, text="Avklare datadeling", responsible_person_id=ola.id,
                   due_date=date(2026, 6, 1)),
        m.FollowUp(agenda_item_id=old_item.id, text="Ferdig oppgave", responsible_person_id=ola.id,
                   status=m.FollowUpStatus.done),
        m.FollowUp(agenda_item_id=old_item.id, text="Karis oppgave", responsible_person_id=kari.id),
    ])

    project_with_decision(session, body, joined=[alfa, beta], name="Felles plattform")
    _, missing = project_with_decision(session, body, joined=[beta], name="Felles arkiv")
    _, pending = project_with_decision(session, body, joined=[beta], name="Responssenter")
    session.add(m.Participation(decision_id=pending.id, municipality_id=alfa.id, answer=m.ParticipationAnswer.pending,
                                answered_on=date(2025, 3, 2), source="e-post"))
    issue_token(session, person=ola, by="ola@alfa.example")
    session.commit()
    return {"ola": ola, "kari": kari, "coming": coming, "as_deputy": as_deputy, "body": body, "alfa": alfa,
            "beta": beta, "items": items}


def test_a_member_sees_meetings_cases_follow_ups_answers_and_feed(client, auth, world, at):
    at(oslo(2026, 3, 1, 12))
    auth.login("member", email="ola@alfa.example", person_id=world["ola"].id)
    html = client.get("/min-side").get_data(as_text=True)
    assert "Mine møter (2) · Mine saker (3) · Oppfølging (2 åpne) · Ubesvart deltakelse (2)" in text_of(html)

    meetings = section(html, "moter")
    assert meetings.index("12. mars 2026") < meetings.index("20. april 2026")
    coming = meetings[:meetings.index("20. april 2026")]
    assert "Sted Mo i Rana Møteform Fysisk" in coming and "Status Innkalt" in coming
    assert "Mitt svar Jeg kommer (ikke meldt forfall)" in coming
    assert "Innkalling (Word) · Saksliste og saker på møtesiden" in coming
    assert f'href="/meetings/{world["coming"].id}/innkalling.docx"' in html
    assert "Sak 01-26 Sak nummer 1 Sak 02-26 Sak nummer 2 Sak 03-26 Personalsak" in coming  # signed in: real title
    assert "Meld forfall til 12. mars 2026" in coming
    deputy = meetings[meetings.index("20. april 2026"):]
    assert "Kalt inn som vara for Kari Hansen" in deputy
    assert "Innkallingen er ikke sendt ennå." in deputy
    assert f'/meetings/{world["as_deputy"].id}/innkalling.docx' not in html

    cases = section(html, "saker")
    assert ("12. mars 2026 Kommende Sak 01-26 Sak nummer 1 Saksbehandler "
            "12. mars 2026 Kommende Sak 02-26 Sak nummer 2 Inhabil: Styreleder i leverandøren "
            "15. januar 2026 Protokoll godkjent Sak 01-26 Årsrapport 2025 Saksbehandler") in cases
    assert "Gammel sak" not in cases and "Personalsak" not in cases

    follow_ups = section(html, "oppfolging")
    assert follow_ups.startswith("Mine oppfølgingspunkter 2 åpne, 1 forfalt.")
    assert follow_ups.index("Sende årsrapporten") < follow_ups.index("Avklare datadeling") < follow_ups.index("Ferdig oppgave")
    assert "1. februar 2026 ⚠ Forfalt" in follow_ups and follow_ups.count("Forfalt") == 1
    assert "Karis oppgave" not in follow_ups

    answers = section(html, "deltakelse")
    assert answers.startswith("Ubesvart deltakelse for Alfa Alfa har ikke svart endelig på 2 prosjektvedtak:")
    assert "Felles arkiv" in answers and "Responssenter" in answers and "Felles plattform" not in answers
    assert "Avklares" in answers and "(1/2)" in answers

    feed = section(html, "kalender")
    assert "Du har en personlig kalenderlenke i bruk, laget" in feed


def test_a_reader_linked_to_a_person_sees_the_page_without_the_absence_form(client, auth, world, at):
    at(oslo(2026, 3, 1, 12))
    auth.login("reader", email="ola@alfa.example", person_id=world["ola"].id)
    html = client.get("/min-side").get_data(as_text=True)
    assert "Mitt svar Jeg kommer (ikke meldt forfall)" in section(html, "moter")
    assert "Meld forfall" not in html


def test_revoked_feed_and_cancelled_meeting(client, auth, session, world, at):
    at(oslo(2026, 3, 1, 12))
    from boardroom.calendar.feeds import revoke_tokens

    revoke_tokens(session, person=world["ola"])
    meeting = session.get(m.Meeting, world["as_deputy"].id)
    meeting.status, meeting.cancelled_reason = m.MeetingStatus.cancelled, "For få saker"
    session.commit()
    auth.login("member", email="ola@alfa.example", person_id=world["ola"].id)
    html = client.get("/min-side").get_data(as_text=True)
    assert "Du har ingen kalenderlenke ennå." in section(html, "kalender")
    meetings = section(html, "moter")
    assert "Mitt svar Møtet er avlyst: For få saker" in meetings
    assert meetings.count("Meld forfall til") == 1


def test_min_side_queries_do_not_grow_with_data(client, auth, session, world, at, query_counter, make_meeting,
                                                make_body):
    at(oslo(2026, 3, 1, 12))
    auth.login("member", email="ola@alfa.example", person_id=world["ola"].id)
    client.get("/min-side")  # warm up (the site body, the account)

    def queries() -> int:
        with query_counter() as n:
            response = client.get("/min-side")
        assert response.status_code == 200
        return n[0]

    before = queries()
    ola, body = world["ola"], world["body"]
    for i in range(4):
        meeting = make_meeting(cases=3, body=make_body(f"Utvalg {i}", short_name=f"U{i}"), start=oslo(2026, 5 + i, 10, 10),
                               status=m.MeetingStatus.called)
        items = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)).all()
        session.add(m.Attendance(meeting_id=meeting.id, person_id=ola.id, municipality_id=world["alfa"].id))
        for item in items:
            item.case_handler_id = ola.id
            session.add(m.Disqualification(agenda_item_id=item.id, person_id=ola.id, reason="Inhabil"))
            session.add(m.FollowUp(agenda_item_id=item.id, text=f"Punkt {item.id}", responsible_person_id=ola.id,
                                   due_date=date(2026, 1, 1) + timedelta(days=item.id)))
        project_with_decision(session, body, joined=[world["beta"]], name=f"Prosjekt {i}")
    session.commit()
    html = client.get("/min-side").get_data(as_text=True)
    assert "Mine møter (6) · Mine saker (15)" in text_of(html)
    assert "Ubesvart deltakelse (6)" in text_of(html)
    after = queries()
    assert after == before, (before, after)
    assert before <= 18, before  # with the account's seats, read when it is loaded, and the organisation's vocabularies
