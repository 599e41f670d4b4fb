"""The secretary's whole workflow in a real browser (Debian's Chromium through Playwright):
log in, create a meeting, add three cases, reorder them, send the notice, record attendance,
decisions and a vote, choose the co-signer, approve, download protokoll.docx and read it back
with python-docx. A screenshot of the meeting page goes to test-artifacts/.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from tests.browser_support import ARTIFACTS, CHROMIUM, HAVE_CHROMIUM, launch, serve
from tests.test_protokoll import blocks

SECRETARY = ("sekretaer@digitalehelgeland.example", "sekretaer-demo")
CASES = [  # (title, background, proposal)
    ("Budsjettjustering 2026", "Tilskuddet fra **Helsedirektoratet** kom inn i mai.", "Styret vedtar budsjettjusteringen."),
    ("Felles personvernombud", "Personvernombudet har sagt opp.", "Stillingen lyses ut på nytt."),
    ("Digital hjemmeoppfølging – status", "- 20 pasienter\n- 4 klynger", "Styret tar saken til orientering."),
]

if not HAVE_CHROMIUM:
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); the browser test needs it",
                allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture
def server(app, demo):
    """The app with the demo data and its accounts, served on a free local port from a thread."""
    from boardroom.demo import load_demo_accounts

    load_demo_accounts(demo)
    demo.commit()
    with serve(app) as url:
        yield url


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        yield context.new_page()
        context.close()
        browser.close()


OPENING = ["Godkjenning av innkalling og agenda", "Valg av person til å undertegne protokoll sammen med møteleder"]


def expect_agenda(page, titles: list[str]) -> None:
    """The builder's saksliste shows exactly these titles, in this order (waits for the page)."""
    expect(page.locator("table.builder tbody tr td:not(.row-actions) a[href*='/cases/']")).to_have_text(titles)


