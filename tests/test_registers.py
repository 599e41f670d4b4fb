"""The registers: bodies and their standard cases, municipalities and their population
figures, persons and their memberships — the domain functions, then the pages and forms."""

from __future__ import annotations

from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func
from sqlmodel import select

import boardroom.models as m
from boardroom.demo import load_demo
from boardroom.registers import registers
from boardroom.registers.registers import InUse

# --------------------------------------------------------------------------- helpers


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def fresh(session, model, row_id):
    session.expire_all()
    return session.get(model, row_id)


def field_chunk(html: str, name: str) -> str:
    """The markup of the form field whose input is named ``name`` (label, input, errors)."""
    for chunk in html.split('<div class="field')[1:]:
        if f'name="{name}"' in chunk:
            return chunk
    raise AssertionError(f"no field {name} on the page")


def assert_kept(page: str, data: dict) -> None:
    """Every value typed into a text or date field is in the page again."""
    for name, value in data.items():
        if isinstance(value, str) and value.strip() and name not in ("role", "voting", "place", "kind"):
            assert f'value="{escape(value)}"' in field_chunk(page, name), name


def standard_titles(body) -> list[tuple[str, str]]:
    groups = registers.standard_cases_by_place(body)
    return [(place.value, case.title) for place, cases in groups.items() for case in cases]


@pytest.fixture
def world(session):
    """A body (with its standard cases), Rana with a population figure, a person with a seat."""
    body = registers.create_body(session, name="Styret i Testsamarbeidet", short_name="TS")
    rana = m.Municipality(number="1833", name="Rana", region="Nord-Helgeland")
    session.add(rana)
    session.flush()
    figure = m.PopulationFigure(municipality_id=rana.id, as_of=date(2025, 6, 30), population=25899, source="SSB")
    person = m.Person(name="Robert Pettersen", title="ordfører")
    session.add_all([figure, person])
    session.flush()
    seat = m.Membership(body_id=body.id, person_id=person.id, municipality_id=rana.id, role=m.MembershipRole.chair)
    session.add(seat)
    session.commit()
    return dict(body=body, rana=rana, figure=figure, person=person, seat=seat)


@pytest.fixture
def editor(auth):
    auth.login("secretary")
    return auth


# --------------------------------------------------------------------------- domain, without HTTP


def test_a_new_body_starts_with_the_three_standard_cases(session):
    body = registers.create_body(session, name="Styret", case_number_format="{seq:02d}-{yy}")
    assert standard_titles(body) == [
        ("opening", "Godkjenning av innkalling og agenda"),
        ("opening", "Valg av person til å undertegne protokoll sammen med møteleder"),
        ("closing", "Eventuelt"),
    ]
    approval, signer, other = (c for group in registers.standard_cases_by_place(body).values() for c in group)
    assert (approval.kind, approval.proposal) == (m.CaseKind.decision, "Innkalling og saksliste godkjennes.")
    assert (signer.kind, signer.proposal) == (m.CaseKind.decision, "")
    assert other.kind == m.CaseKind.other_business
    assert registers.default_standard_cases(body) == []  # a body that has them gets no more
    session.commit()
    assert count(session, m.StandardCase) == 3


def test_the_demo_body_gets_the_standard_cases_once(demo):
    body = demo.exec(select(m.Body)).one()
    assert [c.title for c in body.standard_cases][-1] == "Eventuelt"
    assert "allerede lastet" in load_demo(demo)
    demo.commit()
    assert count(demo, m.StandardCase) == 3


def test_standard_cases_are_added_last_in_their_place_and_move_within_it(session):
    body = registers.create_body(session, name="Styret")
    report = registers.save_standard_case(session, body, m.StandardCase(), place=m.StandardCasePlace.opening,
                                          title="Orientering fra daglig leder", kind=m.CaseKind.information,
                                          proposal="")
    assert standard_titles(body)[2] == ("opening", "Orientering fra daglig leder")
    registers.move_standard_case(session, report, "up")
    registers.move_standard_case(session, report, "up")
    registers.move_standard_case(session, report, "up")  # already first: stays
    assert [t for _, t in standard_titles(body)] == [
        "Orientering fra daglig leder", "Godkjenning av innkalling og agenda",
        "Valg av person til å undertegne protokoll sammen med møteleder", "Eventuelt",
    ]
    registers.move_standard_case(session, report, "down")
    assert [t for _, t in standard_titles(body)][:2] == ["Godkjenning av innkalling og agenda",
                                                         "Orientering fra daglig leder"]
    registers.save_standard_case(session, body, report, place=m.StandardCasePlace.closing)
    assert standard_titles(body)[-1] == ("closing", "Orientering fra daglig leder")
    session.commit()
    assert [c.position for c in registers.standard_cases_by_place(body)[m.StandardCasePlace.closing]] == [0, 1]


