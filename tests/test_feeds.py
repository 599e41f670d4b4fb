"""Feeds people subscribe to: per body, per person (by secret token), per municipality, and one
meeting's .ics. Read back with icalendar and, independently, with vobject."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import icalendar
import pytest
import vobject
from sqlmodel import select

import boardroom.models as m
from tests.conftest import oslo

FEED_URL = re.compile(r"webcal://boardroom\.test/calendar/feed/([A-Za-z0-9_-]+)\.ics")


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(ev["UID"]): ev for ev in parse(data).walk("VEVENT")}


def uid(meeting) -> str:
    return f"meeting-{meeting.id}@boardroom.test"


def invite(session, meeting, person, **kw):
    session.add(m.Attendance(meeting_id=meeting.id, person_id=person.id, **kw))
    session.commit()


@pytest.fixture
def member(auth, session):
    """A signed-in board member (role member, linked to a person)."""
    person = m.Person(name="Kari Nordmann", email="kari@example.org")
    session.add(person)
    session.commit()
    auth.login("member", person_id=person.id)
    return person


def new_own_feed(client, auth) -> str:
    """Make the member's feed on the Kalender page; the token as the page shows it (once)."""
    response = auth.post("/calendar/mine")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = FEED_URL.search(page)
    assert found, page
    return found.group(1)


def feed(client, token, **headers):
    return client.get(f"/calendar/feed/{token}.ics", headers=headers)


# --------------------------------------------------------------------------- the person's feed


