"""The meeting plan as iCalendar: read back with icalendar and, independently, with vobject."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import vobject

import boardroom.models as m
from boardroom.core.formatting import OSLO
from tests.conftest import oslo


def add_case(session, meeting, seq, title, year=2025, **case_kw):
    case = m.Case(body_id=meeting.body_id, title=title, **case_kw)
    session.add(case)
    session.flush()
    item = m.AgendaItem(
        meeting_id=meeting.id, case_id=case.id, body_id=meeting.body_id, position=seq,
        number_year=year, number_seq=seq, kind=m.CaseKind.decision,
    )
    session.add(item)
    session.commit()
    return item


def plan(session, make_body, make_meeting):
    """A timed meeting with cases, a two-day all-day meeting and a cancelled meeting."""
    body = make_body("Styret i Digitale Helgeland")
    timed = make_meeting(body=body, start=oslo(2025, 10, 16, 10), hours=3, place="Kulturfabrikken, Sandnessjøen",
                         purpose="Budsjett 2026", status=m.MeetingStatus.held)
    add_case(session, timed, 38, "Godkjenning av innkalling og agenda")
    add_case(session, timed, 39, "Godkjenning av protokoll fra forrige møte")
    add_case(session, timed, 40, "Ansettelse av prosjektleder", exempt=True,
             exemption_basis="Offl. § 25", public_title="Ansettelsessak")
    two_days = make_meeting(body=body, start=oslo(2026, 1, 19), all_day=True, title="Strategisamling",
                            place="Brønnøysund", status=m.MeetingStatus.planned)
    two_days.ends_at = oslo(2026, 1, 21)  # exclusive: the meeting is 19 and 20 January
    cancelled = make_meeting(body=body, start=oslo(2026, 3, 12, 9), status=m.MeetingStatus.cancelled,
                             cancelled_reason="For få saker")
    session.commit()
    return timed, two_days, cancelled


def events_by_uid(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def fetch(client, **headers):
    response = client.get("/calendar.ics", headers=headers)
    assert response.status_code in (200, 304)
    return response


def test_feed_reads_back_in_icalendar(client, session, make_body, make_meeting):
    timed, two_days, cancelled = plan(session, make_body, make_meeting)
    response = fetch(client)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="moteplan.ics"'

    cal = icalendar.Calendar.from_ical(response.data)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["X-WR-CALNAME"]) == "Møteplan – Styret i Digitale Helgeland"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Oslo"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]

    events = events_by_uid(cal)
    assert sorted(events) == sorted(f"meeting-{x.id}@boardroom.test" for x in (timed, two_days, cancelled))

    ev = events[f"meeting-{timed.id}@boardroom.test"]
    start = ev["DTSTART"]
    assert start.params["TZID"] == "Europe/Oslo"
    assert (start.dt.hour, start.dt.minute, start.dt.utcoffset()) == (10, 0, timedelta(hours=2))
    assert ev["DTEND"].dt.hour == 13
    assert str(ev["SUMMARY"]) == "Styremøte – Styret i Digitale Helgeland"
    assert str(ev["LOCATION"]) == "Kulturfabrikken, Sandnessjøen"
    assert str(ev["URL"]) == f"http://boardroom.test/meetings/{timed.id}"
    assert str(ev["STATUS"]) == "CONFIRMED"
    lines = str(ev["DESCRIPTION"]).splitlines()
    assert "Formål: Budsjett 2026" in lines
    assert "Møteform: Fysisk" in lines
    assert lines[-3:] == [
        "38-25 Godkjenning av innkalling og agenda",
        "39-25 Godkjenning av protokoll fra forrige møte",
        "40-25 Ansettelsessak",
    ]
    assert b"Ansettelse av prosjektleder" not in response.data

    ev = events[f"meeting-{two_days.id}@boardroom.test"]
    assert ev["DTSTART"].dt == date(2026, 1, 19) and ev["DTSTART"].params["VALUE"] == "DATE"
    assert ev["DTEND"].dt == date(2026, 1, 21) and ev["DTEND"].params["VALUE"] == "DATE"
    assert str(ev["STATUS"]) == "TENTATIVE"
    assert "Saksliste" not in str(ev["DESCRIPTION"])

    ev = events[f"meeting-{cancelled.id}@boardroom.test"]
    assert str(ev["STATUS"]) == "CANCELLED"
    assert str(ev["SUMMARY"]) == "AVLYST: Styremøte – Styret i Digitale Helgeland"
    assert "Avlyst: For få saker" in str(ev["DESCRIPTION"])


def test_feed_reads_back_in_vobject(client, session, make_body, make_meeting):
    timed, two_days, cancelled = plan(session, make_body, make_meeting)
    cal = vobject.readOne(fetch(client).data.decode("utf-8"))

    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Europe/Oslo"]
    events = {ev.uid.value: ev for ev in cal.vevent_list}
    assert len(events) == 3

    ev = events[f"meeting-{timed.id}@boardroom.test"]
    assert ev.dtstart.value.astimezone(OSLO).hour == 10
    assert ev.dtstart.value.utcoffset() == timedelta(hours=2)
    assert ev.location.value == "Kulturfabrikken, Sandnessjøen"
    assert "38-25 Godkjenning av innkalling og agenda" in ev.description.value.splitlines()

    ev = events[f"meeting-{two_days.id}@boardroom.test"]
    assert (ev.dtstart.value, ev.dtend.value) == (date(2026, 1, 19), date(2026, 1, 21))

    ev = events[f"meeting-{cancelled.id}@boardroom.test"]
    assert ev.status.value == "CANCELLED"
    assert int(ev.sequence.value) == 0
    assert ev.dtstart.value.utcoffset() == timedelta(hours=1)  # 12 March: winter time


def test_winter_meeting_is_in_central_european_time(client, make_meeting):
    make_meeting(start=oslo(2026, 2, 5, 12, 30))
    ev = icalendar.Calendar.from_ical(fetch(client).data).walk("VEVENT")[0]
    assert (ev["DTSTART"].dt.hour, ev["DTSTART"].dt.minute) == (12, 30)
    assert ev["DTSTART"].dt.utcoffset() == timedelta(hours=1)


def test_feed_is_stable_between_fetches(client, make_meeting):
    make_meeting(cases=2)
    first, second = fetch(client), fetch(client)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_sequence_raised_when_a_meeting_moves(client, session, make_meeting):
    meeting = make_meeting()
    uid = f"meeting-{meeting.id}@boardroom.test"

    def event():
        return events_by_uid(icalendar.Calendar.from_ical(fetch(client).data))[uid]

    assert event()["SEQUENCE"] == 0

    meeting.starts_at = oslo(2025, 10, 17, 12)
    meeting.ends_at = oslo(2025, 10, 17, 15)
    session.commit()
    moved = event()
    assert moved["SEQUENCE"] == 1
    assert moved["DTSTART"].dt.day == 17 and moved["DTSTART"].dt.hour == 12

    meeting.purpose = "Endret formål"  # not something the calendar entry's time or place shows
    session.commit()
    assert event()["SEQUENCE"] == 1

    meeting.place = "Mosjøen"
    session.commit()
    assert event()["SEQUENCE"] == 2

    meeting.status = m.MeetingStatus.cancelled
    session.commit()
    cancelled = event()
    assert cancelled["SEQUENCE"] == 3
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_conditional_get_answers_304(client, session, make_meeting):
    meeting = make_meeting(cases=1)
    first = fetch(client)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]

    again = fetch(client, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert fetch(client, **{"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304

    meeting.place = "Mo i Rana"
    session.commit()
    changed = fetch(client, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert b"Mo i Rana" in changed.data


def test_new_case_updates_description_and_etag(client, session, make_meeting):
    meeting = make_meeting()
    first = fetch(client)
    assert b"Saksliste" not in first.data
    add_case(session, meeting, 45, "Budsjett 2026")
    again = fetch(client, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    ev = icalendar.Calendar.from_ical(again.data).walk("VEVENT")[0]
    assert str(ev["DESCRIPTION"]).splitlines()[-1] == "45-25 Budsjett 2026"


def test_several_bodies_share_one_plan(client, make_body, make_meeting):
    make_meeting(body=make_body("Styret"))
    make_meeting(body=make_body("Arbeidsutvalget"), start=oslo(2025, 11, 1, 9))
    cal = icalendar.Calendar.from_ical(fetch(client).data)
    assert str(cal["X-WR-CALNAME"]) == "Møteplan"
    assert [str(ev["SUMMARY"]) for ev in cal.walk("VEVENT")] == ["Styremøte – Styret", "Styremøte – Arbeidsutvalget"]


def test_empty_plan_is_a_valid_calendar(client):
    cal = icalendar.Calendar.from_ical(fetch(client).data)
    assert cal.walk("VEVENT") == []
    assert str(cal["X-WR-CALNAME"]) == "Møteplan"


def test_export_calendar_command(runner, session, make_body, make_meeting, tmp_path):
    timed, two_days, cancelled = plan(session, make_body, make_meeting)
    result = runner.invoke(args=["export", "calendar", "-o", str(tmp_path / "exports")])
    assert result.exit_code == 0, result.output
    path = tmp_path / "exports" / "moteplan.ics"
    assert result.output.strip() == str(path)
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert len(cal.walk("VEVENT")) == 3
    assert f"meeting-{two_days.id}@boardroom.test" in events_by_uid(cal)


def test_query_count_does_not_grow_with_cases(client, make_meeting, query_counter):
    make_meeting(cases=5)
    with query_counter() as few:
        fetch(client)
    make_meeting(cases=50, start=oslo(2025, 12, 4, 10))
    with query_counter() as many:
        body = fetch(client).data
    assert body.count(b"BEGIN:VEVENT") == 2
    assert many[0] == few[0]


def test_demo_meeting_plan(client, demo):
    cal = icalendar.Calendar.from_ical(fetch(client).data)
    assert str(cal["X-WR-CALNAME"]) == "Møteplan – Styret i Digitale Helgeland"
    events = cal.walk("VEVENT")
    assert [(ev["DTSTART"].dt, ev["DTEND"].dt, str(ev["STATUS"])) for ev in events] == [
        (date(2025, 10, 16), date(2025, 10, 17), "CONFIRMED"),
        # the 2026 plan of 45-25: 19.–20. januar, 20. mars, 11.–12. juni, 15.–16. oktober
        (date(2026, 1, 19), date(2026, 1, 21), "TENTATIVE"),
        (date(2026, 3, 20), date(2026, 3, 21), "TENTATIVE"),
        (date(2026, 6, 11), date(2026, 6, 13), "TENTATIVE"),
        (date(2026, 10, 15), date(2026, 10, 17), "TENTATIVE"),
    ]
    assert "Møteform: Digitalt" in str(events[2]["DESCRIPTION"]).splitlines()
    assert str(events[4]["LOCATION"]) == "Bodø"

    lines = str(events[0]["DESCRIPTION"]).splitlines()
    saksliste = lines[lines.index("Saksliste:") + 1:]
    assert [line[:5] for line in saksliste] == [f"{n}-25" for n in range(38, 50)]
    assert saksliste[0] == "38-25 Godkjenning av innkalling og agenda"
    assert "45-25 Møteplan for 2026" in saksliste
    assert saksliste[-1] == "49-25 Eventuelt"


def test_light_load_reads_no_case_texts(session, make_meeting):
    """A feed reads of a meeting's cases only what an event shows: their numbers and titles, not
    their texts (a feed over ten years would otherwise read every case's papers)."""
    from sqlalchemy import inspect

    from boardroom.calendar.ical import load_meetings

    meeting = make_meeting(cases=2)
    session.expunge_all()
    (loaded,) = load_meetings(session, m.Meeting.id == meeting.id, light=True)
    item = loaded.items[0]
    assert item.number_seq == 1 and item.case.title == "Sak nummer 1"
    assert {"background", "decision", "discussion", "proposal"} <= inspect(item).unloaded
    session.expunge_all()
    (full,) = load_meetings(session, m.Meeting.id == meeting.id)
    assert "background" not in inspect(full.items[0]).unloaded
