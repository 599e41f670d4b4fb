"""The board member's own calendar in a real browser (Debian's Chromium through Playwright):
sign in, make the feed address on the Kalender page, copy it, and read the feed it leads to."""

from __future__ import annotations

import pytest
import vobject
from sqlmodel import select

import boardroom.models as m
from tests.browser_support import ARTIFACTS, CHROMIUM, HAVE_CHROMIUM, launch, serve

if not HAVE_CHROMIUM:
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def test_member_makes_copies_and_uses_the_feed_address(app, demo):
    from boardroom.demo import load_demo_accounts

    load_demo_accounts(demo)
    demo.commit()
    person = demo.exec(select(m.Person).where(m.Person.name == "Knut Toresen")).one()
    invited = demo.exec(select(m.Attendance.meeting_id).where(m.Attendance.person_id == person.id)).all()
    assert invited
    with serve(app) as url, sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = context.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("E-post").fill("styremedlem@digitalehelgeland.example")
        page.get_by_label("Passord").fill("styremedlem-demo")
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("link", name="Møteplan (kalender)").click()
        expect(page.get_by_role("heading", name="Mine møter")).to_be_visible()
        page.get_by_role("button", name="Lag min kalenderlenke").click()

        field = page.get_by_label("Kalenderadresse å kopiere").first
        expect(field).to_be_visible()
        address = field.input_value()
        assert address.startswith("webcal://boardroom.test/calendar/feed/")
        page.get_by_role("button", name="Kopier").first.click()
        expect(page.get_by_role("button", name="Kopiert")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == address
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "calendar-phone.png"), full_page=True)

        path = address.removeprefix("webcal://boardroom.test")
        response = page.request.get(f"{url}{path}")
        assert response.status == 200
        cal = vobject.readOne(response.text())
        assert {ev.uid.value for ev in cal.vevent_list} == {f"meeting-{i}@boardroom.test" for i in invited}

        page.reload()  # shown once: the address is gone, and a new one can be made
        expect(page.locator("#ny-lenke")).to_have_count(0)
        assert address not in page.content()
        expect(page.get_by_role("button", name="Lag en ny lenke (den gamle slutter å virke)")).to_be_visible()
        browser.close()
