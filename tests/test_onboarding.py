"""Setting up an organisation by configuration, not code: the administrator creates one in the UI
and fills its registers under its own address, or loads its bodies, members, people and seats
from a spreadsheet (XLSX, or the same as CSV files). A bad file is refused whole, each problem
named with its sheet and line, and nothing of it is saved.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from sqlmodel import select

import boardroom.models as m
from boardroom.core.orgs import RESERVED_SLUGS
from boardroom.orgadmin import onboarding, organisations
from tests.agenda_helpers import docx_bytes
from tests.test_organisations import png

DOCS = Path(__file__).resolve().parent.parent / "docs"
COUNTED = (m.Organisation, m.Body, m.StandardCase, m.Municipality, m.PopulationFigure, m.Person, m.Membership,
           m.StoredFile)


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {model.__name__: session.exec(select(sa.func.count()).select_from(model)).one() for model in COUNTED}


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def new_organisation(auth, **values):
    data = dict(name="Kystregionen IKT IKS", short_name="KIKT", number="921876548", slug="kystregionen-ikt")
    data.update(values)
    return auth.post("/organisations/", data)


# --------------------------------------------------------------------------- in the UI


def test_the_administrator_creates_an_organisation_and_lands_in_its_registers(demo, client, auth):
    auth.login("admin")
    page = client.get("/organisations/").get_data(as_text=True)
    assert "Digitale Helgeland" in page and "Ny organisasjon" in page
    assert 'href="/organisations/">Organisasjoner</a>' in client.get("/").get_data(as_text=True)
    response = new_organisation(auth)
    assert response.status_code == 302
    assert response.headers["Location"] == "/kystregionen-ikt/registers/"
    registers = client.get("/kystregionen-ikt/registers/").get_data(as_text=True)
    assert "Kystregionen IKT IKS er opprettet." in registers
    assert re.search(r'Organer</a> <span class="muted">\(0\)', registers)
    front = client.get("/kystregionen-ikt/")
    assert front.status_code == 200
    assert '<span class="org">Kystregionen IKT IKS</span>' in front.get_data(as_text=True)
    organisation = demo.exec(select(m.Organisation).where(m.Organisation.slug == "kystregionen-ikt")).one()
    assert (organisation.short_name, organisation.number) == ("KIKT", "921876548")
    listing = client.get("/organisations/").get_data(as_text=True)
    assert "Kystregionen IKT IKS" in listing and "<code>/kystregionen-ikt/</code>" in listing


def test_the_new_organisation_with_a_logo(demo, client, auth):
    auth.login("admin")
    response = auth.post("/organisations/", dict(name="Logo AS", slug="logo-as", logo=(BytesIO(png()), "logo.png")),
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert '<img class="logo" src="/logo-as/logo"' in client.get("/logo-as/").get_data(as_text=True)
    assert client.get("/logo-as/logo").data == png()


def test_no_one_but_the_administrator_may_create_an_organisation(demo, client, auth):
    before = counts(demo)
    assert client.get("/organisations/").status_code == 302  # the log-in page for visitors
    auth.login("secretary")
    assert client.get("/organisations/").status_code == 403
    assert "Organisasjoner</a>" not in client.get("/").get_data(as_text=True)
    response = new_organisation(auth)
    assert response.status_code == 403
    assert "Bare administratoren" in response.get_data(as_text=True)
    organisation = demo.exec(select(m.Organisation)).first()
    assert auth.post(f"/organisations/{organisation.id}", dict(name="Kapret")).status_code == 403
    assert client.get("/organisations/import").status_code == 403
    assert counts(demo) == before
    assert demo.exec(select(m.Organisation.name)).all() == ["Digitale Helgeland"]


@pytest.mark.parametrize("values, message", [
    (dict(slug="meetings"), "Kortadressen «meetings» er opptatt av en side i boardroom; velg en annen."),
    (dict(slug="registers"), "Kortadressen «registers» er opptatt av en side i boardroom; velg en annen."),
    (dict(slug="Kyst IKT"), "Kortadressen kan bare ha små bokstaver a–z, sifre og bindestrek (høyst 50 tegn)."),
    (dict(slug="kyst_ikt"), "Kortadressen kan bare ha små bokstaver a–z, sifre og bindestrek (høyst 50 tegn)."),
    (dict(slug="digitale-helgeland"), "Kortadressen «digitale-helgeland» er allerede i bruk av Digitale Helgeland."),
    (dict(slug=""), "Oppgi kortadressen, for eksempel «felles-ikt»."),
    (dict(number="921876549"), "Organisasjonsnummeret har feil kontrollsiffer."),
    (dict(number="92187654"), "Organisasjonsnummeret må være ni siffer."),
    (dict(name=""), "Oppgi navnet på organisasjonen."),
    (dict(logo=(BytesIO(b"%PDF-1.4 not a picture"), "logo.pdf")), "Logoen må være en PNG- eller JPEG-fil."),
])
def test_a_bad_organisation_is_refused_with_a_message_and_nothing_saved(demo, auth, values, message):
    auth.login("admin")
    before = counts(demo)
    response = new_organisation(auth, **values) if "logo" not in values else auth.post(
        "/organisations/", dict(name="Kyst", slug="kyst", **values), content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert counts(demo) == before


def test_every_page_address_is_reserved_from_slugs(app):
    segments = {rule.rule.lstrip("/").split("/", 1)[0] for rule in app.url_map.iter_rules()} - {""}
    segments = {s for s in segments if not s.startswith("<")}
    assert segments <= RESERVED_SLUGS, segments - RESERVED_SLUGS


def test_the_administrator_changes_the_identity_but_not_the_address(demo, client, auth):
    auth.login("admin")
    new_organisation(auth)
    organisation = demo.exec(select(m.Organisation).where(m.Organisation.slug == "kystregionen-ikt")).one()
    url = f"/organisations/{organisation.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Kystregionen IKT IKS"' in page and "<code>/kystregionen-ikt/</code>" in page
    refused = auth.post(url, dict(name="Kystregionen IKT", short_name="KIKT", number="123456789"),
                        content_type="multipart/form-data")
    assert refused.status_code == 400 and "Organisasjonsnummeret har feil kontrollsiffer." in refused.get_data(
        as_text=True)
    response = auth.post(url, dict(name="Kystregionen IKT", short_name="KI", number="998 877 660",
                                   slug="stjalet", logo=(BytesIO(png()), "logo.png")),
                         content_type="multipart/form-data")
    assert response.status_code == 302
    demo.refresh(organisation)
    assert (organisation.name, organisation.short_name, organisation.number, organisation.slug) == (
        "Kystregionen IKT", "KI", "998877660", "kystregionen-ikt")
    front = client.get("/kystregionen-ikt/").get_data(as_text=True)
    assert '<span class="org">Kystregionen IKT</span>' in front and 'src="/kystregionen-ikt/logo"' in front
    assert auth.post(url, dict(name="Kystregionen IKT", remove_logo="y"),
                     content_type="multipart/form-data").status_code == 302
    assert client.get("/kystregionen-ikt/logo").status_code == 404
    assert client.get("/organisations/999999").status_code == 404


def test_the_new_organisation_is_filled_in_its_own_registers(demo, client, auth):
    """Bodies (number format, standard cases, Word template, co-signers, abstaining), members with
    weights, people and seats, each under /<slug>/registers/ and scoped to it."""
    auth.login("admin")
    new_organisation(auth)
    own = demo.exec(select(m.Organisation).where(m.Organisation.slug == "kystregionen-ikt")).one()
    p = "/kystregionen-ikt/registers"
    assert "er opprettet" in client.get(f"{p}/").get_data(as_text=True)  # the message, shown once
    dh_members = without_tokens(client.get("/registers/municipalities").get_data(as_text=True))
    assert auth.post(f"{p}/bodies/new", dict(name="Styret i Kystregionen IKT", short_name="Styret",
                                             case_number_format="{seq:02d}/{year}", co_signers="2",
                                             abstain_allowed="y", public="y", majority_rule="two_thirds",
                                             majority_base="members_present")).status_code == 302
    body = demo.exec(select(m.Body).where(m.Body.organisation_id == own.id)).one()
    assert (body.case_number_format, body.co_signers, body.abstain_allowed, body.majority_rule, body.majority_base) == (
        "{seq:02d}/{year}", 2, True, m.MajorityRule.two_thirds, m.MajorityBase.present)
    bodies = client.get(f"{p}/bodies").get_data(as_text=True)
    assert "Styret i Kystregionen IKT" in bodies and "38/2025" in bodies
    assert "Styret i Digitale Helgeland" not in bodies
    assert auth.post(f"{p}/bodies/{body.id}/standard-cases/new",
                     dict(place="opening", title="Orientering fra daglig leder", kind="information")).status_code == 302
    assert "Orientering fra daglig leder" in client.get(f"{p}/bodies/{body.id}").get_data(as_text=True)
    template = auth.post(f"/kystregionen-ikt/bodies/{body.id}/word-template",
                         data={"file": (BytesIO(docx_bytes("Mal", header="Kystregionen IKT")), "mal.docx")},
                         content_type="multipart/form-data")
    assert template.status_code == 302
    demo.refresh(body)
    assert body.word_template_id is not None
    # members with weights: a municipality with population, an enterprise by ownership share
    assert auth.post(f"{p}/municipalities/new", dict(kind="municipality", number="1820", name="Alstahaug",
                                                     ownership_share="60")).status_code == 302
    assert auth.post(f"{p}/municipalities/new", dict(kind="enterprise", number="974760673", name="Kyst Drift AS",
                                                     ownership_share="40")).status_code == 302
    refused = auth.post(f"{p}/municipalities/new", dict(kind="enterprise", number="974760674", name="Feil AS"))
    assert refused.status_code == 400 and "Organisasjonsnummeret har feil kontrollsiffer." in refused.get_data(
        as_text=True)
    alstahaug = demo.exec(select(m.Municipality).where(m.Municipality.organisation_id == own.id,
                                                       m.Municipality.number == "1820")).one()
    assert auth.post(f"{p}/municipalities/{alstahaug.id}/population/new",
                     dict(as_of="2025-06-30", population="7365")).status_code == 302
    members = client.get(f"{p}/municipalities").get_data(as_text=True)
    assert "Alstahaug" in members and "Kyst Drift AS" in members and "7\u00a0365" in members
    assert "Bindal" not in members
    assert without_tokens(client.get("/registers/municipalities").get_data(as_text=True)) == dh_members
    # people and seats
    assert auth.post(f"{p}/persons/new", dict(name="Kari Nordmann", email="kari@alstahaug.example")).status_code == 302
    kari = demo.exec(select(m.Person).where(m.Person.organisation_id == own.id)).one()
    form = client.get(f"{p}/persons/{kari.id}/memberships/new").get_data(as_text=True)
    assert "Alstahaug" in form and "Bindal" not in form and "Styret i Digitale Helgeland" not in form
    bindal = demo.exec(select(m.Municipality).where(m.Municipality.name == "Bindal")).one()
    seat = dict(body_id=str(body.id), role="chair", kind="for_member", voting="y")
    elsewhere = auth.post(f"{p}/persons/{kari.id}/memberships/new", dict(seat, municipality_id=str(bindal.id)))
    assert elsewhere.status_code == 400 and "Ikke et gyldig valg" in elsewhere.get_data(as_text=True)
    assert auth.post(f"{p}/persons/{kari.id}/memberships/new",
                     dict(seat, municipality_id=str(alstahaug.id))).status_code == 302
    persons = client.get(f"{p}/persons").get_data(as_text=True)
    assert "Kari Nordmann" in persons and "Styreleder" in persons
    assert "Kari Nordmann" not in client.get("/registers/persons").get_data(as_text=True)
    # a row of the other organisation is not found under this one's address
    assert client.get(f"{p}/municipalities/{bindal.id}").status_code == 404


# --------------------------------------------------------------------------- the import


SHEETS = {
    "organisasjon": [["Navn", "Kortnavn", "Organisasjonsnummer", "Kortadresse"],
                     ["Fjordhelse HF", "FH", "974760673", "fjordhelse"]],
    "organer": [["Navn", "Kortnavn", "Saksnummerformat", "Møtested", "Protokollunderskrivere", "Kan avstå",
                 "Åpen møteplan", "Flertallskrav"],
                ["Styret i Fjordhelse", "Styret", "{seq:02d}-{year}", "Førde", "2", "ja", "nei", "To tredjedels flertall"]],
    "medlemmer": [["Navn", "Type", "Nummer", "Region", "Eierandel (%)", "Medlem fra", "Medlem til", "Folketall",
                   "Folketall per"],
                  ["Helse Vest RHF", "helseforetak", "983658725", "Vest", "70", "01.01.2024", "", "", ""],
                  ["Sunnfjord", "kommune", "4647", "Vest", "30", "", "", "22 300", "30.06.2025"]],
    "personer": [["Navn", "E-post", "Stilling", "Tilhørighet"],
                 ["Brit Øvrebø", "brit@helse-vest.example", "direktør", "Helse Vest"],
                 ["Nils Aasen", "", "ordfører", "Sunnfjord"],
                 ["Else Rygg", "", "sykepleier", "Fjordhelse"],
                 ["Kjell Sande", "", "rådgiver", "Sunnfjord"]],
    "verv": [["Person", "Organ", "Rolle", "Representerer", "Stemmerett", "Fra", "Til", "Vara for"],
             ["Brit Øvrebø", "Styret", "styreleder", "Helse Vest RHF", "ja", "01.01.2026", "", ""],
             ["Nils Aasen", "Styret i Fjordhelse", "styremedlem", "4647", "", "", "", ""],
             ["Else Rygg", "Styret", "styremedlem", "ansattrepresentant", "ja", "", "", ""],
             ["Kjell Sande", "Styret", "varamedlem", "Sunnfjord", "ja", "", "", "Nils Aasen"]],
}


def workbook(sheets=SHEETS) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def write_csvs(folder: Path, sheets=SHEETS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        (folder / f"{name}.csv").write_text("\r\n".join(";".join(row) for row in rows) + "\r\n", encoding="utf-8-sig")
    return folder


def changed(sheet: str, line: int, column: str, value, sheets=SHEETS) -> dict:
    """The good sheets with one cell changed (line as the spreadsheet numbers it, header = 1)."""
    copy = {name: [list(row) for row in rows] for name, rows in sheets.items()}
    header = copy[sheet][0]
    copy[sheet][line - 1][header.index(column)] = value
    return copy


def dh_pages(client) -> dict[str, bytes]:
    """The first organisation's pages as a visitor reads them (a signed-in page carries a fresh token)."""
    visitor = client.application.test_client()
    return {url: visitor.get(url).data for url in ("/", "/members", "/meetings", "/api/meetings", "/calendar.ics")}


