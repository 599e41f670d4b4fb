"""One origin: absolute links and calendar UIDs come from the configured address, never from a
request's Host header, and no cached copy is shared between hosts."""

from __future__ import annotations

import icalendar

from boardroom import create_app
from tests.conftest import oslo

EVIL = {"Host": "evil.example"}


def uids_and_urls(data: bytes) -> list[tuple[str, str]]:
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    return [(str(e["UID"]), str(e.get("URL", ""))) for e in events]


def test_a_forged_host_changes_nothing_in_the_feed(client, make_meeting):
    meeting = make_meeting(start=oslo(2026, 2, 5, 10))
    forged = client.get("/calendar.ics", headers=EVIL)  # the first request fills the cache
    assert forged.status_code == 200
    assert b"evil.example" not in forged.data
    assert uids_and_urls(forged.data) == [(f"meeting-{meeting.id}@boardroom.test",
                                           f"http://boardroom.test/meetings/{meeting.id}")]
    honest = client.get("/calendar.ics")
    assert uids_and_urls(honest.data) == uids_and_urls(forged.data)


def test_a_forged_host_changes_nothing_in_json_and_pages(client, make_meeting):
    meeting = make_meeting(start=oslo(2026, 2, 5, 10))
    for path in ("/api/meetings", f"/api/meetings/{meeting.id}", f"/meetings/{meeting.id}", "/", "/meetings"):
        forged = client.get(path, headers=EVIL)
        assert forged.status_code == 200, path
        assert b"evil.example" not in forged.data, path
    listed = client.get("/api/meetings", headers=EVIL).get_json()
    assert listed[0]["url"] == f"http://boardroom.test/meetings/{meeting.id}"
    assert listed[0]["protokoll_url"] == f"http://boardroom.test/meetings/{meeting.id}/protokoll.docx"


def test_cached_copies_are_kept_per_host(app, client, make_meeting):
    make_meeting(start=oslo(2026, 2, 5, 10))
    client.get("/calendar.ics", headers=EVIL)
    client.get("/calendar.ics")
    hosts = {key[4] for key in app.extensions["boardroom.cache"]._data}
    assert {"evil.example", "localhost"} <= hosts


def test_without_a_setting_the_address_is_stored_at_first_start(app, engine, database_url, make_meeting, monkeypatch):
    """No BOARDROOM_BASE_URL: the address stored in the instance folder serves, not the Host header."""
    monkeypatch.delenv("BOARDROOM_BASE_URL", raising=False)
    meeting = make_meeting(start=oslo(2026, 2, 5, 10))
    unset = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    unset.extensions["boardroom.engine"].dispose()
    unset.extensions["boardroom.engine"] = engine
    with open(unset.instance_path + "/base_url") as f:
        stored = f.read().strip()
    assert stored and unset.config["BASE_URL"] == stored
    forged = unset.test_client().get("/calendar.ics", headers=EVIL)
    assert b"evil.example" not in forged.data
    assert uids_and_urls(forged.data)[0][1] == f"{stored}/meetings/{meeting.id}"
    monkeypatch.setenv("BOARDROOM_BASE_URL", "https://styre.example.no")
    assert create_app({"TESTING": True, "DATABASE_URL": database_url}).config["BASE_URL"] == "https://styre.example.no"


def test_the_administrator_sees_the_address(client, auth):
    auth.login("secretary")
    html = client.get("/registers/").get_data(as_text=True)
    assert "Adressen i lenker og kalenderabonnement: <strong>http://boardroom.test</strong>" in html
