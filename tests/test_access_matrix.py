"""Least privilege, route by route: every rule of the URL map, asked by every kind of viewer,
against one table of expectations (``ROUTES`` and ``ANSWERS`` below).

The viewers: a visitor, a reader, a reader an administrator granted restricted papers, a board
member with a seat on the body, a board member of another body, the secretary, the secretary
of another organisation in the installation and the administrator (who alone sets up organisations). The world is the exempt crawl's: every draft and exempt field carries a marker.

- Reading: those who read the body's restricted papers find the markers on its case pages;
  everyone else finds none on any address, as a visitor.
- Writing: every route that changes something refuses all but the secretary and the
  administrator (the log-in page for visitors, 403 for other accounts), and a refused post
  changes nothing.
"""

from __future__ import annotations

from urllib.parse import unquote

import sqlalchemy as sa
from flask import url_for
from sqlmodel import SQLModel, select

import boardroom.models as m
from boardroom.core.access import grant_role
from tests.conftest import forget_signed_in_user
from tests.test_exempt_crawl import ITEM_TEXTS, MARKER, found_markers, mark, world  # noqa: F401  (fixture)

VIEWERS = ("visitor", "reader", "granted_reader", "member", "member_elsewhere", "secretary", "secretary_elsewhere",
           "admin")

# What each kind of route answers each viewer: a status, or "page" (200, or the log-in page /
# 403 where the papers are not this viewer's: the reading test checks what it shows).
# "allowed": not refused (200, or 404 / 409 where the form does not apply to the row, such as
# deleting a body that has meetings)
EDITOR = {"visitor": "login", "reader": 403, "granted_reader": 403, "member": 403, "member_elsewhere": 403,
          "secretary": "allowed", "secretary_elsewhere": 403, "admin": "allowed"}