def check_loaded(client, session, slug="fjordhelse"):
    organisation = session.exec(select(m.Organisation).where(m.Organisation.slug == slug)).one()
    body = session.exec(select(m.Body).where(m.Body.organisation_id == organisation.id)).one()
    assert (body.case_number_format, body.co_signers, body.abstain_allowed, body.public, body.majority_rule) == (
        "{seq:02d}-{year}", 2, True, False, m.MajorityRule.two_thirds)
    assert len(body.standard_cases) == 3  # the usual ones
    members = client.get(f"/{slug}/registers/municipalities").get_data(as_text=True)
    assert "Helse Vest RHF" in members and "Sunnfjord" in members and "22\u00a0300" in members
    persons = client.get(f"/{slug}/registers/persons").get_data(as_text=True)
    for name in ("Brit Øvrebø", "Nils Aasen", "Else Rygg", "Kjell Sande"):
        assert name in persons
    assert "for Nils Aasen" in persons  # the deputy's seat
    seats = {p.name: s for s, p in session.exec(select(m.Membership, m.Person).join(m.Person)
                                                 .where(m.Person.organisation_id == organisation.id))}
    assert seats["Else Rygg"].kind == m.SeatKind.employee and seats["Else Rygg"].municipality_id is None
    assert seats["Kjell Sande"].deputy_for_id == seats["Nils Aasen"].id
    shares = dict(session.exec(select(m.Municipality.name, m.Municipality.ownership_share)
                               .where(m.Municipality.organisation_id == organisation.id)).all())
    assert shares == {"Helse Vest RHF": 70, "Sunnfjord": 30}
    assert '<span class="org">Fjordhelse HF</span>' in client.get(f"/{slug}/").get_data(as_text=True)