def test_person_feed_holds_invited_and_deputy_meetings_only(client, auth, session, member, make_body, make_meeting):
    body = make_body()
    invited = make_meeting(body=body, status=m.MeetingStatus.called)
    as_deputy = make_meeting(body=body, start=oslo(2025, 11, 20, 10), status=m.MeetingStatus.planned)
    other = make_meeting(body=body, start=oslo(2025, 12, 4, 10), status=m.MeetingStatus.planned)
    uninvited = make_meeting(body=body, start=oslo(2026, 1, 8, 10), status=m.MeetingStatus.planned)
    regular = m.Person(name="Ola Styremedlem")
    session.add(regular)
    session.commit()
    invite(session, invited, member)
    invite(session, as_deputy, member, invited=False, substitute_for_id=regular.id)  # called in as vara
    invite(session, other, regular)
    invite(session, uninvited, member, invited=False)  # taken off the invited list

    token = new_own_feed(client, auth)
    response = feed(client, token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert sorted(events(response.data)) == sorted([uid(invited), uid(as_deputy)])
    cal = parse(response.data)
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Mine møter – Kari Nordmann"

    other_reader = vobject.readOne(response.data.decode())
    assert sorted(ev.uid.value for ev in other_reader.vevent_list) == sorted([uid(invited), uid(as_deputy)])
    assert other_reader.x_wr_calname.value == "Mine møter – Kari Nordmann"


def test_the_token_is_long_shown_once_and_stored_only_as_its_hash(client, auth, session, member):
    token = new_own_feed(client, auth)
    assert len(token) >= 43  # secrets.token_urlsafe(32): 256 bits
    assert token not in client.get("/calendar").get_data(as_text=True)  # shown once only
    rows = session.exec(select(m.FeedToken)).all()
    assert [(r.person_id, r.token_hash) for r in rows] == [(member.id, hashlib.sha256(token.encode()).hexdigest())]
    stored = " ".join(str(v) for r in rows for v in r.model_dump().values())
    assert token not in stored
    assert feed(client, token).status_code == 200


def test_regenerate_and_revoke(client, auth, member):
    first = new_own_feed(client, auth)
    second = new_own_feed(client, auth)
    assert first != second
    assert feed(client, first).status_code == 404
    assert feed(client, second).status_code == 200
    assert "Du har en kalenderlenke i bruk" in client.get("/calendar").get_data(as_text=True)

    response = auth.post("/calendar/mine/revoke", follow_redirects=True)
    assert "er trukket tilbake" in response.get_data(as_text=True)
    revoked = feed(client, second)
    assert revoked.status_code == 404
    assert "Kalenderlenken finnes ikke eller er trukket tilbake." in revoked.get_data(as_text=True)
    assert "Du har ingen kalenderlenke ennå." in client.get("/calendar").get_data(as_text=True)


def test_move_keeps_uid_and_raises_sequence_and_cancel_stays(client, auth, session, member, make_meeting):
    meeting = make_meeting(status=m.MeetingStatus.called, place="Sandnessjøen")
    invite(session, meeting, member)
    token = new_own_feed(client, auth)
    before = events(feed(client, token).data)[uid(meeting)]
    assert before["SEQUENCE"] == 0

    auth.login("secretary")
    response = auth.post(f"/meetings/{meeting.id}/edit", data={
        "body_id": str(meeting.body_id), "title": "Styremøte", "start_date": "2025-10-17", "start_time": "12:00",
        "end_date": "2025-10-17", "end_time": "15:00", "place": "Mosjøen", "mode": "physical", "chair_id": "",
        "purpose": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    moved_data = feed(client, token).data
    moved = events(moved_data)[uid(meeting)]
    assert moved["SEQUENCE"] == 1
    assert (moved["DTSTART"].dt.day, moved["DTSTART"].dt.hour) == (17, 12)
    assert str(moved["LOCATION"]) == "Mosjøen"
    assert moved["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt
    assert vobject.readOne(moved_data.decode()).vevent.uid.value == uid(meeting)

    response = auth.post(f"/meetings/{meeting.id}/cancel", data={"reason": "For få saker"})
    assert response.status_code == 302
    data = feed(client, token).data
    cancelled = events(data)[uid(meeting)]
    assert cancelled["SEQUENCE"] == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("AVLYST: ")
    ev = vobject.readOne(data.decode()).vevent
    assert (ev.status.value, int(ev.sequence.value)) == ("CANCELLED", 2)
    assert ev.summary.value == "AVLYST: Styremøte – Styret i Testsamarbeidet"


def test_conditional_requests_answer_304(client, auth, session, member, make_meeting):
    meeting = make_meeting()
    invite(session, meeting, member)
    token = new_own_feed(client, auth)
    first = feed(client, token)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = feed(client, token, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert feed(client, token, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304

    meeting.place = "Mo i Rana"
    session.commit()
    changed = feed(client, token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"Mo i Rana" in changed.data


def test_exempt_and_unpublished_material_stays_out_of_personal_feeds(client, auth, session, member, make_meeting):
    called = make_meeting(cases=1, status=m.MeetingStatus.called)
    planned = make_meeting(cases=1, status=m.MeetingStatus.planned, start=oslo(2025, 11, 20, 10))
    case = called.items[0].case
    case.title, case.exempt, case.public_title = "Oppsigelse av daglig leder", True, "Personalsak"
    planned.items[0].case.title = "Hemmelig utkast"
    session.commit()
    invite(session, called, member)
    invite(session, planned, member)
    data = feed(client, new_own_feed(client, auth)).data.decode().replace("\r\n ", "")
    assert "Personalsak" in data
    assert "Oppsigelse av daglig leder" not in data and "Hemmelig utkast" not in data


def test_an_account_without_a_person_has_no_own_feed(client, auth):
    auth.login("secretary")
    response = auth.post("/calendar/mine")
    assert response.status_code == 403
    assert "ikke knyttet til en person" in response.get_data(as_text=True)


def test_bad_tokens_and_missing_csrf(client, auth, member):
    for token in ("x", "a" * 43, "a" * 500, "..%2F..%2Fetc"):
        assert feed(client, token).status_code == 404, token
    assert feed(client, "%00").status_code == 400  # a control character is refused before any look-up
    response = client.post("/calendar/mine")  # no CSRF token
    assert response.status_code == 400
    assert "sikkerhetsnøkkel" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- bodies and municipalities


def test_public_body_feed(client, make_body, make_meeting):
    board, other = make_body("Styret"), make_body("Arbeidsutvalget")
    meeting = make_meeting(body=board)
    make_meeting(body=other, start=oslo(2025, 11, 1, 9))
    response = client.get(f"/calendar/bodies/{board.id}.ics")
    assert response.status_code == 200
    cal = parse(response.data)
    assert list(events(response.data)) == [uid(meeting)]
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Møteplan – Styret"
    text = response.data.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert client.get(f"/calendar/bodies/{board.id}.ics",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/calendar/bodies/999.ics").status_code == 404


def test_closed_body_by_token_only(client, auth, session, make_body, make_meeting):
    closed = make_body("Valgkomiteen", public=False)
    meeting = make_meeting(body=closed, status=m.MeetingStatus.called)
    open_one = make_meeting(start=oslo(2025, 11, 1, 9))
    assert client.get(f"/calendar/bodies/{closed.id}.ics").status_code == 404
    assert list(events(client.get("/calendar.ics").data)) == [uid(open_one)]

    auth.login("secretary")
    page = client.get("/calendar").get_data(as_text=True)
    assert "Lag lenke til møteplanen" in page
    response = auth.post(f"/calendar/bodies/{closed.id}/token")
    assert response.status_code == 302
    token = FEED_URL.search(client.get("/calendar").get_data(as_text=True)).group(1)
    assert list(events(feed(client, token).data)) == [uid(meeting)]

    assert auth.post(f"/calendar/bodies/{closed.id}/token/revoke").status_code == 302
    assert feed(client, token).status_code == 404
    assert auth.post(f"/calendar/bodies/{open_one.body_id}/token").status_code == 400


def test_a_closed_body_s_meetings_are_not_listed_for_the_public(client, auth, session, make_body, make_meeting):
    """Its plan is only by token, so the public does not find its meetings elsewhere either."""
    closed = make_body("Valgkomiteen", public=False)
    hidden = make_meeting(cases=1, body=closed, status=m.MeetingStatus.approved, title="Valgkomiteens møte",
                          start=oslo(2030, 1, 10, 9))
    shown = make_meeting(cases=1, title="Styremøte i det åpne styret", start=oslo(2030, 1, 11, 9))
    for path in ("/meetings", "/", "/api/meetings"):
        text = client.get(path).get_data(as_text=True)
        assert "Styremøte i det åpne styret" in text and "Valgkomiteens møte" not in text, path
    for path in (f"/meetings/{hidden.id}", f"/cases/{hidden.items[0].id}", f"/meetings/{hidden.id}/protokoll.docx"):
        assert "/login" in client.get(path).headers.get("Location", ""), path
    assert client.get(f"/api/meetings/{hidden.id}").status_code == 404
    assert client.get(f"/meetings/{shown.id}").status_code == 200

    auth.login("secretary")
    for path in ("/meetings", "/api/meetings"):
        assert "Valgkomiteens møte" in client.get(path).get_data(as_text=True), path
    assert client.get(f"/meetings/{hidden.id}").status_code == 200
    assert client.get(f"/api/meetings/{hidden.id}").get_json()["title"] == "Valgkomiteens møte"


def test_a_member_cannot_make_body_tokens(client, auth, member, make_body):
    closed = make_body("Valgkomiteen", public=False)
    assert auth.post(f"/calendar/bodies/{closed.id}/token").status_code == 403
    assert "Lag lenke til møteplanen" not in client.get("/calendar").get_data(as_text=True)


def test_the_secretary_closes_a_body_in_the_register(client, auth, session, make_body):
    body = make_body("Styret")
    session.commit()
    auth.login("secretary")
    response = auth.post(f"/registers/bodies/{body.id}", data={
        "name": "Styret", "organisation": "", "short_name": "TS", "case_number_format": "{seq:02d}-{yy}",
        "default_place": ""})  # the "Åpen møteplan" box left unticked
    assert response.status_code == 302, response.get_data(as_text=True)
    session.refresh(body)
    assert body.public is False
    assert client.get(f"/calendar/bodies/{body.id}.ics").status_code == 404


def test_municipality_feed_holds_meetings_of_bodies_where_it_has_a_seat(client, session, make_body, make_meeting):
    bindal = m.Municipality(number="1811", name="Bindal")
    person = m.Person(name="Kari")
    session.add_all([bindal, person])
    session.commit()
    board, other = make_body("Styret"), make_body("Arbeidsutvalget")
    closed = make_body("Valgkomiteen", public=False)
    for body in (board, closed):
        session.add(m.Membership(body_id=body.id, person_id=person.id, municipality_id=bindal.id,
                                 role=m.MembershipRole.member))
    session.commit()
    meeting = make_meeting(body=board)
    make_meeting(body=other, start=oslo(2025, 11, 1, 9))
    make_meeting(body=closed, start=oslo(2025, 12, 1, 9))
    response = client.get("/calendar/municipalities/1811.ics")
    assert response.status_code == 200
    assert list(events(response.data)) == [uid(meeting)]
    assert str(parse(response.data)["X-WR-CALNAME"]) == "Møteplan – Bindal"
    assert client.get("/calendar/municipalities/9999.ics").status_code == 404
    page = client.get("/municipalities/1811").get_data(as_text=True)
    assert "webcal://boardroom.test/calendar/municipalities/1811.ics" in page


# --------------------------------------------------------------------------- one meeting, the timezone


def test_meeting_ics_and_help_on_the_meeting_page(client, make_meeting):
    meeting = make_meeting()
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="mote-{meeting.id}.ics"'
    ev = vobject.readOne(response.data.decode()).vevent
    assert ev.uid.value == uid(meeting)
    assert ev.description.value.splitlines()[0] == f"Møteside: http://boardroom.test/meetings/{meeting.id}"

    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}.ics"' in page
    assert "Legg til i kalender" in page
    for app_name in ("Outlook", "Google Kalender", "Apple Kalender", "Thunderbird"):
        assert app_name in page
    assert f"webcal://boardroom.test/calendar/bodies/{meeting.body_id}.ics" in page
    assert client.get("/meetings/999.ics").status_code == 404


def test_closed_body_meeting_ics_needs_a_log_in(client, make_body, make_meeting):
    meeting = make_meeting(body=make_body("Valgkomiteen", public=False))
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 302


def test_vtimezone_is_rule_based(client, make_meeting):
    make_meeting(start=oslo(2026, 2, 5, 12, 30))
    cal = parse(client.get("/calendar.ics").data)
    [zone] = cal.walk("VTIMEZONE")
    parts = {c.name: c for c in zone.subcomponents}
    assert set(parts) == {"STANDARD", "DAYLIGHT"}
    for part in parts.values():
        assert "RDATE" not in part
        assert part["RRULE"]["FREQ"] == ["YEARLY"] and part["RRULE"]["BYDAY"] == ["-1SU"]
    assert parts["STANDARD"]["RRULE"]["BYMONTH"] == [10] and parts["DAYLIGHT"]["RRULE"]["BYMONTH"] == [3]
    assert parts["STANDARD"]["TZOFFSETTO"].td == timedelta(hours=1)
    assert parts["DAYLIGHT"]["TZOFFSETTO"].td == timedelta(hours=2)


def test_the_kalender_page_for_visitors(client, make_body):
    make_body("Styret")
    page = client.get("/calendar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Kalender</h1>" in html and "Logg inn" in html
    assert "Legg til i kalender" in html


def test_each_event_is_rebuilt_when_what_it_shows_changes(app, client, session, make_body, make_meeting):
    """Feeds reuse each meeting's built event until the meeting, its body, an item or a case
    changes, and give the same bytes as building the whole calendar afresh."""
    from boardroom.calendar.ical import load_meetings, make_calendar

    body = make_body("Styret i Helgeland")
    first = make_meeting(cases=2, body=body, status=m.MeetingStatus.called, start=oslo(2026, 2, 5, 10))
    second = make_meeting(cases=1, body=body, status=m.MeetingStatus.called, start=oslo(2027, 4, 5, 10))
    path = f"/calendar/bodies/{body.id}.ics"

    def fresh() -> bytes:
        session.expire_all()
        meetings = load_meetings(session, m.Meeting.body_id == body.id)
        return make_calendar(meetings, "http://boardroom.test", f"Møteplan – {body.name}").to_ical()

    assert client.get(path).data == fresh()
    events_cache = app.extensions["boardroom.events"]
    assert len(events_cache._data) == 2

    item = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == first.id)).first()
    item.case.title = "Ny tittel på saken"
    session.commit()
    data = client.get(path).data
    assert b"Ny tittel p" in data and data == fresh()
    assert len(events_cache._data) == 3  # only the changed meeting's event was built again

    session.delete(item)  # an item leaves the saksliste: its count changes, the event is rebuilt
    session.commit()
    data = client.get(path).data
    assert b"Ny tittel p" not in data and data == fresh()

    body.name = "Styret i Helgeland IKS"
    session.commit()
    data = client.get(path).data
    assert data.count("Styremøte – Styret i Helgeland IKS".encode()) == 2 and data == fresh()
    assert str(events(data)[uid(second)]["SUMMARY"]).endswith("Helgeland IKS")
