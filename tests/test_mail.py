"""The notice by e-mail through the outbox, received by a real SMTP server (aiosmtpd): text,
HTML, innkalling.docx and an iTIP invitation; updates and cancellations; nothing lost while the
server is down; addresses the server refuses are shown on the meeting page."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from sqlmodel import select

import boardroom.models as m
from boardroom.mail.outbox import deliver_due
from boardroom.models import OutboxMessage, OutboxStatus, utcnow
from tests.agenda_helpers import board, planned, uploads  # noqa: F401  (fixtures)
from tests.mail_helpers import SmtpServer, parts

EMAILS = {"Rachel Berg": "rachel@rana.example", "Knut Toresen": "knut@bindal.example",
          "Eva Vega": "eva@vega.example", "Vara Vegasen": "vara@vega.example",
          "Hilde Rafaelsen": "hilde@dh.example", "Ola Observatør": "avvist@ks.example"}


def with_emails(session, board):
    for name, address in EMAILS.items():
        board.people[name].email = address
    session.commit()


def deliver(app, later=timedelta(0)):
    return deliver_due(app.extensions["boardroom.engine"], app.config, now=utcnow() + later)


def invitation_of(message) -> icalendar.Calendar:
    part = parts(message)["text/calendar"][0]
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    return icalendar.Calendar.from_ical(part.get_content())


def send_notice(auth, meeting):
    response = auth.post(f"/meetings/{meeting.id}/send", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_notice_reaches_every_invited_person_with_papers_and_invitation(app, auth, session, board, planned,
                                                                               smtp_server):
    with_emails(session, board)
    meeting = planned(cases=2)
    auth.login("secretary", email="sekretaer@dh.example")
    page = send_notice(auth, meeting)
    assert "sendes på e-post til" in page and "er sendt" not in page
    assert smtp_server.inbox.messages == []  # the request only queued them

    counts = deliver(app)
    assert counts == {"sent": 4, "rejected": 1}
    message = smtp_server.inbox.to("eva@vega.example")[0]
    assert message["Subject"].startswith("Innkalling: Styremøte 20. november 2025")
    found = parts(message)
    plain = found["text/plain"][0].get_content()
    assert "Saksliste:" in plain and "Ny sak 1" in plain and "http://boardroom.test/meetings/" in plain
    assert "Ny sak 2" in found["text/html"][0].get_content()
    docx = found["application/vnd.openxmlformats-officedocument.wordprocessingml.document"][0]
    assert docx.get_filename().startswith("innkalling-") and docx.get_content()[:2] == b"PK"

    cal = invitation_of(message)
    assert cal["method"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == f"meeting-{meeting.id}@boardroom.test"
    assert str(event["organizer"]) == "mailto:sekretaer@dh.example"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:eva@vega.example" and attendee.params["RSVP"] == "TRUE"
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Europe/Oslo"

    rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {r.status for r in rows} == {OutboxStatus.sent, OutboxStatus.rejected}
    auth.client.get("/")  # the page shows who got what, and the refused address
    shown = auth.client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Utsendt e-post" in shown and "avvist@ks.example" in shown and "avvist av e-posttjeneren" in shown
    assert "godtatt av e-posttjeneren" in shown


def test_moving_sends_an_update_and_cancelling_a_cancel(app, auth, session, board, planned, smtp_server):
    with_emails(session, board)
    meeting = planned(cases=1)
    auth.login("secretary")
    send_notice(auth, meeting)
    deliver(app)
    first = invitation_of(smtp_server.inbox.to("knut@bindal.example")[0]).walk("VEVENT")[0]

    response = auth.post(f"/meetings/{meeting.id}/edit", data={
        "body_id": board.body.id, "title": "Styremøte", "start_date": "2025-11-21", "start_time": "10:00",
        "end_date": "2025-11-21", "end_time": "15:00", "place": "Sandnessjøen", "mode": "physical"},
        follow_redirects=True)
    assert response.status_code == 200 and "endringen sendes på e-post" in response.get_data(as_text=True).lower()
    deliver(app)
    update = smtp_server.inbox.to("knut@bindal.example")[1]
    assert update["Subject"].startswith("Endret:")
    moved = invitation_of(update).walk("VEVENT")[0]
    assert moved["uid"] == first["uid"] and moved["sequence"] > first["sequence"]
    assert moved["location"] == "Sandnessjøen"

    response = auth.post(f"/meetings/{meeting.id}/cancel", data={"reason": "For få kan møte."},
                         follow_redirects=True)
    assert response.status_code == 200
    deliver(app)
    cancel = smtp_server.inbox.to("knut@bindal.example")[2]
    cal = invitation_of(cancel)
    assert cal["method"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert event["uid"] == first["uid"] and event["status"] == "CANCELLED" and event["sequence"] > moved["sequence"]
    assert "For få kan møte." in parts(cancel)["text/plain"][0].get_content()


def test_the_outbox_keeps_mail_while_the_server_is_down(app, auth, session, board, planned):
    with_emails(session, board)
    server = SmtpServer()
    app.config["SMTP_URL"] = server.url  # nothing listens there yet
    meeting = planned()
    auth.login("secretary")
    page = send_notice(auth, meeting)  # the request does not fail
    assert "sendes på e-post" in page
    assert deliver(app) == {"retry": 5}
    rows = session.exec(select(OutboxMessage)).all()
    assert all(r.status == OutboxStatus.retry and "kontakt" in r.last_error and r.attempts == 1 for r in rows)
    assert deliver(app) == {}  # backing off: nothing is due yet
    server.start()
    try:
        assert deliver(app, later=timedelta(minutes=5)) == {"sent": 4, "rejected": 1}
        assert len(server.inbox.messages) == 4
        assert deliver(app, later=timedelta(hours=5)) == {}  # each message once
    finally:
        server.stop()


def test_without_a_mail_server_the_notice_is_kept_and_says_it_was_not_sent(app, auth, session, board, planned):
    with_emails(session, board)
    app.config["SMTP_URL"] = ""
    meeting = planned()
    auth.login("secretary")
    page = send_notice(auth, meeting)
    assert "ikke sendt – e-post er ikke satt opp" in page
    rows = session.exec(select(OutboxMessage)).all()
    assert len(rows) == 5 and {r.status for r in rows} == {OutboxStatus.unconfigured}
    shown = auth.client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "ikke sendt – e-post er ikke satt opp" in shown

    server = SmtpServer()
    server.start()
    try:
        app.config["SMTP_URL"] = server.url  # set up later: the kept mail goes out
        assert deliver(app) == {"sent": 4, "rejected": 1}
    finally:
        server.stop()


def test_people_without_an_address_are_named(app, auth, session, board, planned, smtp_server):
    meeting = planned()
    auth.login("secretary")
    page = send_notice(auth, meeting)
    assert "Mangler e-postadresse: " in page and "Rachel Berg" in page
    assert session.exec(select(OutboxMessage)).all() == []


def test_cli_outbox_run_sends_one_pass(app, auth, session, board, planned, smtp_server, runner):
    with_emails(session, board)
    meeting = planned()
    auth.login("secretary")
    send_notice(auth, meeting)
    result = runner.invoke(args=["outbox", "run"])
    assert result.exit_code == 0, result.output
    assert "4 sent" in result.output and len(smtp_server.inbox.messages) == 4
    assert m.OutboxStatus.sent in {r.status for r in session.exec(select(OutboxMessage)).all()}



MOVE = {"title": "Styremøte", "start_date": "2025-11-21", "start_time": "10:00", "end_date": "2025-11-21",
        "end_time": "15:00", "place": "Sandnessjøen", "mode": "physical"}


def test_the_request_queues_small_rows_and_the_worker_builds_them(app, auth, session, board, planned, smtp_server,
                                                                  monkeypatch):
    import boardroom.mail.notice as notice

    built = []
    real = notice.build_innkalling
    monkeypatch.setattr(notice, "build_innkalling", lambda s, meeting: built.append(meeting.id) or real(s, meeting))
    with_emails(session, board)
    meeting = planned(cases=1)
    auth.login("secretary", email="sekretaer@dh.example")
    send_notice(auth, meeting)
    rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(rows) == 5 and built == []  # nothing built in the request
    session.expire_all()
    sequence = session.get(m.Meeting, meeting.id).sequence
    assert all(r.message is None and r.kind == "notice" and r.sequence == sequence for r in rows)
    assert all(r.organizer_address == "sekretaer@dh.example" and r.subject.startswith("Innkalling: ") for r in rows)
    shown = auth.client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Utsendt e-post" in shown and "venter på sending" in shown and "eva@vega.example" in shown

    assert deliver(app) == {"sent": 4, "rejected": 1}
    assert built == [meeting.id]  # innkalling.docx once for everyone in the pass
    session.expire_all()
    for row in session.exec(select(OutboxMessage)).all():
        assert row.message is not None and row.subject.startswith("Innkalling: ")
    received = smtp_server.inbox.to("eva@vega.example")[0]
    row = session.exec(select(OutboxMessage).where(OutboxMessage.recipient.contains("eva@vega.example"))).one()
    assert row.subject == received["Subject"] and b"Message-ID: " in row.message


def test_a_change_before_sending_is_built_in_with_the_sequence_queued(app, auth, session, board, planned,
                                                                      smtp_server):
    with_emails(session, board)
    meeting = planned(cases=1)
    auth.login("secretary")
    send_notice(auth, meeting)
    auth.post(f"/meetings/{meeting.id}/edit", data={"body_id": board.body.id, **MOVE}, follow_redirects=True)
    assert deliver(app) == {"sent": 8, "rejected": 2}  # the notice and the update
    notice_mail, update_mail = smtp_server.inbox.to("knut@bindal.example")
    first = invitation_of(notice_mail).walk("VEVENT")[0]
    moved = invitation_of(update_mail).walk("VEVENT")[0]
    assert first["location"] == moved["location"] == "Sandnessjøen"  # built with the meeting as it is now
    assert first["sequence"] < moved["sequence"]  # the SEQUENCE of the time each was queued
    assert notice_mail["Subject"].startswith("Innkalling: Styremøte 21. november 2025")

    # a delivered row keeps the subject it was sent with, whatever happens to the meeting after
    session.expire_all()
    row = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "notice",
                                                   OutboxMessage.recipient.contains("knut@"))).one()
    auth.post(f"/meetings/{meeting.id}/edit", data={"body_id": board.body.id, **MOVE, "start_date": "2025-11-28",
                                                    "end_date": "2025-11-28"}, follow_redirects=True)
    session.expire_all()
    assert session.get(OutboxMessage, row.id).subject == notice_mail["Subject"]


def test_a_notice_not_yet_sent_when_the_meeting_is_cancelled_is_dropped(app, auth, session, board, planned,
                                                                        smtp_server):
    with_emails(session, board)
    meeting = planned(cases=1)
    auth.login("secretary")
    send_notice(auth, meeting)
    auth.post(f"/meetings/{meeting.id}/cancel", data={"reason": "For få kan møte."}, follow_redirects=True)
    assert deliver(app) == {"dropped": 5, "sent": 4, "rejected": 1}
    (only,) = smtp_server.inbox.to("knut@bindal.example")
    assert invitation_of(only)["method"] == "CANCEL"
    shown = auth.client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "ikke sendt – gjelder ikke lenger" in shown and "avlysningen sendes i stedet" in shown
