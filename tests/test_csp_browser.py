"""Under the Content-Security-Policy the pages' own scripts and styles still work in a real
browser (Debian's Chromium), and nothing is blocked (#10, item 1)."""

from __future__ import annotations

import pytest
from sqlmodel import select

import boardroom.models as m
from tests.browser_support import CHROMIUM, HAVE_CHROMIUM, launch, serve

if not HAVE_CHROMIUM:
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def test_no_page_breaks_the_policy_and_the_scripts_run(app, demo, auth):
    user = auth.create("secretary", email="sekr@example.org")
    body = demo.exec(select(m.Body)).first()
    meeting = demo.exec(select(m.Meeting).where(m.Meeting.place == "Bodø og Teams")).one()
    blocked = []
    with serve(app) as url, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto(f"{url}/login")
        page.get_by_label("E-post").fill(user.email)
        page.get_by_label("Passord").fill(auth.PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_text("Du er logget inn.")).to_be_visible()
        for path in ("/", f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/agenda", "/participation",
                     "/registers/", "/finnes-ikke"):
            page.goto(url + path)
        # the style sheet applies (no inline style needed) ...
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") != "static"
        # ... and the body form's script, moved to a file, still shows the example number as one types
        page.goto(f"{url}/registers/bodies/{body.id}")
        page.locator("#case_number_format").fill("{year}/{seq:03d}")
        expect(page.locator("#format-example [data-example]")).to_have_text("2025/038")
        browser.close()
    assert blocked == []
