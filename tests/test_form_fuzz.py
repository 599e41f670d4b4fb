"""Every form of the app, posted by a signed-in secretary (the administrator's own forms by the
administrator) with values a hurried or hostile user
might type, answers with a page or a Norwegian 4xx, never a 500.

The forms are found from the URL map (every rule that takes POST), filled with the ids of real
demo rows; their field names are read from the form page itself, so a form added later is
fuzzed too without touching this file.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

import boardroom.models as m

SKIPPED = {"/login", "/logout", "/account/password"}  # they end or change the signed-in session

NASTY = st.sampled_from([
    "", " ", "0", "-1", "1", "2", "2147483647", "2147483648", "-2147483649", "99999999999999999999999",
    "1e309", "NaN", "abc", "ÆØÅ æøå", "<script>alert(1)</script>", "2025-13-45", "31.02.2025", "0001-01-01",
    "9999-12-31", "25:61", "{seq}{seq:999999}", "{yy", "line\r\nbreak", "'; DROP TABLE meeting; --", "x" * 2000,
    "https://", "javascript:alert(1)", "1,5", "1 000 000 000 000,00", "-0,01", "y", "on", "true",
])

TABLE_FOR = {  # a URL argument → the table whose ids fill it
    "attachment_id": m.Attachment, "body_id": m.Body, "agenda_item_id": m.AgendaItem,
    "disqualification_id": m.Disqualification, "cost_id": m.Cost, "decision_id": m.ProjectDecision,
    "follow_up_id": m.FollowUp, "meeting_id": m.Meeting, "attendance_id": m.Attendance, "project_id": m.Project,
    "case_id": m.StandardCase, "municipality_id": m.Municipality, "figure_id": m.PopulationFigure,
    "person_id": m.Person, "membership_id": m.Membership, "organisation_id": m.Organisation,
    "token": None,  # signed one-time links (absence, invitation, password reset): a forged one
    # a vocabulary and one of its terms, by their address segment and key (the demo's built-in words)
    "slug": "follow-up-statuses", "key": "open",
}


def form_rules():
    from boardroom import create_app

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods and r.rule not in SKIPPED]
    unknown = [a for r in rules for a in r.arguments if a not in TABLE_FOR]
    assert not unknown, f"add these URL arguments to TABLE_FOR: {unknown}"
    return sorted(r.rule for r in rules)


RULES = form_rules()


def fill(session, rule: str) -> str | None:
    """The rule with real ids: a planned meeting (editable) and its rows where there is a choice."""
    planned = session.exec(select(m.Meeting).order_by(m.Meeting.status == m.MeetingStatus.planned, m.Meeting.id)
                           ).all()
    planned = planned[-1] if planned else None  # a planned meeting while one is left (a post may cancel it)
    if planned is None:
        return None
    values = {}
    for name in re.findall(r"<(?:int:)?(\w+)>", rule):
        table = TABLE_FOR[name]
        if isinstance(table, str):
            values[name] = table
            continue
        if table is None:
            values[name] = "forfalsket.token.verdi"
            continue
        query = select(table.id).order_by(table.id)
        if table is m.Meeting:
            query = query.where(m.Meeting.id == planned.id)
        elif table in (m.AgendaItem, m.Attendance):
            query = query.where(table.meeting_id == planned.id)
        found = session.exec(query).first()
        if found is None:
            return None
        values[name] = found
    return re.sub(r"<(?:int:)?(\w+)>", lambda match: str(values[match.group(1)]), rule)


def field_names(html: str) -> list[str]:
    names = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)
    return sorted({n for n in names if n != "csrf_token"})


ADMIN_RULES = [r for r in RULES if r.startswith("/organisations")]  # only the administrator's
SECRETARY_RULES = [r for r in RULES if r not in ADMIN_RULES]
CHUNKS = [SECRETARY_RULES[i:i + 6] for i in range(0, len(SECRETARY_RULES), 6)]  # one demo load serves six forms


@pytest.mark.parametrize("rules", CHUNKS, ids=lambda rules: rules[0])
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.lists(NASTY, min_size=60, max_size=60))
def test_every_form_answers_bad_input_without_500(rules, typed, demo, auth):
    post_nasty_values(rules, typed, demo, auth, "secretary")


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.lists(NASTY, min_size=60, max_size=60))
def test_every_form_of_the_administrator_answers_bad_input_without_500(typed, demo, auth):
    assert ADMIN_RULES
    post_nasty_values(ADMIN_RULES, typed, demo, auth, "admin")


def post_nasty_values(rules, typed, demo, auth, role):
    if not getattr(auth, "_fuzz_signed_in", False):
        auth.login(role)
        auth._fuzz_signed_in = True
    for rule in rules:
        url = fill(demo, rule)
        if url is None:  # an earlier post deleted what this form needs
            continue
        page = auth.client.get(url)
        names = field_names(page.get_data(as_text=True)) if page.status_code == 200 else []
        values = dict(zip(names, typed))  # drawn up front: what a form holds may change as posts change the data
        response = auth.post(url, values)
        assert response.status_code < 500, (url, values, response.status_code)
