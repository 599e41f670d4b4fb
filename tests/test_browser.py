"""The meeting page in a real browser (Debian's Chromium through Playwright), at phone and
laptop width: what a reader sees, and that the page itself never scrolls sideways.

Screenshots go to test-artifacts/. With BOARDROOM_DOCS_SCREENSHOTS=1 the test also refreshes
the README's screenshots in docs/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import select

import boardroom.models as m
from tests.browser_support import CHROMIUM, HAVE_CHROMIUM, launch, serve

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
DOCS = ROOT / "docs"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

if not HAVE_CHROMIUM:
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture
def server(app, demo):
    """The app with the demo data, served on a free local port from a thread."""
    with serve(app) as url:
        yield url


@pytest.fixture
def browser():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def overflows_sideways(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > window.innerWidth || document.body.scrollWidth > window.innerWidth"
    )


def test_meeting_page_on_phone_and_laptop(server, browser, demo):
    meeting = demo.exec(select(m.Meeting).where(m.Meeting.place == "Bodø og Teams")).one()
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page = browser.new_page(viewport=viewport)
        response = page.goto(f"{server}/meetings/{meeting.id}")
        assert response.status == 200
        expect(page).to_have_title("Styremøte 16. oktober 2025 – boardroom")
        expect(page.get_by_role("heading", name="Saksliste", exact=True)).to_be_visible()
        agenda = page.locator("table.agenda")
        expect(agenda).to_be_visible()
        expect(agenda.get_by_role("row")).to_have_count(13)  # header + 12 cases
        case = page.get_by_role("heading", name="Sak 40-25 Budsjett 2026")
        case.scroll_into_view_if_needed()
        expect(case).to_be_visible()
        assert not overflows_sideways(page), f"the page scrolls sideways at {name} width"

        # keyboard users reach the skip link first, and it leads to the content
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_text("Hopp til innholdet")
        page.screenshot(path=str(ARTIFACTS / f"meeting-{name}.png"))
        page.close()


def test_participation_page_fits_and_screenshots(server, browser):
    page = browser.new_page(viewport=LAPTOP)
    page.goto(f"{server}/participation")
    expect(page.get_by_role("cell", name="Alle unntatt: Bindal (18/19)").first).to_be_visible()
    assert not overflows_sideways(page)
    page.set_viewport_size(PHONE)
    assert not overflows_sideways(page), "only the tables may scroll sideways on a phone"
    page.screenshot(path=str(ARTIFACTS / "participation-phone.png"), full_page=True)
    page.close()


@pytest.mark.skipif(not os.environ.get("BOARDROOM_DOCS_SCREENSHOTS"), reason="set BOARDROOM_DOCS_SCREENSHOTS=1 to refresh docs/")
def test_readme_screenshots(server, browser, demo):
    meeting = demo.exec(select(m.Meeting).where(m.Meeting.place == "Bodø og Teams")).one()
    DOCS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=LAPTOP)
    page.goto(f"{server}/meetings/{meeting.id}")
    agenda = page.locator("table.agenda").bounding_box()  # from the top down to the end of the saksliste
    clip = {"x": 0, "y": 0, "width": LAPTOP["width"], "height": agenda["y"] + agenda["height"] + 24}
    page.screenshot(path=str(DOCS / "meeting.png"), full_page=True, clip=clip)
    page.goto(f"{server}/participation")
    page.screenshot(path=str(DOCS / "participation.png"), full_page=True)
    page.close()