def test_a_municipality_in_use_is_not_deleted(session, world):
    with pytest.raises(InUse, match=r"Kommunen Rana kan ikke slettes fordi den er i bruk: 1 verv\."):
        registers.delete(session, world["rana"])
    vote_event = m.VoteEvent(agenda_item_id=make_item(session, world).id)
    session.add(vote_event)
    session.flush()
    session.add(m.Vote(vote_event_id=vote_event.id, municipality_id=world["rana"].id, choice=m.VoteChoice.for_))
    session.flush()
    with pytest.raises(InUse, match="1 verv og 1 stemme"):
        registers.delete(session, world["rana"])


def make_item(session, world) -> m.AgendaItem:
    from conftest import oslo

    body, person = world["body"], world["person"]
    meeting = m.Meeting(body_id=body.id, starts_at=oslo(2025, 10, 16, 10), ends_at=oslo(2025, 10, 16, 14))
    case = m.Case(body_id=body.id, title="Budsjett 2026")
    session.add_all([meeting, case])
    session.flush()
    item = m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=body.id, case_handler_id=person.id)
    session.add(item)
    session.flush()
    return item


def test_a_person_or_body_in_use_is_not_deleted(session, world):
    make_item(session, world)
    with pytest.raises(InUse, match="Personen Robert Pettersen kan ikke slettes fordi den er i bruk: "
                                    "saksbehandler i 1 sak"):
        registers.delete(session, world["person"])
    with pytest.raises(InUse, match="Organet «Styret i Testsamarbeidet» kan ikke slettes fordi det er i bruk: "
                                    "1 møte og 1 sak"):
        registers.delete(session, world["body"])


def test_unused_rows_are_deleted_with_their_parts(session, world):
    registers.delete(session, world["person"])  # a seat, but no case, meeting or account
    registers.delete(session, world["rana"])  # the seat has gone with the person
    registers.delete(session, world["body"])
    session.commit()
    assert [count(session, t) for t in (m.Person, m.Membership, m.Municipality, m.PopulationFigure, m.Body,
                                         m.StandardCase)] == [0, 0, 0, 0, 0, 0]


def test_the_demo_municipalities_are_in_use(demo):
    rana = registers.municipality_by_number(demo, "1833")
    with pytest.raises(InUse) as refused:
        registers.delete(demo, rana)
    assert "deltakelsessvar" in refused.value.description
    assert refused.value.code == 409


# --------------------------------------------------------------------------- access, CSRF, 404

FORM_URLS = [
    "/registers/", "/registers/bodies", "/registers/bodies/new", "/registers/bodies/1",
    "/registers/bodies/1/delete", "/registers/bodies/1/standard-cases/new", "/registers/bodies/1/standard-cases/1",
    "/registers/bodies/1/standard-cases/1/delete", "/registers/municipalities", "/registers/municipalities/new",
    "/registers/municipalities/1", "/registers/municipalities/1/delete", "/registers/municipalities/1/population/new",
    "/registers/municipalities/1/population/1", "/registers/municipalities/1/population/1/delete",
    "/registers/persons", "/registers/persons/new", "/registers/persons/1", "/registers/persons/1/delete",
    "/registers/persons/1/memberships/new", "/registers/persons/1/memberships/1",
    "/registers/persons/1/memberships/1/delete", "/registers/bodies/format-example",
]
POST_URLS = [u for u in FORM_URLS if u.endswith(("new", "delete")) or u[-1].isdigit()] + [
    "/registers/bodies/1/standard-cases/1/move"]


@pytest.mark.parametrize("url", FORM_URLS)
def test_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["member", "reader"])
def test_members_and_readers_may_not_change_the_registers(client, auth, world, role):
    auth.login(role)
    for url in FORM_URLS:
        assert client.get(url).status_code == 403, url
    for url in POST_URLS:
        response = auth.post(url, {"name": "Endret", "direction": "up"})
        assert response.status_code == 403, url
        assert "Bare sekretær eller administrator" in response.get_data(as_text=True)
    assert count(auth.session, m.Municipality) == 1 and fresh(auth.session, m.Body, world["body"].id).name != "Endret"