def test_a_good_workbook_loads_and_the_first_organisation_is_unchanged(demo, client, auth, runner, tmp_path):
    auth.login("admin")
    before = dh_pages(client)
    path = tmp_path / "fjordhelse.xlsx"
    path.write_bytes(workbook())
    result = runner.invoke(args=["import", "organisation", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Fjordhelse HF (/fjordhelse/): lest inn 1 organ, 2 medlemmer, 4 personer og 4 verv."
    check_loaded(client, demo)
    after = dh_pages(client)
    assert [url for url in before if before[url] != after[url]] == []


def test_the_same_as_csv_files_loads(demo, client, auth, runner, tmp_path):
    auth.login("admin")
    folder = write_csvs(tmp_path / "fjordhelse")
    result = runner.invoke(args=["import", "organisation", str(folder)])
    assert result.exit_code == 0, result.output
    check_loaded(client, demo)


def test_the_import_as_an_upload_on_the_administrators_page(demo, client, auth):
    auth.login("admin")
    before = dh_pages(client)
    assert "Les inn fra regneark" in client.get("/organisations/import").get_data(as_text=True)
    response = auth.post("/organisations/import", {"files": (BytesIO(workbook()), "fjordhelse.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"] == "/fjordhelse/registers/"
    check_loaded(client, demo)
    after = dh_pages(client)
    assert [url for url in before if before[url] != after[url]] == []


def test_csv_uploads_load_into_an_organisation_that_exists(demo, client, auth, tmp_path):
    auth.login("admin")
    new_organisation(auth, slug="fjordhelse", name="Fjordhelse HF", number="974760673")
    organisation = demo.exec(select(m.Organisation).where(m.Organisation.slug == "fjordhelse")).one()
    folder = write_csvs(tmp_path / "csv", {k: v for k, v in SHEETS.items() if k != "organisasjon"})
    files = [(BytesIO(p.read_bytes()), p.name) for p in sorted(folder.iterdir())]
    response = auth.post("/organisations/import", {"files": files, "organisation_id": str(organisation.id)},
                         content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    check_loaded(client, demo)


def test_the_example_in_the_docs_loads_as_workbook_and_as_csv(demo, session):
    for sheets in (onboarding.read_paths([DOCS / "onboarding-example.xlsx"]),
                   onboarding.read_paths([DOCS / "onboarding"])):
        loaded = onboarding.load_organisation(session, sheets)
        assert loaded.summary() == ("Kystregionen IKT IKS (/kystregionen-ikt/): lest inn 2 organer, 4 medlemmer, "
                                    "7 personer og 9 verv.")
        session.rollback()


def refused(session, sheets, into=None) -> list[str]:
    before = counts(session)
    with pytest.raises(onboarding.ImportRefused) as caught:
        onboarding.load_organisation(session, sheets, into)
    session.rollback()
    assert counts(session) == before
    return caught.value.problems


BAD = [
    ({k: v for k, v in SHEETS.items() if k != "verv"}, "Filen mangler arket «verv» (som CSV: verv.csv)."),
    (changed("verv", 2, "Representerer", "Sortland"),
     "verv, linje 2: ukjent medlem «Sortland» (legg medlemmet inn i arket «medlemmer»)."),
    (changed("personer", 4, "Navn", "nils  aasen"), "personer, linje 4: personen «nils  aasen» står også på linje 3."),
    (changed("medlemmer", 2, "Nummer", "983658726"), "medlemmer, linje 2: Organisasjonsnummeret har feil kontrollsiffer."),
    (changed("organisasjon", 2, "Organisasjonsnummer", "974760674"),
     "organisasjon, linje 2: Organisasjonsnummeret har feil kontrollsiffer."),
    (changed("medlemmer", 3, "Eierandel (%)", "25"),
     "medlemmer: Eierandelene til medlemmene må summere til 100 %, men summerer til 95 %."),
    (changed("verv", 2, "Representerer", "Rana"),
     "verv, linje 2: medlemmet «Rana» hører til Digitale Helgeland; et verv kan bare representere et medlem av sin "
     "egen organisasjon."),
    (changed("verv", 5, "Rolle", "sjef"), "verv, linje 5: ukjent rolle «sjef»."),
    (changed("organer", 2, "Flertallskrav", "flest"), "organer, linje 2: ukjent flertallskrav «flest» (bruk «Alminnelig "
     "flertall», «To tredjedels flertall», «Enstemmighet»)."),
    (changed("verv", 4, "Organ", "Valgkomiteen"), "verv, linje 4: ukjent organ «Valgkomiteen»"),
    (changed("organisasjon", 2, "Kortadresse", "meetings"),
     "organisasjon, linje 2: Kortadressen «meetings» er opptatt av en side i boardroom; velg en annen."),
    (changed("medlemmer", 3, "Medlem fra", "31.02.2025"), "medlemmer, linje 3: Medlem fra «31.02.2025» er ikke en dato."),
    (changed("personer", 1, "E-post", "Epost"), "personer, linje 1: ukjent kolonne «Epost»."),
]


@pytest.mark.parametrize("sheets, message", BAD, ids=[b[1][:40] for b in BAD])
def test_a_bad_file_is_refused_with_sheet_and_line_and_nothing_is_saved(demo, sheets, message):
    problems = refused(demo, onboarding.read_upload({"bad.xlsx": workbook(sheets)}))
    assert any(message in p for p in problems), problems


def test_the_same_bad_rows_are_refused_from_csv_files(demo, tmp_path):
    folder = write_csvs(tmp_path / "bad", changed("verv", 2, "Representerer", "Sortland"))
    problems = refused(demo, onboarding.read_paths([folder]))
    assert problems == ["verv, linje 2: ukjent medlem «Sortland» (legg medlemmet inn i arket «medlemmer»)."]


def test_every_problem_of_a_file_is_reported_at_once(demo):
    sheets = changed("personer", 5, "Navn", "Brit Øvrebø", changed("medlemmer", 2, "Nummer", "983658726"))
    problems = refused(demo, onboarding.read_upload({"bad.xlsx": workbook(sheets)}))
    assert "medlemmer, linje 2: Organisasjonsnummeret har feil kontrollsiffer." in problems
    assert "personer, linje 5: personen «Brit Øvrebø» står også på linje 2." in problems


def test_a_seat_for_a_member_of_another_organisation_is_refused_when_loading_into_one(demo):
    into = organisations.create_organisation(demo, "Fjordhelse HF", "fjordhelse")
    demo.commit()
    sheets = {k: v for k, v in changed("verv", 3, "Representerer", "Bindal").items() if k != "organisasjon"}
    problems = refused(demo, onboarding.read_upload({"bad.xlsx": workbook(sheets)}), into)
    assert problems == ["verv, linje 3: medlemmet «Bindal» hører til Digitale Helgeland; et verv kan bare "
                        "representere et medlem av sin egen organisasjon."]


def test_a_file_for_an_organisation_that_exists_without_the_option_is_refused(demo):
    sheets = {k: v for k, v in SHEETS.items() if k != "organisasjon"}
    problems = refused(demo, onboarding.read_upload({"bad.xlsx": workbook(sheets)}))
    assert problems[0].startswith("Filen mangler arket «organisasjon»")


def test_the_command_exits_non_zero_with_the_problems_on_stderr(demo, runner, tmp_path):
    before = counts(demo)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(changed("verv", 2, "Representerer", "Sortland")))
    result = runner.invoke(args=["import", "organisation", str(path)])
    assert result.exit_code == 1
    assert "verv, linje 2: ukjent medlem «Sortland»" in result.stderr
    assert "ingenting er lagret" in result.stderr and result.stdout == ""
    assert counts(demo) == before
    missing = runner.invoke(args=["import", "organisation", str(path), "--organisation", "finnes-ikke"])
    assert missing.exit_code != 0 and "Fant ingen organisasjon med kortadressen «finnes-ikke»." in missing.output
    (tmp_path / "notes.txt").write_text("hei")
    other = runner.invoke(args=["import", "organisation", str(tmp_path / "notes.txt")])
    assert other.exit_code == 1 and "«notes.txt» er verken en .xlsx- eller en .csv-fil." in other.stderr


def test_a_bad_upload_is_refused_with_422_and_nothing_is_saved(demo, client, auth):
    auth.login("admin")
    before = counts(demo)
    response = auth.post("/organisations/import",
                         {"files": (BytesIO(workbook(changed("personer", 4, "Navn", "Nils Aasen"))), "f.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "personer, linje 4: personen «Nils Aasen» står også på linje 3." in page
    assert "ingenting er lagret" in page
    not_a_workbook = auth.post("/organisations/import", {"files": (BytesIO(b"PK\x03\x04 broken"), "f.xlsx")},
                               content_type="multipart/form-data")
    assert not_a_workbook.status_code == 422
    assert "kan ikke leses som et Excel-regneark" in not_a_workbook.get_data(as_text=True)
    assert auth.post("/organisations/import", {}, content_type="multipart/form-data").status_code == 400
    assert counts(demo) == before


def test_a_kommunenummer_with_a_leading_zero_survives_a_number_cell(demo, session):
    sheets = changed("medlemmer", 3, "Nummer", 301, changed("medlemmer", 3, "Navn", "Oslo"))
    sheets = changed("verv", 3, "Representerer", "Oslo", sheets)
    sheets = changed("verv", 5, "Representerer", "Oslo", sheets)
    sheets = changed("medlemmer", 3, "Folketall", "", sheets)
    onboarding.load_organisation(session, onboarding.read_upload({"f.xlsx": workbook(sheets)}))
    assert session.exec(select(m.Municipality.number).where(m.Municipality.name == "Oslo")).one() == "0301"
