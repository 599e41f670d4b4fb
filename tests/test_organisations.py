"""Several organisations in one installation: each sees only its own, under its own address.

Digitale Helgeland (the demo) is the first organisation, served at the addresses that existed
before organisations; the demo's health trust lives under /felles-ikt/. A change in the trust
leaves every byte Digitale Helgeland's visitors get unchanged, above all its approved minutes;
a secretary of one organisation cannot change the other's rows.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import func, select

import boardroom.models as m
from boardroom.core.access import grant_role
from boardroom.core.cache import total_revision
from boardroom.core.orgs import orgnr_error, slug_error
from boardroom.demo import health, load_second_organisation

B = f"/{health.SLUG}"


@pytest.fixture
def two(demo):
    load_second_organisation(demo)
    demo.commit()
    dh = demo.exec(select(m.Organisation).where(m.Organisation.slug == "digitale-helgeland")).one()
    trust = demo.exec(select(m.Organisation).where(m.Organisation.slug == health.SLUG)).one()
    return demo, dh, trust


def meeting_of(session, organisation):
    return session.exec(select(m.Meeting).join(m.Body).where(m.Body.organisation_id == organisation.id,
                                                             m.Meeting.status == m.MeetingStatus.approved)
                        .order_by(m.Meeting.id)).first()


# --------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize("number", ["974760673", "923456783", "974 760 673"])
def test_an_organisation_number_with_its_check_digit_is_accepted(number):
    assert orgnr_error(number) is None


@pytest.mark.parametrize("number, message", [
    ("974760674", "Organisasjonsnummeret har feil kontrollsiffer."),
    ("923456781", "Organisasjonsnummeret har feil kontrollsiffer."),
    ("12345678", "Organisasjonsnummeret må være ni siffer."),
    ("97476067X", "Organisasjonsnummeret må være ni siffer."),
    ("", "Organisasjonsnummeret må være ni siffer."),
])
def test_an_organisation_number_with_a_wrong_check_digit_is_refused(number, message):
    assert orgnr_error(number) == message


def test_a_number_whose_check_digit_would_be_ten_is_never_valid():
    # weights 3 2 7 6 5 4 3 2 over 00000006 give 12, remainder 1: the check digit would be 10
    assert all(orgnr_error(f"00000006{d}") for d in "0123456789")


def test_a_slug_may_not_take_a_page_address():
    assert slug_error("meetings") == "Kortadressen «meetings» er opptatt av en side i boardroom; velg en annen."
    assert slug_error("Felles IKT") is not None
    assert slug_error("felles-ikt") is None


# --------------------------------------------------------------------------- addresses and lists


def test_each_organisation_has_its_own_front_page_and_lists(client, two):
    session, dh, trust = two
    front = client.get("/").get_data(as_text=True)
    assert '<span class="org">Digitale Helgeland</span>' in front
    assert "Felles IKT-tjenester" not in front
    theirs = client.get(f"{B}/").get_data(as_text=True)
    assert '<span class="org">Felles IKT-tjenester HF</span>' in theirs
    assert "Digitale Helgeland" not in theirs
    assert f'href="{B}/meetings"' in theirs  # links stay in the organisation
    assert f'href="{B}/static/' in theirs  # and so do the style sheets

    meetings = client.get(f"{B}/meetings").get_data(as_text=True)
    assert "Oslo og Teams" in meetings and "Bodø og Teams" not in meetings  # the places of their meetings
    assert "Oslo og Teams" not in client.get("/meetings").get_data(as_text=True)
    assert client.get(B).status_code == 308

    members = client.get(f"{B}/municipalities").get_data(as_text=True)
    assert "Helse Nord RHF" in members and "Bindal" not in members
    assert "Helse Nord RHF" not in client.get("/municipalities").get_data(as_text=True)

    api = client.get(f"{B}/api/meetings").get_json()
    assert [row["body"] if "body" in row else row for row in api] and len(api) == 1
    assert all("Felles" not in str(row) for row in client.get("/api/meetings").get_json())

    feed = client.get(f"{B}/calendar.ics").get_data(as_text=True)
    assert "Felles IKT-tjenester" in feed and "Digitale Helgeland" not in feed
    assert f"http://boardroom.test{B}/meetings/" in feed
    assert "Felles IKT" not in client.get("/calendar.ics").get_data(as_text=True)


def test_the_trust_numbers_its_cases_with_a_four_digit_year(client, two):
    session, dh, trust = two
    meeting = meeting_of(session, trust)
    page = client.get(f"{B}/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sak 01-2026" in page and "Sak 03-2026" in page
    assert client.get(f"{B}/meetings/{meeting.id}/protokoll.docx").status_code == 200


def test_ids_of_one_organisation_are_not_found_under_the_other(client, two):
    session, dh, trust = two
    ours, theirs = meeting_of(session, dh), meeting_of(session, trust)
    their_item = theirs.items[0]
    for path in (f"/meetings/{theirs.id}", f"/api/meetings/{theirs.id}", f"/cases/{their_item.id}",
                 f"/meetings/{theirs.id}/protokoll.docx", f"/meetings/{theirs.id}.ics", "/municipalities/HN",
                 "/api/municipalities/HN", "/calendar/municipalities/HN.ics", f"/projects/{2**31 - 2}"):
        assert client.get(path).status_code == 404, path
    for path in (f"{B}/meetings/{ours.id}", f"{B}/api/meetings/{ours.id}", f"{B}/cases/{ours.items[0].id}",
                 f"{B}/municipalities/1811", f"{B}/meetings/{ours.id}/protokoll.docx"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"{B}/meetings/{theirs.id}").status_code == 200
    assert client.get(f"/meetings/{ours.id}").status_code == 200


# --------------------------------------------------------------------------- isolation


def snapshot_of_a(client, session, meeting):
    paths = ["/", "/meetings", f"/meetings/{meeting.id}", f"/api/meetings/{meeting.id}", "/api/meetings",
             "/calendar.ics", "/follow-ups", "/projects", "/participation", "/municipalities", "/costs",
             f"/meetings/{meeting.id}/protokoll.docx", "/api/projects", "/api/costs", "/municipalities/1811"]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.data
    versions = session.exec(select(m.MinutesVersion.docx_sha256, m.MinutesVersion.snapshot_sha256)
                            .where(m.MinutesVersion.meeting_id == meeting.id)).all()
    return pages, versions


def test_a_change_in_the_trust_leaves_digitale_helgeland_unchanged_byte_for_byte(client, two):
    session, dh, trust = two
    ours = meeting_of(session, dh)
    before, versions = snapshot_of_a(client, session, ours)
    assert versions

    # the trust gets a member with Bindal's number, a person, a project, a cost key and a renamed body
    body = session.exec(select(m.Body).where(m.Body.organisation_id == trust.id)).one()
    session.add(m.Municipality(organisation_id=trust.id, number="1811", name="Bindal HF-avdeling"))
    town = session.exec(select(m.Municipality).where(m.Municipality.organisation_id == trust.id)).first()
    session.add(m.PopulationFigure(municipality_id=town.id, as_of=date(2026, 1, 1), population=5_000_000))
    session.add(m.Person(organisation_id=trust.id, name="Ny Person"))
    project = m.Project(body_id=body.id, name="Aaa først i lista")
    session.add(project)
    session.flush()
    session.add(m.CostKey(body_id=body.id, name="Eierandel", flat_percent=100))
    body.name = "Styret i Felles IKT-tjenester HF (nytt navn)"
    session.commit()
    assert project.organisation_id == trust.id

    after, versions_after = snapshot_of_a(client, session, ours)
    for path, data in before.items():
        assert after[path] == data, path
    assert versions_after == versions


def test_the_demo_minutes_are_the_same_with_and_without_the_second_organisation(demo):
    meeting = demo.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.approved)).one()
    row = demo.exec(select(m.MinutesVersion).where(m.MinutesVersion.meeting_id == meeting.id)).one()
    first = (row.docx_sha256, row.snapshot_sha256)
    load_second_organisation(demo)
    demo.commit()
    again = demo.exec(select(m.MinutesVersion).where(m.MinutesVersion.meeting_id == meeting.id)).all()
    assert [(r.docx_sha256, r.snapshot_sha256) for r in again] == [first]
    trust_versions = demo.exec(select(func.count()).select_from(m.MinutesVersion)).one()
    assert trust_versions == 2  # the trust's approved meeting is stored as approved too


# --------------------------------------------------------------------------- roles per organisation


def secretary_of(auth, organisation):
    user = auth.create("secretary", email=f"sekretaer-{organisation.slug}@example.org")
    grant_role(auth.session, user.id, organisation.id, m.UserRole.secretary)
    auth.session.commit()
    return user


def sign_in(auth, user):
    response = auth.client.post("/login", data={"email": user.email, "password": auth.PASSWORD,
                                                "csrf_token": auth.token()})
    assert response.status_code == 302
    auth._token = None


def fill(rule: str, session, organisation) -> str:
    """The rule with ids of rows of ``organisation`` (any row of it; the check comes before the view)."""
    own = {
        "meeting_id": select(m.Meeting.id).join(m.Body).where(m.Body.organisation_id == organisation.id),
        "agenda_item_id": select(m.AgendaItem.id).join(m.Body).where(m.Body.organisation_id == organisation.id),
        "attendance_id": select(m.Attendance.id).join(m.Meeting).join(m.Body)
        .where(m.Body.organisation_id == organisation.id),
        "body_id": select(m.Body.id).where(m.Body.organisation_id == organisation.id),
        "case_id": select(m.StandardCase.id).join(m.Body).where(m.Body.organisation_id == organisation.id),
        "municipality_id": select(m.Municipality.id).where(m.Municipality.organisation_id == organisation.id),
        "person_id": select(m.Person.id).where(m.Person.organisation_id == organisation.id),
        "membership_id": select(m.Membership.id).join(m.Body).where(m.Body.organisation_id == organisation.id),
    }
    values = {}
    for name in re.findall(r"<(?:int:)?(\w+)>", rule):
        query = own.get(name)
        found = session.exec(query.order_by(query.selected_columns[0])).first() if query is not None else None
        values[name] = found if found is not None else (2**31 - 2 if name != "token" else "forfalsket.token")
    return re.sub(r"<(?:int:)?(\w+)>", lambda match: str(values[match.group(1)]), rule)


ACCOUNT_ROUTES = {"/login", "/logout", "/account/password", "/account/forgot"}  # the account's own, not B's


def test_a_secretary_of_one_organisation_cannot_write_to_the_other(app, client, auth, two):
    session, dh, trust = two
    sign_in(auth, secretary_of(auth, dh))
    assert client.get("/meetings/new").status_code == 200  # a secretary at home
    revision = total_revision(session)
    rules = sorted(r.rule for r in app.url_map.iter_rules() if "POST" in r.methods and r.rule not in ACCOUNT_ROUTES)
    assert len(rules) > 50
    refused = {}
    for rule in rules:
        # under B's address; and B's ids under A's (bare) addresses
        for path in (B + fill(rule, session, trust), *([fill(rule, session, trust)] if "<" in rule else [])):
            response = auth.post(path, data={"title": "Endret", "name": "Endret"})
            refused[path] = response.status_code
    allowed = {p: s for p, s in refused.items() if s not in (403, 404)}
    # a forged one-time link is refused with 400 or 404 before any organisation is involved
    assert all("token" in p or "forfalsket" in p for p in allowed), allowed
    assert all(s in (400, 404) for s in allowed.values()), allowed
    session.expire_all()
    assert total_revision(session) == revision  # nothing anywhere changed


def test_an_account_with_roles_in_both_edits_both_and_a_reader_of_one_only_reads(client, auth, two):
    session, dh, trust = two
    user = secretary_of(auth, dh)
    grant_role(session, user.id, trust.id, m.UserRole.reader)
    session.commit()
    sign_in(auth, user)
    assert client.get("/meetings/new").status_code == 200
    assert client.get(f"{B}/meetings/new").status_code == 403
    grant_role(session, user.id, trust.id, m.UserRole.secretary)
    session.commit()
    assert client.get(f"{B}/meetings/new").status_code == 200
    form = client.get(f"{B}/meetings/new").get_data(as_text=True)
    assert "Styret i Felles IKT-tjenester HF" in form and "Styret i Digitale Helgeland" not in form


def test_an_account_without_a_role_in_the_organisation_reads_only_what_the_public_reads(client, auth, two):
    session, dh, trust = two
    sign_in(auth, secretary_of(auth, dh))
    assert client.get(f"{B}/registers/").status_code == 403
    assert "Registre" not in client.get(f"{B}/").get_data(as_text=True)
    assert "Registre" in client.get("/").get_data(as_text=True)


def test_the_administrator_works_in_every_organisation(client, auth, two):
    auth.login("admin")
    assert client.get(f"{B}/registers/").status_code == 200
    assert client.get("/registers/").status_code == 200


def test_the_demo_command_loads_both_and_the_secretary_is_secretary_in_both(tmp_path):
    from sqlmodel import Session

    from boardroom import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}", "TESTING": True})
    try:
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        assert "Lastet Felles IKT-tjenester HF under /felles-ikt/." in result.output
        with Session(app.extensions["boardroom.engine"]) as session:
            user = session.exec(select(m.User).where(m.User.email == "sekretaer@digitalehelgeland.example")).one()
            roles = session.exec(select(m.OrganisationRole.role).where(m.OrganisationRole.user_id == user.id)).all()
            assert sorted(r.value for r in roles) == ["secretary", "secretary"]
        again = app.test_cli_runner().invoke(args=["demo"])
        assert "Felles IKT-tjenester HF er allerede lastet." in again.output
    finally:
        app.extensions["boardroom.engine"].dispose()


# --------------------------------------------------------------------------- case references


@pytest.fixture
def two_bodies(demo, make_meeting):
    """Digitale Helgeland with a second body (representantskapet) whose case is numbered 43-25 too."""
    dh = demo.exec(select(m.Organisation).where(m.Organisation.slug == "digitale-helgeland")).one()
    council = m.Body(organisation_id=dh.id, name="Representantskapet i Digitale Helgeland", short_name="RS")
    demo.add(council)
    demo.flush()
    meeting = make_meeting(cases=0, body=council)
    case = m.Case(body_id=council.id, title="Valg av styre")
    demo.add(case)
    demo.flush()
    demo.add(m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=council.id, position=0, number_year=2025,
                          number_seq=43, kind=m.CaseKind.election, status=m.ItemStatus.treated))
    demo.commit()
    return demo, council


def test_an_ambiguous_case_number_is_refused_with_the_choices(client, auth, two_bodies):
    session, council = two_bodies
    auth.login("secretary")
    project = session.exec(select(m.Project).order_by(m.Project.id)).first()
    data = {"title": "Utvidelse", "decided_on": "2025-10-16", "decided_text": "", "remark": ""}
    response = auth.post(f"/projects/{project.id}/decisions/new", {**data, "case": "43-25"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("Sak 43-25 finnes i flere organer. Skriv hvilket du mener: «DH 43-25» (Styret i Digitale Helgeland) "
            "eller «RS 43-25» (Representantskapet i Digitale Helgeland).") in page.replace("&#171;", "«").replace(
        "&#187;", "»").replace("&laquo;", "«").replace("&raquo;", "»")
    assert session.exec(select(func.count()).select_from(m.ProjectDecision)
                        .where(m.ProjectDecision.title == "Utvidelse")).one() == 0

    chosen = auth.post(f"/projects/{project.id}/decisions/new", {**data, "case": "RS 43-25"})
    assert chosen.status_code == 302
    decision = session.exec(select(m.ProjectDecision).where(m.ProjectDecision.title == "Utvidelse")).one()
    assert session.get(m.AgendaItem, decision.agenda_item_id).body_id == council.id
    # an unambiguous number still needs no body
    assert auth.post(f"/projects/{project.id}/decisions/new", {**data, "title": "Annet", "case": "44-25"}).status_code == 302


def test_a_case_number_of_another_organisation_is_not_found(client, auth, two):
    session, dh, trust = two
    auth.login("secretary")
    project = session.exec(select(m.Project).where(m.Project.organisation_id == dh.id)).first()
    response = auth.post(f"/projects/{project.id}/decisions/new", {"title": "Utvidelse", "decided_on": "2025-10-16",
                                                                   "case": "01-2026"})
    assert response.status_code == 400
    assert "Fant ingen sak med nummer" in response.get_data(as_text=True)


def test_the_calendar_export_takes_one_organisation(runner, two, tmp_path):
    session, dh, trust = two
    result = runner.invoke(args=["export", "calendar", "-o", str(tmp_path), "--organisation", health.SLUG])
    assert result.exit_code == 0, result.output
    data = (tmp_path / "moteplan.ics").read_text()
    assert f"http://boardroom.test{B}/meetings/" in data and "Digitale Helgeland" not in data
    result = runner.invoke(args=["export", "calendar", "-o", str(tmp_path)])
    data = (tmp_path / "moteplan.ics").read_text()
    assert "Felles IKT" not in data and "http://boardroom.test/meetings/" in data
    bad = runner.invoke(args=["export", "calendar", "-o", str(tmp_path), "--organisation", "finnes-ikke"])
    assert bad.exit_code != 0 and "Fant ingen organisasjon med kortadressen «finnes-ikke»." in bad.output


def test_a_notice_of_the_trust_links_to_its_own_addresses(app, two):
    from boardroom.mail.notice import compose

    session, dh, trust = two
    meeting = meeting_of(session, trust)
    attendance = meeting.attendances[0]
    message = compose(meeting, attendance, app.config, "notice", ("Siri Holm", "siri@example.org"),
                      "marit@example.org", meeting.sequence, None)
    text = next(part.get_content() for part in message.walk() if part.get_content_type() == "text/plain")
    assert f"http://boardroom.test{B}/meetings/{meeting.id}" in text
    assert f"http://boardroom.test{B}/forfall/" in text


def png(width=40, height=20) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\x00\x80\xff" * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_the_trust_logo_is_in_its_header_and_word_documents_and_nowhere_else(app, client, two):
    import io
    import zipfile

    from boardroom.documents.parts import set_logo

    session, dh, trust = two
    ours, theirs = meeting_of(session, dh), meeting_of(session, trust)
    before = client.get(f"/meetings/{ours.id}/innkalling.docx").data
    approved = client.get(f"{B}/meetings/{theirs.id}/protokoll.docx").data
    with app.app_context():
        set_logo(session, session.get(m.Organisation, trust.id), "logo.png", png())
    session.commit()
    page = client.get(f"{B}/").get_data(as_text=True)
    assert f'<img class="logo" src="{B}/logo"' in page
    assert client.get(f"{B}/logo").data == png()
    assert client.get("/logo").status_code == 404 and "logo" not in client.get("/").get_data(as_text=True)
    names = zipfile.ZipFile(io.BytesIO(client.get(f"{B}/meetings/{theirs.id}/innkalling.docx").data)).namelist()
    assert any(n.startswith("word/media/") for n in names)
    # minutes approved before the logo came stay as approved; the other organisation's papers as they were
    assert client.get(f"{B}/meetings/{theirs.id}/protokoll.docx").data == approved
    def parts(data):  # a zip's members (their times are the time the document was written)
        package = zipfile.ZipFile(io.BytesIO(data))
        return {name: package.read(name) for name in package.namelist()}

    assert parts(client.get(f"/meetings/{ours.id}/innkalling.docx").data) == parts(before)


def test_an_account_made_for_a_person_has_its_role_in_the_person_s_organisation(app, client, auth, two):
    from boardroom.auth.accounts import create_user

    session, dh, trust = two
    person = session.exec(select(m.Person).where(m.Person.organisation_id == trust.id)).first()
    user = create_user(session, "marit@example.org", auth.PASSWORD, "secretary", person.id)
    session.commit()
    roles = session.exec(select(m.OrganisationRole.organisation_id, m.OrganisationRole.role)
                         .where(m.OrganisationRole.user_id == user.id)).all()
    assert roles == [(trust.id, m.UserRole.secretary)]
    sign_in(auth, user)
    assert client.get(f"{B}/meetings/new").status_code == 200
    assert client.get("/meetings/new").status_code == 403  # not a secretary of Digitale Helgeland


# --------------------------------------------------------------------------- the demo trust


def test_the_demo_trust_is_owned_by_health_authorities_weighted_by_ownership(two, client):
    session, _dh, trust = two
    owners = session.exec(select(m.Municipality).where(m.Municipality.organisation_id == trust.id)
                          .order_by(m.Municipality.number)).all()
    assert [(o.number, o.kind) for o in owners] == [
        ("883658752", m.MemberKind.health_authority), ("983658725", m.MemberKind.health_authority),
        ("983658776", m.MemberKind.health_authority), ("991324968", m.MemberKind.health_authority)]
    assert all(orgnr_error(o.number) is None for o in owners)
    assert sum(o.ownership_share for o in owners) == 100
    page = client.get(f"{B}/municipalities").get_data(as_text=True)
    assert "Eierandel" in page and "47,5 %" in page and "Innbyggere" not in page
    menu = re.search(r'<nav aria-label="Hovedmeny">.*?</nav>', page, re.S).group(0)
    assert ">Medlemmer<" in menu and ">Kommuner<" not in menu
    ours = re.search(r'<nav aria-label="Hovedmeny">.*?</nav>', client.get("/").get_data(as_text=True), re.S).group(0)
    assert ">Kommuner<" in ours


def test_the_demo_trusts_approved_minutes_share_the_archive_cost_by_ownership(two, client):
    from io import BytesIO

    from docx import Document

    session, _dh, trust = two
    meeting = meeting_of(session, trust)
    document = Document(BytesIO(client.get(f"{B}/meetings/{meeting.id}/protokoll.docx").data))
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["Helse Sør-Øst RHF", "kr 570\xa0000,00", "kr 570\xa0000,00"] in rows
    assert ["Sum", "kr 1\xa0200\xa0000,00", "kr 1\xa0200\xa0000,00"] in rows
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Lise Berg (ansattrepresentant)" in text