def test_a_post_without_csrf_token_is_refused_and_saves_nothing(client, editor, world):
    case = world["body"].standard_cases[0]
    ids = dict(body_id=world["body"].id, municipality_id=world["rana"].id, person_id=world["person"].id,
               figure_id=world["figure"].id, seat_id=world["seat"].id, case_id=case.id)
    posts = [
        ("/registers/bodies/{body_id}", {**BODY, "name": "Endret"}),
        ("/registers/bodies/{body_id}/standard-cases/{case_id}", {"place": "closing", "title": "Endret",
                                                                  "kind": "decision"}),
        ("/registers/bodies/{body_id}/standard-cases/{case_id}/move", {"direction": "down"}),
        ("/registers/bodies/{body_id}/standard-cases/{case_id}/delete", {}),
        ("/registers/municipalities/{municipality_id}", {**MUNICIPALITY, "name": "Endret"}),
        ("/registers/municipalities/{municipality_id}/population/{figure_id}", {**POPULATION, "population": "1"}),
        ("/registers/persons/{person_id}", {**PERSON, "name": "Endret"}),
        ("/registers/persons/{person_id}/memberships/{seat_id}", {"body_id": ids["body_id"], "role": "observer"}),
        ("/registers/persons/{person_id}/memberships/{seat_id}/delete", {}),
        ("/registers/bodies/new", {"name": "Nytt", "case_number_format": "{seq}"}),
        ("/registers/municipalities/new", {"number": "1820", "name": "Alstahaug"}),
        ("/registers/persons/new", {"name": "Ny Person"}),
        ("/registers/municipalities/{municipality_id}/delete", {}),
        ("/registers/persons/{person_id}/memberships/new", {"body_id": ids["body_id"], "role": "member"}),
        ("/registers/municipalities/{municipality_id}/population/new", {"as_of": "2025-09-30", "population": "1"}),
        ("/registers/bodies/{body_id}/standard-cases/new", {"place": "opening", "title": "Ny", "kind": "decision"}),
    ]
    before = [count(editor.session, t) for t in (m.Body, m.Municipality, m.Person, m.Membership,
                                                 m.PopulationFigure, m.StandardCase)]
    for url, data in posts:
        response = client.post(url.format(**ids), data=data)
        assert response.status_code == 400, url
        assert "sikkerhetsnøkkel (CSRF)" in response.get_data(as_text=True)
    after = [count(editor.session, t) for t in (m.Body, m.Municipality, m.Person, m.Membership,
                                                m.PopulationFigure, m.StandardCase)]
    assert after == before
    assert "Endret" not in client.get("/registers/bodies").get_data(as_text=True)
    assert [t for _, t in standard_titles(fresh(editor.session, m.Body, ids["body_id"]))][0] == case.title
    assert fresh(editor.session, m.PopulationFigure, ids["figure_id"]).population == 25899
    assert fresh(editor.session, m.Membership, ids["seat_id"]).role == m.MembershipRole.chair


def test_unknown_ids_give_a_norwegian_404(client, editor, world):
    other = m.Person(name="Annen Person")
    editor.session.add(other)
    editor.session.commit()
    for url, message in [
        ("/registers/bodies/999", "Organet finnes ikke."),
        ("/registers/bodies/999/standard-cases/new", "Organet finnes ikke."),
        ("/registers/bodies/{body}/standard-cases/999", "Standardsaken finnes ikke."),
        ("/registers/municipalities/999", "Kommunen finnes ikke."),
        ("/registers/municipalities/{rana}/population/999", "Folketallet finnes ikke."),
        ("/registers/persons/999/delete", "Personen finnes ikke."),
        ("/registers/persons/{other}/memberships/{seat}", "Vervet finnes ikke."),  # the seat is someone else's
    ]:
        response = client.get(url.format(body=world["body"].id, rana=world["rana"].id, other=other.id,
                                          seat=world["seat"].id))
        assert response.status_code == 404, url
        assert message in response.get_data(as_text=True)


def test_the_registers_are_in_the_menu_of_editors_only(client, auth):
    assert ">Registre<" not in client.get("/").get_data(as_text=True)
    auth.login("reader")
    assert ">Registre<" not in client.get("/").get_data(as_text=True)


def test_the_registers_menu_entry_for_the_secretary(client, editor):
    page = client.get("/registers/").get_data(as_text=True)
    assert '<a href="/registers/" aria-current="page">Registre</a>' in page
    for text in ("Organer", "Kommuner", "Personer"):
        assert text in page