SIGNED_IN = {"visitor": "login", **{v: 200 for v in VIEWERS[1:]}}
# the administrator's own pages (organisations of the whole installation): no one else's
ADMIN = {**{v: 403 for v in VIEWERS}, "visitor": "login", "admin": "allowed"}
ANSWERS = {
    "public": {v: "page" for v in VIEWERS},  # read by anyone; drafts and exempt parts by those allowed
    "editor": EDITOR,  # the secretary's and the administrator's forms and actions
    "admin": ADMIN,  # the administrator's set-up of organisations
    "signed_in": SIGNED_IN,  # an account's own pages and actions
    "bad_token": {v: 404 for v in VIEWERS},  # a signed link that is not (or no longer) valid
    "login_form": {v: 200 for v in VIEWERS},
}
ROUTES = {
    "public": [
        "main.index", "api.benefits", "api.costs", "api.cost", "api.decision", "api.follow_ups", "api.meetings",
        "api.meeting", "api.municipality", "api.participation", "api.projects", "api.project", "agenda.attachment",
        "projects.benefits", "calendar.index", "calendar.feed", "calendar.body_feed", "calendar.municipality_feed",
        "meetings.case", "costs.costs", "costs.cost", "costs.cost_csv", "participation.decision", "agenda.figure",
        "followups.follow_ups", "meetings.index", "meetings.show", "calendar.meeting_ics", "agenda.innkalling",
        "meetings.protokoll", "meetings.protokoll_version", "members.index", "members.municipality",
        "participation.participation", "participation.participation_csv", "projects.index", "projects.project",
        "projects.benefits_export", "static", "main.logo",
    ],
    "editor": [
        "agenda.delete_attachment", "agenda.word_template", "agenda.remove_template", "calendar.new_body_token",
        "calendar.revoke_body_token", "agenda.case_attachments", "agenda.edit_case", "followups.new_follow_up",
        "decisions.disqualify", "decisions.remove_disqualification", "agenda.move", "decisions.defer",
        "decisions.decide", "costs.new_cost_key", "costs.edit_cost", "costs.new_cost", "participation.answers",
        "participation.new_answer", "followups.edit_follow_up", "agenda.markdown_preview", "agenda.builder",
        "agenda.meeting_attachments", "agenda.cancel", "agenda.new_case", "agenda.edit_meeting",
        "followups.follow_up_case", "decisions.mark_held", "decisions.approve", "agenda.invited",
        "agenda.uninvite_person", "agenda.invite_current_members", "decisions.attendance", "absence.call_deputy",
        "decisions.add_attendee", "agenda.order", "decisions.co_signer", "decisions.correct", "agenda.send",
        "agenda.new_meeting", "mail.index", "auth.invite", "projects.import_benefits_view", "projects.new_benefit",
        "projects.new_decision", "projects.edit_project", "projects.new_grant", "projects.new_status_report",
        "projects.new_project", "registers.index", "registers.bodies", "registers.body_edit", "registers.body_delete",
        "registers.standard_case_edit", "registers.standard_case_delete", "registers.standard_case_move",
        "registers.standard_case_new", "registers.body_format_example", "registers.body_new",
        "registers.municipalities", "registers.municipality_edit", "registers.municipality_delete",
        "registers.population_edit", "registers.population_delete", "registers.population_new",
        "registers.municipality_new", "registers.persons", "registers.person_edit", "registers.person_delete",
        "registers.membership_edit", "registers.membership_delete", "registers.membership_new", "registers.person_new",
        "registers.vocabulary_index", "registers.vocabulary", "registers.term_new", "registers.term_edit",
        "registers.term_move", "registers.term_delete",
    ],
    "admin": ["orgadmin.index", "orgadmin.create", "orgadmin.edit", "orgadmin.import_file"],
    "signed_in": ["auth.password", "calendar.new_own_token", "calendar.revoke_own_token", "members.mine",
                  "members.minside", "auth.logout", "absence.report"],
    "bad_token": ["auth.accept_invitation", "auth.reset", "absence.by_link", "calendar.token_feed"],
    "login_form": ["auth.login", "auth.forgot"],
}
# Answers that differ from the route's kind, with the reason.
EXCEPTIONS = {
    # a board member reports their own absence; others have no invitation to the meeting
    ("absence.report", "reader"): 403, ("absence.report", "granted_reader"): 403,
    ("absence.report", "member_elsewhere"): 403, ("absence.report", "secretary"): 403,
    ("absence.report", "admin"): 403,
    # "Min kommune" sends a board member on to their municipality's page; other accounts have none
    ("members.mine", "member"): 302,
    **{("members.mine", v): 404 for v in ("reader", "granted_reader", "member_elsewhere", "secretary", "admin")},
    # the calendar page where one's own feed address is made: only for an account with a person
    **{("calendar.new_own_token", v): 403 for v in ("reader", "granted_reader", "secretary", "admin")},
    **{("calendar.revoke_own_token", v): 403 for v in ("reader", "granted_reader", "secretary", "admin")},
    # an account with no role in this organisation has no page of its own here
    **{(name, "secretary_elsewhere"): 403 for name in ("members.mine", "members.minside", "calendar.new_own_token",
                                                        "calendar.revoke_own_token", "absence.report")},
    # logging out (asked last) answers with the way back to the front page
    **{("auth.logout", v): 302 for v in VIEWERS},
}


def expected(endpoint: str, viewer: str):
    kind = next(k for k, names in ROUTES.items() if endpoint in names)
    return EXCEPTIONS.get((endpoint, viewer), ANSWERS[kind][viewer])


def test_every_route_is_in_the_table(app):
    listed = [name for names in ROUTES.values() for name in names]
    assert len(listed) == len(set(listed)), "a route is listed twice"
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(listed)


