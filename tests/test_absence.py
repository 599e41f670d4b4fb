"""Absence (forfall): reported by the signed link in the notice e-mail or by a signed-in member,
seen by the secretary, the deputy called in (automatically or with one click) and mailed the
notice; the minutes' "Forfall" list comes from the reports."""

from __future__ import annotations

import re

from sqlmodel import select

import boardroom.models as m
from boardroom.calendar.feeds import person_meetings
from boardroom.meetings.minutes import assemble, load_meeting
from tests.agenda_helpers import board, planned  # noqa: F401  (fixtures; no uploads: each request its own g)
from tests.mail_helpers import parts
from tests.test_mail import deliver, send_notice, with_emails


def deputy_for_eva(session, board, autocall):
    seats = {s.person_id: s for s in session.exec(select(m.Membership)).all()}
    seats[board.people["Vara Vegasen"].id].deputy_for_id = seats[board.people["Eva Vega"].id].id
    board.body.deputy_autocall = autocall
    session.commit()


def absence_link(smtp_server, address) -> str:
    plain = parts(smtp_server.inbox.to(address)[0])["text/plain"][0].get_content()
    return re.search(r"http://boardroom\.test(/forfall/\S+)", plain).group(1)


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def attendance_of(session, meeting, name, board):
    session.expire_all()
    return session.exec(select(m.Attendance).where(m.Attendance.meeting_id == meeting.id,
                                                   m.Attendance.person_id == board.people[name].id)).first()


def test_the_link_in_the_notice_reports_absence_and_calls_in_the_deputy(app, auth, client, session, board, planned,
                                                                       smtp_server):
    with_emails(session, board)
    deputy_for_eva(session, board, autocall=True)
    meeting = planned(cases=1)
    auth.login("secretary")
    send_notice(auth, meeting)
    deliver(app)
    client.post("/logout", data={"csrf_token": auth.token()})
    link = absence_link(smtp_server, "eva@vega.example")

    other = app.test_client()  # no log-in at all
    page = other.get(link)
    assert page.status_code == 200 and "Meld forfall" in page.get_data(as_text=True)
    done = other.post(link, data={"message": "Er på reise.", "csrf_token": form_token(page.get_data(as_text=True))})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert "Vara Vegasen er kalt inn" in done.get_data(as_text=True)

    eva = attendance_of(session, meeting, "Eva Vega", board)
    assert eva.status == m.AttendanceStatus.absent_notice and eva.note == "Er på reise."
    vara = attendance_of(session, meeting, "Vara Vegasen", board)
    assert vara.invited and vara.substitute_for_id == board.people["Eva Vega"].id
    assert vara.municipality_id == board.vega.id
    assert meeting.id in {x.id for x in person_meetings(session, board.people["Vara Vegasen"].id)}

    deliver(app)
    (notice,) = smtp_server.inbox.to("vara@vega.example")
    assert notice["Subject"].startswith("Innkalling:")
    assert "vara for Eva Vega" in parts(notice)["text/plain"][0].get_content()

    minutes = assemble(session, load_meeting(session, meeting.id))
    assert "Eva Vega" in minutes.apologies_text

    again = other.get(link)  # one use
    assert again.status_code == 410 and "allerede brukt" in again.get_data(as_text=True)
    assert other.post(link, data={"csrf_token": form_token(page.get_data(as_text=True))}).status_code == 410
    assert other.get("/forfall/tull").status_code == 404
    assert other.get(link[:-3] + "abc").status_code == 404


def test_a_signed_in_member_reports_and_the_secretary_calls_the_deputy_in(app, auth, client, session, board, planned,
                                                                          smtp_server):
    with_emails(session, board)
    deputy_for_eva(session, board, autocall=False)
    meeting = planned(cases=1)
    secretary = auth.create("secretary")
    auth.login("member", email="eva@vega.example", person_id=board.people["Eva Vega"].id)
    from boardroom.meetings.agenda import send_notice as call
    call(session, load_meeting(session, meeting.id))
    session.commit()

    shown = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Mitt oppmøte" in shown and "Meld forfall" in shown
    too_long = auth.post(f"/meetings/{meeting.id}/forfall", data={"message": "x" * 501})
    assert too_long.status_code == 400 and "500 tegn" in too_long.get_data(as_text=True)
    assert attendance_of(session, meeting, "Eva Vega", board).status == m.AttendanceStatus.invited
    response = auth.post(f"/meetings/{meeting.id}/forfall", data={"message": "Syk"}, follow_redirects=True)
    assert response.status_code == 200 and "Du har meldt forfall" in response.get_data(as_text=True)
    assert attendance_of(session, meeting, "Vara Vegasen", board) is None  # the body calls deputies by hand

    client.post("/logout", data={"csrf_token": auth.token()})
    auth._token = None
    client.post("/login", data={"email": secretary.email, "password": auth.PASSWORD, "csrf_token": auth.token()})
    auth._token = None
    page = client.get(f"/meetings/{meeting.id}/oppmote").get_data(as_text=True)
    assert "Meldt forfall" in page and "Eva Vega: «Syk»" in page and "Kall inn Vara Vegasen (vara)" in page
    eva = attendance_of(session, meeting, "Eva Vega", board)
    response = auth.post(f"/meetings/{meeting.id}/oppmote/{eva.id}/vara", follow_redirects=True)
    assert response.status_code == 200 and "Vara Vegasen er kalt inn som vara for Eva Vega" in response.get_data(
        as_text=True)
    assert auth.post(f"/meetings/{meeting.id}/oppmote/{eva.id}/vara").status_code == 409  # once
    deliver(app)
    assert len(smtp_server.inbox.to("vara@vega.example")) == 1

    # recording attendance later keeps the deputy standing in for Eva
    page = client.get(f"/meetings/{meeting.id}/oppmote").get_data(as_text=True)
    assert "Eva Vega er kalt inn" not in page and "Vara Vegasen er kalt inn som vara." in page


def test_only_invited_members_may_report(app, auth, session, board, planned):
    meeting = planned()
    auth.login("member")  # a person not invited
    response = auth.post(f"/meetings/{meeting.id}/forfall", data={"message": ""})
    assert response.status_code == 403 and "innkalt" in response.get_data(as_text=True)


def test_the_body_setting_is_edited_in_the_register(app, auth, client, session, board):
    auth.login("secretary")
    page = client.get(f"/registers/bodies/{board.body.id}")
    assert page.status_code == 200 and "Vara kalles inn med en gang" in page.get_data(as_text=True)


def test_the_link_under_another_organisations_address_is_not_found(app, auth, client, session, board, planned,
                                                                    smtp_server):
    with_emails(session, board)
    session.add(m.Organisation(name="Annen samarbeid IKS", short_name="ASI", slug="annen", number="923456783"))
    session.commit()
    meeting = planned(cases=1)
    auth.login("secretary")
    send_notice(auth, meeting)
    deliver(app)
    link = absence_link(smtp_server, "eva@vega.example")
    other = app.test_client()
    wrong = other.get("/annen" + link)
    assert wrong.status_code == 404 and "annen organisasjon" in wrong.get_data(as_text=True)
    assert other.post("/annen" + link, data={"message": "x"}).status_code in (400, 404)
    assert attendance_of(session, meeting, "Eva Vega", board).status == m.AttendanceStatus.invited
    assert other.get(link).status_code == 200