# --------------------------------------------------------------------------- bodies and standard cases

BODY = {"name": "Styret i Vefsn og Grane", "organisation": "Vefsn og Grane", "short_name": "VG",
        "case_number_format": "{seq:03d}/{year}", "default_place": "Mosjøen rådhus"}


def test_creating_a_body_saves_it_with_the_standard_cases(client, editor):
    response = editor.post("/registers/bodies/new", BODY)
    assert response.status_code == 302 and response.headers["Location"] == "/registers/bodies"
    body = editor.session.exec(select(m.Body)).one()
    assert (body.name, body.short_name, body.case_number_format, body.default_place) == (
        "Styret i Vefsn og Grane", "VG", "{seq:03d}/{year}", "Mosjøen rådhus")
    assert [t for _, t in standard_titles(body)] == [
        "Godkjenning av innkalling og agenda", "Valg av person til å undertegne protokoll sammen med møteleder",
        "Eventuelt"]
    page = client.get("/registers/bodies").get_data(as_text=True)
    assert "Organet er lagret." in page
    assert "Styret i Vefsn og Grane" in page and "038/2025" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"name": "  "}, "name", "Oppgi navnet på organet."),
    ({"name": "x" * 201}, "name", "Feltet kan ha høyst 200 tegn."),
    ({"short_name": "x" * 51}, "short_name", "Feltet kan ha høyst 50 tegn."),
    ({"case_number_format": ""}, "case_number_format", "Oppgi et saksnummerformat"),
    ({"case_number_format": "{nummer}-{yy}"}, "case_number_format", "Ugyldig saksnummerformat. Bruk {seq}, {yy}"),
    ({"case_number_format": "{seq:02d"}, "case_number_format", "Ugyldig saksnummerformat"),
    ({"case_number_format": "{yy}"}, "case_number_format", "må inneholde løpenummeret {seq}"),
    ({"case_number_format": "{seq:>999999999}"}, "case_number_format", "for lange numre"),
])
def test_an_invalid_body_is_shown_again_with_the_error_at_its_field(client, editor, changes, field, message):
    response = editor.post("/registers/bodies/new", {**BODY, **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_chunk(page, field)
    assert "Skjemaet har feil." in page
    assert_kept(page, {**BODY, **changes})
    assert count(editor.session, m.Body) == 0


def test_editing_a_body_shows_the_example_number(client, editor, world):
    url = f"/registers/bodies/{world['body'].id}"
    page = client.get(url).get_data(as_text=True)
    assert "får nummeret\n    <strong data-example>38-25</strong>" in page
    response = editor.post(url, {**BODY, "case_number_format": "Sak {seq}-{year}"})
    assert response.status_code == 302
    assert fresh(editor.session, m.Body, world["body"].id).case_number_format == "Sak {seq}-{year}"
    assert "Sak 38-2025" in client.get("/registers/bodies").get_data(as_text=True)
    bad = editor.post(url, {**BODY, "case_number_format": "{seq"})
    assert bad.status_code == 400 and "(ugyldig format)" in bad.get_data(as_text=True)
    assert client.get("/registers/bodies/format-example?format={seq:02d}-{yy}").get_json() == {"example": "38-25"}
    assert client.get("/registers/bodies/format-example?format={x}").get_json() == {"example": ""}


def test_standard_cases_are_added_edited_moved_and_deleted_by_form(client, editor, world):
    body_id = world["body"].id
    base = f"/registers/bodies/{body_id}/standard-cases"
    response = editor.post(f"{base}/new", {"place": "opening", "title": "Orientering fra daglig leder",
                                           "kind": "information", "proposal": "Orienteringen tas til etterretning."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/registers/bodies/{body_id}#standardsaker"
    page = client.get(f"/registers/bodies/{body_id}").get_data(as_text=True)
    assert "Standardsaken er lagret." in page
    assert "Forslag til vedtak: Orienteringen tas til etterretning." in page
    new = editor.session.exec(select(m.StandardCase).where(m.StandardCase.title.startswith("Orientering"))).one()

    assert editor.post(f"{base}/{new.id}/move", {"direction": "up"}).status_code == 302
    body = fresh(editor.session, m.Body, body_id)
    assert [t for _, t in standard_titles(body)][1] == "Orientering fra daglig leder"
    assert editor.post(f"{base}/{new.id}/move", {"direction": "sideways"}).status_code == 400

    bad = editor.post(f"{base}/{new.id}", {"place": "opening", "title": "", "kind": "information"})
    assert bad.status_code == 400 and "Oppgi tittelen på saken." in field_chunk(bad.get_data(as_text=True), "title")
    bad = editor.post(f"{base}/{new.id}", {"place": "midten", "title": "X", "kind": "information"})
    assert bad.status_code == 400 and "Ikke et gyldig valg" in field_chunk(bad.get_data(as_text=True), "place")
    bad = editor.post(f"{base}/{new.id}", {"place": "opening", "title": "X", "kind": "vedtak"})
    assert bad.status_code == 400 and "Velg et av alternativene i listen." in field_chunk(bad.get_data(as_text=True), "kind")
    assert fresh(editor.session, m.StandardCase, new.id).title == "Orientering fra daglig leder"
    assert editor.post(f"{base}/{new.id}", {"place": "closing", "title": "Orientering", "kind": "information"}
                       ).status_code == 302
    body = fresh(editor.session, m.Body, body_id)
    assert standard_titles(body)[-1] == ("closing", "Orientering")

    confirm = client.get(f"{base}/{new.id}/delete")
    assert confirm.status_code == 200 and "Slette standardsaken «Orientering»?" in confirm.get_data(as_text=True)
    assert count(editor.session, m.StandardCase) == 4  # GET never deletes
    assert editor.post(f"{base}/{new.id}/delete").status_code == 302
    assert count(editor.session, m.StandardCase) == 3


def test_a_body_with_meetings_is_not_deleted(client, editor, world):
    make_item(editor.session, world)
    editor.session.commit()
    for response in (client.get(f"/registers/bodies/{world['body'].id}/delete"),
                     editor.post(f"/registers/bodies/{world['body'].id}/delete")):
        assert response.status_code == 409
        assert "kan ikke slettes fordi det er i bruk: 1 møte og 1 sak." in response.get_data(as_text=True)
    assert count(editor.session, m.Body) == 1 and count(editor.session, m.StandardCase) == 3


def test_an_unused_body_is_deleted_after_confirmation(client, editor):
    body = registers.create_body(editor.session, name="Arbeidsutvalget")
    editor.session.commit()
    confirm = client.get(f"/registers/bodies/{body.id}/delete").get_data(as_text=True)
    assert "Slette organet «Arbeidsutvalget»?" in confirm and "Dette kan ikke angres." in confirm
    response = editor.post(f"/registers/bodies/{body.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/registers/bodies"
    assert "Organet er slettet." in client.get("/registers/bodies").get_data(as_text=True)
    assert count(editor.session, m.Body) == 0 and count(editor.session, m.StandardCase) == 0


# --------------------------------------------------------------------------- municipalities and population

MUNICIPALITY = {"number": "1820", "name": "Alstahaug", "region": "Sør-Helgeland",
                "member_from": "2020-01-01", "member_to": ""}


def test_creating_a_municipality(client, editor):
    response = editor.post("/registers/municipalities/new", MUNICIPALITY)
    assert response.status_code == 302 and response.headers["Location"] == "/registers/municipalities"
    saved = editor.session.exec(select(m.Municipality)).one()
    assert (saved.number, saved.name, saved.region, saved.member_from, saved.member_to) == (
        "1820", "Alstahaug", "Sør-Helgeland", date(2020, 1, 1), None)
    page = client.get("/registers/municipalities").get_data(as_text=True)
    assert "Kommunen er lagret." in page and "Alstahaug" in page and "fra 1. januar 2020" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"number": ""}, "number", "Oppgi kommunenummeret."),
    ({"number": "182"}, "number", "Kommunenummeret må være fire siffer"),
    ({"number": "18a0"}, "number", "Kommunenummeret må være fire siffer"),
    ({"number": "18200"}, "number", "Kommunenummeret må være fire siffer"),
    ({"number": "1833"}, "number", "Det finnes allerede en kommune med nummer 1833."),
    ({"name": ""}, "name", "Oppgi navnet på medlemmet."),
    ({"region": "x" * 101}, "region", "Feltet kan ha høyst 100 tegn."),
    ({"member_from": "2020-13-01"}, "member_from", "Ikke en gyldig datoverdi"),
    ({"member_to": "2019-12-31"}, "member_to", "Medlemskapet kan ikke slutte før det begynte."),
])
def test_an_invalid_municipality_is_shown_again(client, editor, world, changes, field, message):
    response = editor.post("/registers/municipalities/new", {**MUNICIPALITY, **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_chunk(page, field)
    assert_kept(page, {**MUNICIPALITY, **changes})
    assert count(editor.session, m.Municipality) == 1  # only Rana


def test_editing_a_municipality_keeps_its_own_number(client, editor, world):
    url = f"/registers/municipalities/{world['rana'].id}"
    response = editor.post(url, {"number": "1833", "name": "Rana kommune", "region": "Nord-Helgeland",
                                 "member_from": "2019-01-01", "member_to": "2027-12-31"})
    assert response.status_code == 302
    rana = fresh(editor.session, m.Municipality, world["rana"].id)
    assert (rana.name, rana.member_to) == ("Rana kommune", date(2027, 12, 31))
    page = client.get(url).get_data(as_text=True)
    assert "25\xa0899" in page and "30. juni 2025" in page  # its population figures


POPULATION = {"as_of": "2025-09-30", "population": "25950", "source": "SSB, 3. kvartal 2025"}


def test_population_figures_are_added_edited_and_deleted(client, editor, world):
    base = f"/registers/municipalities/{world['rana'].id}/population"
    response = editor.post(f"{base}/new", POPULATION)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/registers/municipalities/{world['rana'].id}#folketall"
    assert "25\xa0950" in client.get("/registers/municipalities").get_data(as_text=True)  # the newest figure
    figure = editor.session.exec(select(m.PopulationFigure).where(m.PopulationFigure.population == 25950)).one()
    assert editor.post(f"{base}/{figure.id}", {**POPULATION, "population": "0"}).status_code == 302
    assert fresh(editor.session, m.PopulationFigure, figure.id).population == 0
    assert client.get(f"{base}/{figure.id}/delete").status_code == 200
    assert count(editor.session, m.PopulationFigure) == 2
    assert editor.post(f"{base}/{figure.id}/delete").status_code == 302
    assert count(editor.session, m.PopulationFigure) == 1


@pytest.mark.parametrize("changes, field, message", [
    ({"as_of": ""}, "as_of", "Oppgi datoen folketallet gjelder."),
    ({"as_of": "30.09.2025"}, "as_of", "Ikke en gyldig datoverdi"),
    ({"as_of": "2025-06-30"}, "as_of", "Det finnes allerede et folketall for 30. juni 2025."),
    ({"population": ""}, "population", "Oppgi folketallet."),
    ({"population": "-1"}, "population", "Folketallet kan ikke være negativt."),
    ({"population": "mange"}, "population", "Ikke en gyldig heltallsverdi"),
])
def test_an_invalid_population_figure_is_shown_again(client, editor, world, changes, field, message):
    response = editor.post(f"/registers/municipalities/{world['rana'].id}/population/new", {**POPULATION, **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_chunk(page, field)
    assert_kept(page, {**POPULATION, **changes})
    assert count(editor.session, m.PopulationFigure) == 1


def test_a_figure_may_keep_its_own_date_when_edited(editor, world):
    url = f"/registers/municipalities/{world['rana'].id}/population/{world['figure'].id}"
    assert editor.post(url, {"as_of": "2025-06-30", "population": "25900", "source": "SSB"}).status_code == 302


def test_a_municipality_in_use_is_not_deleted_over_http(client, editor, world):
    url = f"/registers/municipalities/{world['rana'].id}/delete"
    for response in (client.get(url), editor.post(url)):
        assert response.status_code == 409
        page = response.get_data(as_text=True)
        assert "Kommunen Rana kan ikke slettes fordi den er i bruk: 1 verv." in page
        assert "Sett heller en dato for når medlemskapet sluttet." in page
    assert count(editor.session, m.Municipality) == 1 and count(editor.session, m.PopulationFigure) == 1


def test_an_unused_municipality_is_deleted_after_confirmation(client, editor, world):
    registers.delete(editor.session, fresh(editor.session, m.Membership, world["seat"].id))
    editor.session.commit()
    url = f"/registers/municipalities/{world['rana'].id}/delete"
    assert "Slette kommunen Rana (1833)?" in client.get(url).get_data(as_text=True)
    assert count(editor.session, m.Municipality) == 1
    assert editor.post(url).status_code == 302
    assert count(editor.session, m.Municipality) == 0 and count(editor.session, m.PopulationFigure) == 0


# --------------------------------------------------------------------------- persons and memberships

PERSON = {"name": "Hilde Rafaelsen", "email": "hilde@dh.example", "title": "daglig leder", "affiliation": "DH"}


def test_creating_a_person(client, editor):
    response = editor.post("/registers/persons/new", {**PERSON, "email": " hilde@dh.example "})
    assert response.status_code == 302 and response.headers["Location"] == "/registers/persons"
    person = editor.session.exec(select(m.Person).where(m.Person.name == "Hilde Rafaelsen")).one()
    assert (person.email, person.title, person.affiliation) == ("hilde@dh.example", "daglig leder", "DH")
    assert editor.post("/registers/persons/new", {"name": "Uten E-post"}).status_code == 302  # e-mail optional
    page = client.get("/registers/persons").get_data(as_text=True)
    assert "Personen er lagret." in page and "Hilde Rafaelsen" in page and "Uten E-post" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"name": ""}, "name", "Oppgi navnet på personen."),
    ({"email": "hilde.dh.example"}, "email", "Oppgi en gyldig e-postadresse"),
    ({"email": "hilde@dh"}, "email", "Oppgi en gyldig e-postadresse"),
    ({"title": "x" * 201}, "title", "Feltet kan ha høyst 200 tegn."),
])
def test_an_invalid_person_is_shown_again(client, editor, changes, field, message):
    before = count(editor.session, m.Person)
    response = editor.post("/registers/persons/new", {**PERSON, **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_chunk(page, field)
    assert_kept(page, {**PERSON, **changes})
    assert count(editor.session, m.Person) == before


def test_a_person_in_use_is_not_deleted(client, editor, world):
    auth_user = editor.create("member", email="robert@rana.example", person_id=world["person"].id)
    assert auth_user.person_id == world["person"].id
    url = f"/registers/persons/{world['person'].id}/delete"
    for response in (client.get(url), editor.post(url)):
        assert response.status_code == 409
        assert "Personen Robert Pettersen kan ikke slettes fordi den er i bruk: knyttet til en brukerkonto." in (
            response.get_data(as_text=True))
    assert fresh(editor.session, m.Person, world["person"].id) is not None


def test_an_unused_person_is_deleted_with_the_seats(client, editor, world):
    url = f"/registers/persons/{world['person'].id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Slette personen Robert Pettersen?" in page and "Vervene til personen slettes også." in page
    assert editor.post(url).status_code == 302
    assert count(editor.session, m.Membership) == 0
    assert "Personen er slettet." in client.get("/registers/persons").get_data(as_text=True)


def membership(world, **changes) -> dict:
    data = {"body_id": world["body"].id, "role": "deputy", "municipality_id": world["rana"].id, "voting": "y",
            "start": "2023-10-01", "end": "2027-09-30", "deputy_for_id": world["seat"].id}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_adding_and_editing_a_membership(client, editor, world):
    deputy = m.Person(name="Atle Henriksen")
    editor.session.add(deputy)
    editor.session.commit()
    base = f"/registers/persons/{deputy.id}/memberships"
    form = client.get(f"{base}/new").get_data(as_text=True)
    assert "Robert Pettersen, Styreleder – Rana" in form  # the seats a deputy may stand in for
    assert ">Varamedlem</option>" in form and ">– ingen –</option>" in form

    response = editor.post(f"{base}/new", membership(world))
    assert response.status_code == 302 and response.headers["Location"] == f"/registers/persons/{deputy.id}#verv"
    seat = editor.session.exec(select(m.Membership).where(m.Membership.person_id == deputy.id)).one()
    assert (seat.role, seat.municipality_id, seat.voting, seat.start, seat.end, seat.deputy_for_id) == (
        m.MembershipRole.deputy, world["rana"].id, True, date(2023, 10, 1), date(2027, 9, 30), world["seat"].id)
    page = client.get(f"/registers/persons/{deputy.id}").get_data(as_text=True)
    assert "Vervet er lagret." in page and "1. oktober 2023 – 30. september 2027" in page
    assert "Varamedlem, Rana (for Robert Pettersen)" in client.get("/registers/persons").get_data(as_text=True)
    assert '<span class="muted">for Robert Pettersen</span>' in page

    response = editor.post(f"{base}/{seat.id}", membership(world, role="observer", municipality_id="", voting=None,
                                                            end="", deputy_for_id=""))
    assert response.status_code == 302
    seat = fresh(editor.session, m.Membership, seat.id)
    assert (seat.role, seat.municipality_id, seat.voting, seat.end, seat.deputy_for_id) == (
        m.MembershipRole.observer, None, False, None, None)
    listing = client.get("/registers/persons").get_data(as_text=True)
    assert "Observatør" in listing and "Styreleder, Rana" in listing

    assert client.get(f"{base}/{seat.id}/delete").status_code == 200
    assert editor.post(f"{base}/{seat.id}/delete").status_code == 302
    assert count(editor.session, m.Membership) == 1


def test_a_deputy_stands_in_for_a_seat_of_the_same_body(client, editor, world):
    other = registers.create_body(editor.session, name="Arbeidsutvalget")
    editor.session.commit()
    response = editor.post(f"/registers/persons/{world['person'].id}/memberships/new",
                           membership(world, body_id=other.id))
    assert response.status_code == 400
    assert "Velg et verv i det samme organet." in field_chunk(response.get_data(as_text=True), "deputy_for_id")
    assert count(editor.session, m.Membership) == 1


@pytest.mark.parametrize("changes, field, message", [
    ({"role": "member"}, "deputy_for_id", "Bare et varamedlem kan stå for et annet verv."),
    ({"end": "2023-09-30"}, "end", "Sluttdatoen kan ikke være før startdatoen."),
    ({"start": "1. oktober"}, "start", "Ikke en gyldig datoverdi"),
    ({"role": "sjef"}, "role", "Ikke et gyldig valg"),
    ({"body_id": "999"}, "body_id", "Ikke et gyldig valg"),
    ({"municipality_id": "999"}, "municipality_id", "Ikke et gyldig valg"),
    ({"deputy_for_id": "999"}, "deputy_for_id", "Ikke et gyldig valg"),
])
def test_an_invalid_membership_is_shown_again(client, editor, world, changes, field, message):
    deputy = m.Person(name="Atle Henriksen")
    editor.session.add(deputy)
    editor.session.commit()
    response = editor.post(f"/registers/persons/{deputy.id}/memberships/new", membership(world, **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_chunk(page, field)
    assert_kept(page, {k: v for k, v in membership(world, **changes).items() if k in ("start", "end")})
    assert count(editor.session, m.Membership) == 1


def test_a_seat_cannot_stand_in_for_itself(client, editor, world):
    page = client.get(f"/registers/persons/{world['person'].id}/memberships/{world['seat'].id}").get_data(as_text=True)
    assert "Robert Pettersen, Styreleder – Rana" not in field_chunk(page, "deputy_for_id")


# --------------------------------------------------------------------------- lists: constant queries


def add_rows(session, body, n: int, start: int) -> None:
    for i in range(start, start + n):
        municipality = m.Municipality(number=f"{1900 + i}", name=f"Kommune {i}")
        person = m.Person(name=f"Person {i}")
        session.add_all([municipality, person])
        session.flush()
        session.add_all([
            m.PopulationFigure(municipality_id=municipality.id, as_of=date(2025, 6, 30), population=1000 + i),
            m.Membership(body_id=body.id, person_id=person.id, municipality_id=municipality.id,
                         role=m.MembershipRole.member),
        ])
        registers.create_body(session, name=f"Utvalg {i}")
    session.commit()


@pytest.mark.parametrize("url", ["/registers/bodies", "/registers/municipalities", "/registers/persons",
                                 "/registers/"])
def test_lists_use_a_constant_number_of_queries(client, editor, world, query_counter, url):
    add_rows(editor.session, world["body"], 2, 0)
    with query_counter() as few:
        assert client.get(url).status_code == 200
    add_rows(editor.session, world["body"], 8, 2)
    with query_counter() as many:
        page = client.get(url).get_data(as_text=True)
    assert many[0] == few[0]
    assert url == "/registers/" or "Kommune 9" in page or "Utvalg 9" in page or "Person 9" in page


def test_the_demo_registers(client, editor, demo):
    persons = client.get("/registers/persons").get_data(as_text=True)
    assert "Robert Pettersen" in persons and "Styreleder, Rana" in persons
    assert "Varamedlem, Lurøy (for Stian Skjærvik)" in persons
    municipalities = client.get("/registers/municipalities").get_data(as_text=True)
    assert municipalities.count("per 30. juni 2025") == 19 and "25\xa0899" in municipalities
    bodies = client.get("/registers/bodies").get_data(as_text=True)
    assert "Styret i Digitale Helgeland" in bodies and "38-25" in bodies