def sign_in(auth, session, viewer: str, seat_body: m.Body, other_body: m.Body):
    if viewer == "visitor":
        return
    if viewer in ("member", "member_elsewhere"):
        person = session.exec(select(m.Person).where(m.Person.name == "Medlem Træna")).one()
        if viewer == "member_elsewhere":
            person = m.Person(name="Medlem Annetsteds")
            session.add(person)
            session.flush()
        body = seat_body if viewer == "member" else other_body
        if viewer == "member_elsewhere":
            session.add(m.Membership(body_id=body.id, person_id=person.id, role=m.MembershipRole.member))
        session.commit()
        auth.login("member", email=f"{viewer}@example.org", person_id=person.id)
        return
    if viewer == "secretary_elsewhere":  # the secretary of another organisation in the installation
        other = m.Organisation(name="Annet samarbeid", short_name="AS", slug="annet")
        session.add(other)
        session.flush()
        user = auth.create("secretary", email="secretary_elsewhere@example.org")
        for row in session.exec(select(m.OrganisationRole).where(m.OrganisationRole.user_id == user.id)):
            session.delete(row)  # the role the account was made with, in the first organisation
        session.flush()
        grant_role(session, user.id, other.id, m.UserRole.secretary)
        session.commit()
        response = auth.client.post("/login", data={"email": user.email, "password": auth.PASSWORD,
                                                    "csrf_token": auth.token()})
        assert response.status_code == 302
        auth._token = None
        forget_signed_in_user()
        return
    role = {"reader": "reader", "granted_reader": "reader", "secretary": "secretary", "admin": "admin"}[viewer]
    auth.login(role, email=f"{viewer}@example.org", reads_restricted=viewer == "granted_reader")


def filled_urls(app, session, rule, count: int) -> list[str]:
    """The rule filled with the world's ids (one address per row it takes, the first few)."""
    ids = {
        "meeting_id": session.exec(select(m.Meeting.id)).all(), "agenda_item_id": session.exec(select(m.AgendaItem.id)).all(),
        "cost_id": session.exec(select(m.Cost.id)).all(), "decision_id": session.exec(select(m.ProjectDecision.id)).all(),
        "project_id": session.exec(select(m.Project.id)).all(), "body_id": session.exec(select(m.Body.id)).all(),
        "follow_up_id": session.exec(select(m.FollowUp.id)).all(), "person_id": session.exec(select(m.Person.id)).all(),
        "municipality_id": session.exec(select(m.Municipality.id)).all(),
        "kommunenummer": session.exec(select(m.Municipality.number)).all(), "token": ["ikke-en-gyldig-lenke"],
        "slug": ["follow-up-statuses", "case-kinds"],
        "organisation_id": session.exec(select(m.Organisation.id)).all(),
    }
    args = sorted(rule.arguments)
    with app.test_request_context():
        if rule.endpoint == "static":
            return [url_for("static", filename="style.css")]
        if not args:
            return [url_for(rule.endpoint)]
        pairs = {
            ("attachment_id", "filename"): [dict(attachment_id=a.id, filename=a.filename) for a in session.exec(select(m.Attachment))],
            ("attachment_id",): [dict(attachment_id=a) for a in session.exec(select(m.Attachment.id))],
            ("meeting_id", "number"): [dict(meeting_id=v.meeting_id, number=v.version) for v in session.exec(select(m.MinutesVersion))],
            ("body_id", "case_id"): [dict(body_id=b, case_id=0) for b in ids["body_id"]],
            ("figure_id", "municipality_id"): [dict(municipality_id=f.municipality_id, figure_id=f.id) for f in session.exec(select(m.PopulationFigure))],
            ("membership_id", "person_id"): [dict(person_id=s.person_id, membership_id=s.id) for s in session.exec(select(m.Membership))],
            ("agenda_item_id", "disqualification_id"): [dict(agenda_item_id=d.agenda_item_id, disqualification_id=d.id) for d in session.exec(select(m.Disqualification))],
            ("attendance_id", "meeting_id"): [dict(meeting_id=a.meeting_id, attendance_id=a.id) for a in session.exec(select(m.Attendance))],
            ("key", "slug"): [dict(slug="follow-up-statuses", key="open"), dict(slug="case-kinds", key="decision")],
        }
        values = pairs.get(tuple(args)) or [{args[0]: v} for v in ids[args[0]]]
        return [url_for(rule.endpoint, **kw) for kw in values[:count]]


def fingerprint(session) -> dict:
    """How many rows each table of the record has, and its last change: a refused post changes none."""
    session.expire_all()
    skip = {"auditentry", "loginthrottle", "user", "usedtoken", "revision"}
    result = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in skip:
            continue
        columns = [sa.func.count()] + ([sa.func.max(table.c.modified_at)] if "modified_at" in table.c else [])
        result[table.name] = tuple(session.execute(sa.select(*columns).select_from(table)).one())
    return result