def test_from_new_meeting_to_approved_minutes(server, page):
    page.set_default_timeout(15_000)
    flash = page.locator(".flash")

    # log in as the secretary
    page.goto(f"{server}/login")
    page.get_by_label("E-post").fill(SECRETARY[0])
    page.get_by_label("Passord").fill(SECRETARY[1])
    page.get_by_role("button", name="Logg inn").click()
    expect(flash).to_contain_text("Du er logget inn.")

    # a new meeting: it starts with the body's standard cases and its members invited
    page.goto(f"{server}/meetings/new")
    page.get_by_label("Dato", exact=True).fill("2026-05-20")
    page.get_by_label("Fra klokken").fill("10:00")
    page.get_by_label("Til klokken").fill("14:00")
    page.get_by_label("Sted", exact=True).fill("Mosjøen")
    page.get_by_role("button", name="Opprett møtet").click()
    expect(page.locator("h1")).to_contain_text("Saksliste")
    builder_url = page.url

    # three cases, each added before Eventuelt
    for title, background, proposal in CASES:
        page.get_by_role("link", name="Legg til sak").first.click()
        page.get_by_label("Tittel", exact=True).fill(title)
        page.get_by_label("Opplysninger til saken").fill(background)
        page.get_by_label("Forslag til vedtak").fill(proposal)
        page.get_by_role("button", name="Lagre", exact=True).click()
        expect(page.locator("table.builder")).to_contain_text(title)
    expect_agenda(page, OPENING + [c[0] for c in CASES] + ["Eventuelt"])

    # reorder without JavaScript's help: the last of the three moves up twice, to the top of the three
    page.get_by_role("button", name=f"Flytt «{CASES[2][0]}» opp").click()
    expect_agenda(page, OPENING + [CASES[0][0], CASES[2][0], CASES[1][0], "Eventuelt"])
    page.get_by_role("button", name=f"Flytt «{CASES[2][0]}» opp").click()
    expect_agenda(page, OPENING + [CASES[2][0], CASES[0][0], CASES[1][0], "Eventuelt"])

    # send the notice: the numbers are fixed in this order
    page.get_by_role("link", name="Send innkalling").first.click()
    page.get_by_role("button", name="Send innkalling").click()
    expect(flash).to_contain_text("Møtet er innkalt")
    expect(page.locator("table.builder tbody tr td.nowrap")).to_have_text(
        ["01-26", "02-26", "03-26", "04-26", "05-26", "06-26"])

    # attendance: Bindal sent apologies, Træna did not come
    meeting_url = builder_url.removesuffix("/agenda")
    page.goto(meeting_url)
    page.get_by_role("link", name="Registrer oppmøte").click()
    page.get_by_label("Oppmøte for Knut Toresen").select_option(label="Forfall (meldt)")
    page.get_by_label("Oppmøte for Ingebjorg Vamrak").select_option(label="Ikke til stede, uten melding")
    page.get_by_role("button", name="Lagre oppmøte").click()
    expect(flash).to_contain_text("Oppmøtet er registrert.")
    expect(page.locator("#deltakere")).to_be_visible()
    expect(page.locator("dl.facts.wide")).to_contain_text(re.compile(r"Ikke til stede\s*Bindal og Træna"))

    # the decision that names the co-signer
    page.locator("#sak-02-26 h3 a").click()
    page.get_by_role("link", name="Registrer vedtak og votering").click()
    page.get_by_label("Vedtak", exact=True).fill(
        "Styret valgte Renate Mathisen som person til å undertegne protokoll sammen med møteleder.")
    page.get_by_label("Ingen votering (orientering eller diskusjon)").check()
    page.get_by_role("button", name="Registrer vedtak og votering").click()
    expect(flash).to_contain_text("Vedtaket er lagret.")

    # the budget: the decision is pre-filled from the proposal, edited, and voted on
    page.goto(meeting_url)
    page.locator("#sak-04-26 h3 a").click()
    page.get_by_role("link", name="Registrer vedtak og votering").click()
    decision = page.get_by_label("Vedtak", exact=True)
    expect(decision).to_have_value("Styret vedtar budsjettjusteringen.")
    decision.fill("Styret vedtar budsjettjusteringen, med en økning på kr 200 000 til kurs.")
    page.get_by_label("Diskusjoner i møtet").fill("- Leirfjord ønsket lavere kostnader.")
    page.get_by_label("Votering: stemmene per kommune nedenfor").check()
    votes = page.locator("table.votes-form")  # the participation checkboxes below are named by municipality too
    expect(votes.get_by_label("Bindal", exact=True)).to_have_value("absent")  # pre-filled from attendance
    votes.get_by_label("Leirfjord", exact=True).select_option(label="Mot")
    votes.get_by_label("Rana", exact=True).select_option(label="Mot")
    page.get_by_role("button", name="Registrer vedtak og votering").click()
    expect(page.locator(".vote-result")).to_have_text("Vedtatt mot 2 stemmer (Leirfjord, Rana).")
    expect(page.locator("#historikk + div")).to_contain_text("Vedtak")

    # co-signer (suggested from case 02-26), held, approved
    page.goto(meeting_url)
    page.get_by_role("link", name="Velg protokollunderskriver").click()
    expect(page.get_by_label("Protokollunderskriver")).to_have_value(page.get_by_role("option", name="Renate Mathisen (Vevelstad)").get_attribute("value"))
    page.get_by_role("button", name="Lagre").click()
    expect(flash).to_contain_text("Protokollunderskriver er valgt.")
    page.get_by_role("link", name="Godkjenn protokoll").click()
    page.get_by_role("button", name="Marker som gjennomført").click()
    expect(flash).to_contain_text("gjennomført")
    # decision cases whose way of deciding nobody recorded hold the approval back until the secretary chooses
    waiting = page.locator("#uten-avgjorelse li a")
    expect(waiting).to_have_count(3)
    expect(waiting.first).to_have_text("Sak 01-26 Godkjenning av innkalling og agenda")
    for _ in range(3):
        page.locator("#uten-avgjorelse li a").first.click()
        page.get_by_label("Enstemmig vedtatt (bekreftet i møtet)").check()
        page.get_by_role("button", name="Registrer vedtak og votering").click()
        expect(flash).to_contain_text("Vedtaket er lagret.")
        page.goto(meeting_url + "/godkjenn")
    expect(page.locator("#uten-avgjorelse")).to_have_count(0)
    page.get_by_label("Styret har godkjent protokollen").check()
    page.get_by_role("button", name="Godkjenn protokollen").click()
    expect(flash).to_contain_text("Protokollen er godkjent og låst.")
    expect(page.locator("dl.facts").first).to_contain_text("Protokoll godkjent")
    expect(page.get_by_role("link", name="Registrer rettelse")).to_be_visible()
    expect(page.get_by_role("link", name="Registrer oppmøte")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-approved-meeting.png"), full_page=True)

    # the minutes as Word, read back
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned protokoll (Word)").click()
    assert download.value.suggested_filename == "protokoll-styremote-2026-05-20.docx"
    text = blocks(Document(BytesIO(Path(download.value.path()).read_bytes())))
    assert "Tid: 20. mai 2026 kl. 10.00–14.00" in text and "Sted: Mosjøen" in text
    assert "Ikke til stede: Bindal og Træna" in text
    headings = [t for t in text if t.startswith("Sak ") and t[4:6].isdigit()]
    assert headings == [
        "Sak 01-26 Godkjenning av innkalling og agenda",
        "Sak 02-26 Valg av person til å undertegne protokoll sammen med møteleder",
        "Sak 03-26 Digital hjemmeoppfølging – status", "Sak 04-26 Budsjettjustering 2026",
        "Sak 05-26 Felles personvernombud", "Sak 06-26 Eventuelt",
    ]
    budget = text.index("Sak 04-26 Budsjettjustering 2026")
    assert text[budget + 1:budget + 6] == [
        "Vedtak: Styret vedtar budsjettjusteringen, med en økning på kr 200 000 til kurs.",
        "Votering: Vedtatt mot 2 stemmer (Leirfjord, Rana).",
        "Diskusjoner i møtet", "Leirfjord ønsket lavere kostnader.", "Opplysninger til saken",
    ]
    assert text[budget + 6] == "Tilskuddet fra Helsedirektoratet kom inn i mai."
    assert text[-2:] == ["_" * 32 + "\nRobert Pettersen (møteleder)", "_" * 32 + "\nRenate Mathisen"]
