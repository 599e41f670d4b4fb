"""What visitors see of drafts, notices, minutes and exempt cases; what signed-in accounts see."""

import boardroom.models as m


def test_a_draft_agenda_needs_a_log_in(client, session, make_meeting, auth):
    meeting = make_meeting(cases=2, status=m.MeetingStatus.planned)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sakslisten blir offentlig når innkallingen er sendt." in page
    assert "Sak nummer 1" not in page
    case = client.get(f"/cases/{meeting.items[0].id}")
    assert case.status_code == 302 and "/login" in case.headers["Location"]
    docx = client.get(f"/meetings/{meeting.id}/protokoll.docx")
    assert docx.status_code == 302 and "/login" in docx.headers["Location"]

    auth.login("member", email="annet@example.org")  # a board member of no seat here reads as the public
    assert "Sak nummer 1" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert client.get(f"/cases/{meeting.items[0].id}").status_code == 403
    auth.login("member", seat=meeting.body)  # with a seat on the body: its drafts
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sak nummer 1" in page and "Vedtak i sak 1." in page
    assert client.get(f"/cases/{meeting.items[0].id}").status_code == 200


def test_a_sent_notice_shows_papers_but_not_decisions(client, make_meeting):
    meeting = make_meeting(cases=1, status=m.MeetingStatus.called)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sak 01-25 Sak nummer 1" in page
    assert "Bakgrunn for sak 1" in page
    assert "Vedtak i sak 1." not in page
    assert "Last ned protokoll" not in page


def test_an_exempt_case_shows_the_public_only_its_number_and_basis(client, session, make_meeting, auth):
    meeting = make_meeting(cases=1)
    case = meeting.items[0].case
    case.exempt, case.exemption_basis, case.title = True, "Offl. § 14", "Forhandlinger med leverandør X"
    session.commit()
    for url in (f"/meetings/{meeting.id}", f"/cases/{meeting.items[0].id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Unntatt offentlighet" in page and "Offl. § 14" in page
        assert "Forhandlinger med leverandør X" not in page and "Bakgrunn for sak 1" not in page
    auth.login("reader")  # a reader without the administrator's grant reads as the public
    assert "Forhandlinger med leverandør X" not in client.get(f"/cases/{meeting.items[0].id}").get_data(as_text=True)
    auth.login("reader", email="leser@example.org", reads_restricted=True)
    page = client.get(f"/cases/{meeting.items[0].id}").get_data(as_text=True)
    assert "Forhandlinger med leverandør X" in page and "Bakgrunn for sak 1" in page


def test_the_feed_lists_a_saksliste_only_once_the_notice_is_sent(client, make_meeting):
    planned = make_meeting(cases=1, status=m.MeetingStatus.planned)
    called = make_meeting(cases=1, status=m.MeetingStatus.called)
    feed = client.get("/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    assert feed.count("Saksliste:") == 1
    assert planned.id != called.id


def test_front_page_lists_only_published_decisions_to_visitors(client, make_meeting, auth):
    make_meeting(cases=1)  # approved
    make_meeting(cases=2, status=m.MeetingStatus.held, title="Upublisert møte")
    page = client.get("/").get_data(as_text=True)
    assert page.count("Vedtak i sak 1.") == 1 and "Vedtak i sak 2." not in page
    auth.login("reader", reads_restricted=True)
    assert "Vedtak i sak 2." in client.get("/").get_data(as_text=True)
