"""Bad input gets a Norwegian 4xx, never a 500, and nothing saved changes: NUL characters,
ids beyond the database's integers, CR/LF in next=, lists nested thousands deep, dates that
are only spaces or outside 1900–2200, amounts the columns cannot hold, case-number formats
that would grow without bound."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

import boardroom.models as m
from boardroom.core.text import render_markdown
from tests.agenda_helpers import board  # noqa: F401  (fixture)
from tests.conftest import oslo

NUL = "\x00"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


# --------------------------------------------------------------------------- NUL characters


def test_nul_in_public_addresses_is_refused(client, make_meeting):
    meeting = make_meeting(start=oslo(2026, 2, 5, 10))
    for path in (f"/meetings/{meeting.id}?x=a%00b", "/meetings/%00", "/api/meetings?q=%00", "/calendar.ics?%00=1",
                 "/municipalities/18%0024"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "ugyldig tegn (NUL)" in text(response), path


def test_nul_in_a_form_is_refused_and_nothing_is_saved(session, auth):
    auth.login("secretary")
    before = count(session, m.Person)
    response = auth.post("/registers/persons/new", data={"name": "Ola\x00Nordmann", "email": "", "title": "",
                                                         "affiliation": ""})
    assert response.status_code == 400
    assert "ugyldig tegn (NUL)" in text(response)
    assert count(session, m.Person) == before
    response = auth.post("/registers/persons/new", data={"name": "Ola Nordmann", "email": "", "title": "",
                                                         "affiliation": ""})
    assert response.status_code == 302 and count(session, m.Person) == before + 1


def test_nul_at_login_is_refused(client):
    response = client.post("/login", data={"email": "a\x00@b.no", "password": "x"})
    assert response.status_code == 400


# --------------------------------------------------------------------------- ids and next=


def test_ids_beyond_the_database_integers_are_not_found(client, auth, make_meeting):
    make_meeting(start=oslo(2026, 2, 5, 10))
    huge = (2**31, 2**63, 10**30)
    for n in huge:
        for path in (f"/meetings/{n}", f"/cases/{n}", f"/api/meetings/{n}", f"/meetings/{n}/protokoll.docx",
                     f"/projects/{n}", f"/costs/{n}", f"/decisions/{n}"):
            assert client.get(path).status_code == 404, path
    auth.login("secretary")
    for path in (f"/meetings/{2**40}/agenda", f"/cases/{2**40}/edit", f"/registers/persons/{2**63}"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/api/meetings/{2**31}").get_json()["status"] == 404


def test_crlf_in_next_never_leaves_the_site(client, auth):
    user = auth.create("secretary")
    token = auth.token()
    for target in ("/%0d%0aSet-Cookie:%20x=1", "/meetings%0a", "/\\evil.example", "//evil.example"):
        response = client.post(f"/login?next={target}", data={"email": user.email, "password": auth.PASSWORD,
                                                              "csrf_token": token})
        assert response.status_code == 302, target
        location = response.headers["Location"]
        assert "\r" not in location and "\n" not in location and "evil" not in location, target
        assert location.endswith("/"), target
        client.post("/logout", data={"csrf_token": token})


# --------------------------------------------------------------------------- Markdown nested deep


def test_lists_and_quotes_nested_thousands_deep_render(session, make_meeting, client):
    deep_list = "".join("    " * i + f"- nivå {i}\n" for i in range(2000))
    deep_quote = ">" * 2000 + " sitat"
    html = render_markdown(deep_list)
    assert html.count("<li>") == 2000 and "nivå 1999" in html
    assert render_markdown(deep_quote).count("<blockquote>") == 20
    assert render_markdown("- a\n    - b") == "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>"  # ordinary nesting kept
    meeting = make_meeting(start=oslo(2026, 2, 5, 10), cases=1)
    item = meeting.items[0]
    item.background = deep_list
    session.add(item)
    session.commit()
    page = client.get(f"/cases/{item.id}")
    assert page.status_code in (200, 302)


# --------------------------------------------------------------------------- dates, amounts, formats


def meeting_form(body_id, **changes) -> dict:
    data = {"body_id": str(body_id), "title": "Styremøte", "start_date": "2026-01-20", "start_time": "10:00",
            "end_date": "", "end_time": "15:00", "place": "", "mode": "hybrid", "chair_id": "", "purpose": ""}
    data.update(changes)
    return data


def test_dates_of_spaces_or_outside_the_calendar_are_refused(session, auth, board):  # noqa: F811
    auth.login("secretary")
    before = count(session, m.Meeting)
    for value, message in (("   ", "Oppgi dato for møtet."), ("0001-01-01", "Oppgi en dato mellom år 1900 og 2200."),
                           ("31.12.9999", "Oppgi en dato mellom år 1900 og 2200.")):
        response = auth.post("/meetings/new", data=meeting_form(board.body.id, start_date=value))
        assert response.status_code == 400, value
        assert message in text(response), value
    response = auth.post("/meetings/new", data=meeting_form(board.body.id, end_date="9999-12-31"))
    assert response.status_code == 400 and "Oppgi en dato mellom år 1900 og 2200." in text(response)
    assert count(session, m.Meeting) == before


def test_amounts_the_database_cannot_hold_are_refused(session, auth, demo):
    auth.login("secretary")
    project = demo.exec(select(m.Project).order_by(m.Project.id)).first()
    before = count(session, m.Grant)
    form = {"purpose": "Pilot", "funder": "Statsforvalteren", "year": "2026"}
    response = auth.post(f"/projects/{project.id}/grants/new", data={**form, "amount": "1 000 000 000 000"})
    assert response.status_code == 400
    assert "Tallet er for stort. Det største som kan lagres, er 999 999 999 999,99." in text(response)
    assert count(session, m.Grant) == before
    response = auth.post(f"/projects/{project.id}/grants/new", data={**form, "amount": "999 999 999 999,99"})
    assert response.status_code == 302 and count(session, m.Grant) == before + 1


def test_population_beyond_the_integer_column_is_refused(session, auth, demo):
    auth.login("secretary")
    town = demo.exec(select(m.Municipality).order_by(m.Municipality.id)).first()
    before = count(session, m.PopulationFigure)
    response = auth.post(f"/registers/municipalities/{town.id}/population/new",
                         data={"as_of": "2026-01-01", "population": str(10**20), "source": ""})
    assert response.status_code == 400 and "Folketallet er for stort." in text(response)
    assert count(session, m.PopulationFigure) == before


def test_case_number_formats_that_grow_without_bound_are_refused(session, auth, board):  # noqa: F811
    auth.login("secretary")
    body = board.body
    for fmt, message in (("{seq:{year}}-{yy}", "Ugyldig saksnummerformat"),
                         ("{seq:999999999}-{yy}", "Saksnummerformatet gir for lange numre"),
                         ("{seq:40}", "Saksnummeret blir for langt")):
        response = auth.post(f"/registers/bodies/{body.id}", data={
            "name": body.name, "organisation": "", "short_name": "", "case_number_format": fmt, "default_place": ""})
        assert response.status_code == 400, fmt
        assert message in text(response), fmt
        assert len(response.data) < 100_000, fmt
    session.refresh(body)
    assert body.case_number_format in (None, "{seq:02d}-{yy}")


# --------------------------------------------------------------------------- any id, any text


ROUTES = ("/meetings/{n}", "/cases/{n}", "/api/meetings/{n}", "/projects/{n}", "/api/projects/{n}", "/costs/{n}",
          "/api/costs/{n}", "/decisions/{n}", "/api/decisions/{n}", "/municipalities/{t}", "/api/municipalities/{t}",
          "/meetings?year={t}", "/participation?region={t}&fase={t}", "/follow-ups?status={t}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.one_of(st.integers(min_value=0, max_value=10**40), st.just(2**31 - 1), st.just(2**31)),
       t=st.text(alphabet=st.sampled_from("0aæ%\x00 \r\n<>\"'{}"), max_size=12))
def test_public_routes_never_answer_500(client, n, t):
    from urllib.parse import quote

    for route in ROUTES:
        path = route.format(n=n, t=quote(t))
        status = client.get(path).status_code
        assert status < 500, (path, status)
