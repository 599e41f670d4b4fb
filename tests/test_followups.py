"""Follow-up actions: created from a case, responsible person or municipality, due date,
status, overdue marked, listed for the next meeting as "Oppfølging av tidligere vedtak"
(a section and an information case), closed by a later case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import render_template_string
from sqlmodel import func, select

import boardroom.models as m
from boardroom.followups.followups import FOLLOW_UP_CASE_TITLE, follow_up_rows, is_overdue, open_follow_ups_for
from boardroom.meetings.pages import meeting_page
from tests.conftest import oslo
from tests.portfolio_helpers import demo_item, errors_of, get_text, section, text_of, towns


def planned_meetings(session):
    return session.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.planned)
                        .order_by(m.Meeting.starts_at)).all()


# --------------------------------------------------------------------------- the demo's follow-up of 43-25


def test_written_answers_due_14_days_after_17_october(demo):
    (follow_up,) = demo.exec(select(m.FollowUp)).all()
    assert follow_up.due_date == date(2025, 10, 17) + timedelta(days=14) == date(2025, 10, 31)
    assert follow_up.agenda_item_id == demo_item(demo, 43).id
    assert demo.get(m.Person, follow_up.responsible_person_id).name == "Eline Monsen"
    assert follow_up.status == m.FollowUpStatus.open
    assert not is_overdue(follow_up, date(2025, 10, 31)) and is_overdue(follow_up, date(2025, 11, 1))


def test_open_actions_are_listed_for_the_next_meeting(app, demo, auth):
    next_meeting = planned_meetings(demo)[0]
    (row,) = open_follow_ups_for(demo, next_meeting)
    assert (row.responsible, row.item.id) == ("Eline Monsen", demo_item(demo, 43).id)
    held = demo_item(demo, 43).meeting
    assert open_follow_ups_for(demo, held) == []  # not from an earlier meeting
    with app.test_request_context():  # what the meeting page's view loads for a visitor
        html = render_template_string('{% include "followups/_meeting_follow_ups.html" %}', meeting=next_meeting,
                                      follow_ups=meeting_page(demo, next_meeting, public=True).follow_ups)
    text = text_of(html)
    assert text.startswith("Oppfølging av tidligere vedtak Fra sak Oppfølgingspunkt Ansvarlig Frist Status")
    assert "Sak 43-25 16. oktober 2025 Kommuner som ønsker å være med på felles anskaffelse av EPJ legesenter" in text
    assert "Eline Monsen 31. oktober 2025 ⚠ Forfalt Åpen" in text
    assert "Legg på sakslisten" not in text  # visitors get no buttons
    with app.test_request_context():
        assert render_template_string('{% include "followups/_meeting_follow_ups.html" %}', meeting=held,
                                      follow_ups=meeting_page(demo, held, public=True).follow_ups).strip() == ""


def test_open_actions_become_an_information_case_on_the_next_agenda(client, auth, demo):
    next_meeting = planned_meetings(demo)[0]
    auth.login("secretary")
    confirm = get_text(client, f"/meetings/{next_meeting.id}/follow-up-case")
    assert "Oppfølgingspunkter (1)" in confirm
    response = auth.post(f"/meetings/{next_meeting.id}/follow-up-case")
    assert response.status_code == 302
    item = demo.exec(select(m.AgendaItem).join(m.Case).where(m.Case.title == FOLLOW_UP_CASE_TITLE)).one()
    assert (item.meeting_id, item.kind) == (next_meeting.id, m.CaseKind.information)
    assert "<td>43-25</td>" in item.background_html and "31. oktober 2025" in item.background_html
    again = auth.post(f"/meetings/{next_meeting.id}/follow-up-case")
    assert again.status_code == 400
    assert "står allerede på sakslisten" in text_of(again.get_data(as_text=True))
    assert demo.exec(select(func.count()).select_from(m.Case).where(m.Case.title == FOLLOW_UP_CASE_TITLE)).one() == 1


def test_follow_up_list_and_json(client, demo):
    page = client.get("/follow-ups").get_data(as_text=True)
    text = text_of(page)
    assert "1 forfalt." in text
    assert "Sak 43-25 16. oktober 2025 Kommuner som ønsker" in text and "⚠ Forfalt" in text
    done = get_text(client, "/follow-ups?status=done")
    assert "Ingen oppfølgingspunkter." in done
    assert "1 forfalt." in done  # the lead counts the open ones whatever the list shows
    assert client.get("/follow-ups?status=tull").status_code == 400
    (data,) = client.get("/api/follow-ups").get_json()
    assert (data["due_date"], data["overdue"], data["status_label"], data["case"]["number"]) == (
        "2025-10-31", True, "Åpen", "43-25")
    assert data["responsible_person"] == "Eline Monsen"


# --------------------------------------------------------------------------- forms


@pytest.fixture
def world(session, make_body, make_meeting):
    body = make_body()
    first = make_meeting(cases=2, body=body, start=oslo(2025, 10, 16, 10), status=m.MeetingStatus.approved)
    later = make_meeting(cases=2, body=body, start=oslo(2026, 1, 19, 10), status=m.MeetingStatus.planned)
    (alfa,) = towns(session, ["Alfa"])
    person = session.exec(select(m.Person)).first()
    session.add(m.Membership(body_id=body.id, person_id=person.id, municipality_id=alfa.id,
                             role=m.MembershipRole.member))
    session.commit()
    items = {f"0{i.number_seq}-{i.number_year % 100}": i for i in session.exec(select(m.AgendaItem))}
    return {"body": body, "first": first, "later": later, "alfa": alfa, "person": person, "items": items}


def follow_up_form(world, **changes):
    data = {"text": "Sende skriftlig tilbakemelding", "responsible_person": "",
            "responsible_municipality": str(world["alfa"].id), "due_date": "2025-10-31", "status": "open"}
    data.update(changes)
    return data


def test_secretary_creates_and_closes_an_action(client, auth, session, world):
    auth.login("secretary")
    origin = world["items"]["01-25"]
    case_page = get_text(client, f"/cases/{origin.id}/follow-ups/new")
    assert "Nytt oppfølgingspunkt fra sak 01-25" in case_page
    response = auth.post(f"/cases/{origin.id}/follow-ups/new", follow_up_form(world))
    assert response.status_code == 302
    follow_up = session.exec(select(m.FollowUp)).one()
    assert (follow_up.responsible_municipality_id, follow_up.due_date) == (world["alfa"].id, date(2025, 10, 31))

    (row,) = open_follow_ups_for(session, world["later"])
    assert row.municipality == "Alfa"
    same_meeting = auth.post(f"/follow-ups/{follow_up.id}/edit", follow_up_form(world, status="in_progress",
                                                                              closed_by="02-25"))
    assert same_meeting.status_code == 400
    assert ("Saken som lukker punktet, må være behandlet i et senere møte enn sak 01-25 (16. oktober 2025)."
            in errors_of(same_meeting.get_data(as_text=True)))
    closed = auth.post(f"/follow-ups/{follow_up.id}/edit", follow_up_form(world, status="in_progress",
                                                                         closed_by="01-26"))
    assert closed.status_code == 302
    session.refresh(follow_up)
    assert (follow_up.status, follow_up.closed_by_item_id) == (m.FollowUpStatus.done, world["items"]["01-26"].id)
    # shown at the meeting that closes it, no longer open after it
    (row,) = open_follow_ups_for(session, world["later"])
    assert row.closed_by.id == world["items"]["01-26"].id
    assert "Ingen oppfølgingspunkter er åpne." in get_text(client, "/follow-ups")
    assert "Ferdig Lukket i Sak 01-26" in get_text(client, "/follow-ups?status=done")
    audit = session.exec(select(m.AuditEntry).where(m.AuditEntry.table_name == "followup",
                                                     m.AuditEntry.field == "status")).all()
    assert [(a.before, a.after, a.user) for a in audit] == [("open", "done", "secretary@example.org")]


@pytest.mark.parametrize("changes, message", [
    ({"text": ""}, "Skriv hva som skal følges opp."),
    ({"responsible_municipality": ""}, "Velg en ansvarlig person eller kommune."),
    ({"due_date": "31.10"}, "«31.10» er ikke en gyldig dato."),
    ({"status": "kanskje"}, "Velg et av alternativene i listen."),
])
def test_invalid_action_is_refused_next_to_the_field(auth, session, world, changes, message):
    auth.login("secretary")
    response = auth.post(f"/cases/{world['items']['01-25'].id}/follow-ups/new", follow_up_form(world, **changes))
    assert response.status_code == 400
    assert message in " ".join(errors_of(response.get_data(as_text=True)))
    assert session.exec(select(func.count()).select_from(m.FollowUp)).one() == 0


def test_follow_up_forms_need_the_secretary(client, auth, world):
    path = f"/cases/{world['items']['01-25'].id}/follow-ups/new"
    assert client.get(path).headers["Location"].startswith("/login")
    assert client.get(f"/meetings/{world['later'].id}/follow-up-case").headers["Location"].startswith("/login")
    auth.login("member")
    assert client.get(path).status_code == 403
    assert auth.post(path, follow_up_form(world)).status_code == 403


def test_missing_csrf_token_is_refused(client, auth, session, world):
    auth.login("secretary")
    response = client.post(f"/cases/{world['items']['01-25'].id}/follow-ups/new", data=follow_up_form(world))
    assert response.status_code == 400
    assert session.exec(select(func.count()).select_from(m.FollowUp)).one() == 0


def test_unpublished_actions_need_a_log_in(client, auth, session, world):
    draft = world["items"]["01-26"]  # its meeting is only planned
    session.add(m.FollowUp(agenda_item_id=draft.id, text="Hemmelig utkast", responsible_person_id=world["person"].id))
    session.add(m.FollowUp(agenda_item_id=world["items"]["01-25"].id, text="Publisert punkt",
                           responsible_municipality_id=world["alfa"].id))
    session.commit()
    public = get_text(client, "/follow-ups")
    assert "Publisert punkt" in public and "Hemmelig utkast" not in public
    assert [f["text"] for f in client.get("/api/follow-ups").get_json()] == ["Publisert punkt"]
    assert "Hemmelig utkast" not in get_text(client, "/municipalities/1800")
    auth.login("reader")  # a reader reads what the public reads
    assert "Hemmelig utkast" not in get_text(client, "/follow-ups")
    auth.login("reader", email="leser@example.org", reads_restricted=True)  # until it is granted more
    assert "Hemmelig utkast" in get_text(client, "/follow-ups")
    own = section(client.get("/municipalities/1800").get_data(as_text=True), "oppfolging")
    assert "Hemmelig utkast" in own and "Publisert punkt" in own  # its representative's and its own
    assert len(follow_up_rows(session)) == 2