def answer(response) -> int | str:
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return "login"
    return response.status_code


READS = {"visitor": False, "reader": False, "granted_reader": True, "member": True, "member_elsewhere": False,
         "secretary": True, "secretary_elsewhere": False, "admin": True}  # the body's drafts and exempt cases


def ask_every_route(app, client, session, auth, viewer) -> tuple[list, dict]:
    """Every rule, filled, asked as ``viewer``: the answers not in the table, and markers found by
    a viewer who may not read them."""
    wrong, leaks = [], {}
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint == "auth.logout", r.rule))
    for rule in rules:
        want = expected(rule.endpoint, viewer)
        for url in filled_urls(app, session, rule, 2 if want == "page" else 1):
            if "GET" in rule.methods:
                response = client.get(url)
            elif want in (200, "page", "allowed"):
                continue  # a post that would be accepted changes the world; the domain tests cover it
            else:
                response = auth.post(url)  # with a valid CSRF token: the access check must refuse it
            got = answer(response)
            assert response.status_code < 500, (url, response.status_code)
            if want == "page":
                if got not in (200, "login", 403, 404):
                    wrong.append((url, got, "a page"))
                found = found_markers(response) - {x.decode() for x in MARKER.findall(unquote(url).encode())}
                if found and not READS[viewer]:
                    leaks[url] = found
            elif want == "allowed":
                if got in ("login", 401, 403):
                    wrong.append((url, got, want))
            elif want != got:
                wrong.append((url, got, want))
            response.close()
    return wrong, leaks


def restricted_fields_shown(client, session, world) -> dict[int, set[str]]:
    """Of each secret case's page, which marked fields the viewer reads."""
    shown = {}
    for item_id in world.secret_items:
        page = client.get(f"/cases/{item_id}").get_data(as_text=True)
        tag = session.get(m.AgendaItem, item_id).case.title.rsplit("-", 1)[1]
        shown[item_id] = {field for field in ("title", "handler", *ITEM_TEXTS[1:4], "att-title")
                          if mark(tag, field) in page}
    return shown


def test_each_viewer_gets_what_the_table_says(app, client, session, world, auth):
    seat_body = session.exec(select(m.Body)).one()
    other_body = m.Body(name="Valgkomiteen", short_name="VK")
    session.add(other_body)
    session.commit()
    for viewer in VIEWERS:
        client.delete_cookie("session")
        auth._token = None
        sign_in(auth, session, viewer, seat_body, other_body)
        shown = restricted_fields_shown(client, session, world)
        if READS[viewer]:
            assert all(len(fields) == 6 for fields in shown.values()), (viewer, shown)
        else:
            assert not any(shown.values()), (viewer, shown)
        before = fingerprint(session)
        wrong, leaks = ask_every_route(app, client, session, auth, viewer)  # logs out last
        assert wrong == [], viewer + ":\n" + "\n".join(map(str, wrong))
        assert leaks == {}, viewer + ":\n" + "\n".join(f"{url}: {sorted(found)}" for url, found in sorted(leaks.items()))
        assert fingerprint(session) == before, f"{viewer}: a refused request changed the record"


def test_an_administrator_grants_a_reader_restricted_papers_from_the_command_line(runner, session, auth):
    reader = auth.create("reader", email="leser@example.org")
    result = runner.invoke(args=["user", "grant", "--email", "leser@example.org"])
    assert result.exit_code == 0, result.output
    assert "leser@example.org leser utkast og saker unntatt offentlighet." in result.output
    session.refresh(reader)
    assert reader.reads_restricted is True
    result = runner.invoke(args=["user", "grant", "--email", "leser@example.org", "--revoke"])
    assert "leser ikke lenger utkast" in result.output
    session.refresh(reader)
    assert reader.reads_restricted is False
    auth.create("secretary", email="sekretaer@example.org")
    refused = runner.invoke(args=["user", "grant", "--email", "sekretaer@example.org"])
    assert refused.exit_code != 0 and "Bare en konto med rollen leser" in refused.output
    assert "Fant ingen konto" in runner.invoke(args=["user", "grant", "--email", "ingen@example.org"]).output
