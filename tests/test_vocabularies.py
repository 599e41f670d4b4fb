"""Vocabularies per organisation: project phases, follow-up statuses, health levels and case kinds.

The built-in words are the defaults; an organisation can replace them. Records keep a term's key,
so a rename rewrites no history and changes no approved minutes; a closed status of the
organisation's own ends a follow-up as "Ferdig" does; one organisation's words never show in
another's pages.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from sqlmodel import select

import boardroom.models as m
from boardroom.core import vocabularies
from boardroom.core.access import grant_role
from boardroom.decisions.approval import undecided
from boardroom.demo import health
from boardroom.registers import vocabularies as terms_admin
from tests.portfolio_helpers import text_of
from tests.test_organisations import two  # noqa: F401  (fixture)

B = f"/{health.SLUG}"
STATUSES = f"{B}/registers/vocabularies/follow-up-statuses"


@pytest.fixture
def on(monkeypatch):
    """Set the day the follow-ups are judged overdue on."""
    def set_day(day: date):
        monkeypatch.setattr("boardroom.followups.followups.today", lambda: day)
    return set_day


@pytest.fixture
def trust_secretary(auth, two):
    session, _dh, trust = two
    user = auth.login("secretary", email="sekretaer@fikt.example")
    grant_role(session, user.id, trust.id, m.UserRole.secretary)
    session.commit()
    return auth


def approved_meeting(session, organisation):
    return session.exec(select(m.Meeting).join(m.Body).where(m.Body.organisation_id == organisation.id,
                                                             m.Meeting.status == m.MeetingStatus.approved)
                        .order_by(m.Meeting.id)).first()


def row_of(html: str, word: str) -> str:
    """The text of the table row that names ``word``."""
    for row in re.findall(r"<tr.*?</tr>", html, flags=re.S):
        if word in row:
            return text_of(row)
    return ""


# --------------------------------------------------------------------------- defaults


def test_an_organisation_without_terms_uses_the_built_in_words(two):
    session, dh, _trust = two
    assert [t.label for t in vocabularies.terms(session, "followup_status", dh.id)] == ["Åpen", "Pågår", "Ferdig"]
    assert [t.label for t in vocabularies.terms(session, "phase", dh.id)] == [
        "Idé", "Utredning", "Anskaffelse", "Gjennomføring", "Drift", "Avsluttet"]
    assert vocabularies.closed_keys(session, "phase", dh.id) == ["closed"]
    assert vocabularies.means(session, "case_kind", "other_business", dh.id) == m.CaseKind.other_business


def test_digitale_helgeland_keeps_its_words_and_the_trust_shows_its_own(client, two, on):
    on(date(2026, 5, 10))
    ours = client.get("/follow-ups").get_data(as_text=True)
    assert "Åpne og pågående" in ours and "Nytt" not in text_of(ours) and "Justert" not in ours
    theirs = client.get(f"{B}/follow-ups").get_data(as_text=True)
    assert "Nytt" in row_of(theirs, "Utarbeide konkurransegrunnlag")
    assert "Justert" in row_of(theirs, "Avklare fordelingen")
    assert "Videreført uten endringer" in row_of(theirs, "tiltak mot sykefravær")
    # the closed one is left out of the default list, as "Ferdig" is
    assert "Oppdatere risikovurderingen" not in theirs
    everything = client.get(f"{B}/follow-ups?status=alle").get_data(as_text=True)
    assert "Avsluttet" in row_of(everything, "Oppdatere risikovurderingen")
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', theirs)
    assert ("nytt", "Nytt") in options and ("avsluttet", "Avsluttet") in options
    assert ("done", "Ferdig") not in options


def test_overdue_counts_skip_a_closed_term_of_the_organisations_own(client, two, on):
    on(date(2026, 5, 10))
    page = text_of(client.get(f"{B}/follow-ups").get_data(as_text=True))
    # Nytt (30 April) and Justert (15 March) are overdue; Avsluttet (1 March) is closed, Videreført is due in June
    assert "2 forfalt." in page
    html = client.get(f"{B}/follow-ups?status=alle").get_data(as_text=True)
    assert "Forfalt" not in row_of(html, "Oppdatere risikovurderingen")
    assert "Forfalt" in row_of(html, "Utarbeide konkurransegrunnlag")
    assert "Forfalt" not in row_of(html, "tiltak mot sykefravær")


def test_a_follow_up_closed_by_a_later_case_gets_the_organisations_closed_status(two):
    from boardroom.followups.followups import update_follow_up

    session, _dh, trust = two
    follow_up = session.exec(select(m.FollowUp).where(m.FollowUp.status == "nytt")).one()
    origin = session.get(m.AgendaItem, follow_up.agenda_item_id)
    later_meeting = m.Meeting(body_id=origin.body_id, starts_at=origin.meeting.starts_at.replace(month=4),
                              ends_at=origin.meeting.ends_at.replace(month=4))
    session.add(later_meeting)
    session.flush()
    case = m.Case(body_id=origin.body_id, title="Oppfølging")
    session.add(case)
    session.flush()
    later = m.AgendaItem(meeting_id=later_meeting.id, case_id=case.id, body_id=origin.body_id, kind="information")
    session.add(later)
    session.flush()
    update_follow_up(session, follow_up, text=follow_up.text, person_id=follow_up.responsible_person_id,
                     municipality_id=None, due_date=follow_up.due_date, status=follow_up.status, closed_by=later)
    assert follow_up.status == "avsluttet"


# --------------------------------------------------------------------------- the register


def test_the_secretary_renames_a_term_and_the_records_keep_its_key(client, two, trust_secretary):
    session, _dh, trust = two
    page = client.get(STATUSES).get_data(as_text=True)
    assert "Videreført uten endringer" in row_of(page, "Videreført") and "Nei" in row_of(page, "Videreført")
    assert "Ja" in row_of(page, "Avsluttet")
    response = trust_secretary.post(f"{STATUSES}/justert", {"label": "Endret plan"})
    assert response.status_code == 302
    assert "«Endret plan» er lagret." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Endret plan" in row_of(client.get(f"{B}/follow-ups").get_data(as_text=True), "Avklare fordelingen")
    session.expire_all()
    assert session.exec(select(m.FollowUp.status).where(m.FollowUp.text.startswith("Avklare"))).one() == "justert"
    # the edit form of the follow-up offers the new word, with the record's key
    follow_up = session.exec(select(m.FollowUp).where(m.FollowUp.text.startswith("Avklare"))).one()
    form = client.get(f"{B}/follow-ups/{follow_up.id}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="justert">Endret plan</option>|'
                     r'<option value="justert" selected>Endret plan</option>', form), form


def test_a_new_term_a_reorder_and_a_deleted_unused_term(client, two, trust_secretary):
    session, _dh, trust = two
    assert trust_secretary.post(f"{STATUSES}/new", {"label": "Til vurdering"}).status_code == 302
    terms = vocabularies.terms(session, "followup_status", trust.id)
    assert [t.label for t in terms][-1] == "Til vurdering" and terms[-1].key == "til_vurdering"
    assert trust_secretary.post(f"{STATUSES}/til_vurdering/move", {"direction": "up"}).status_code == 302
    session.expire_all()
    vocabularies.forget(session)
    assert [t.label for t in vocabularies.terms(session, "followup_status", trust.id)] == [
        "Nytt", "Justert", "Videreført uten endringer", "Til vurdering", "Avsluttet"]
    assert trust_secretary.post(f"{STATUSES}/til_vurdering/delete").status_code == 302
    vocabularies.forget(session)
    assert "Til vurdering" not in [t.label for t in vocabularies.terms(session, "followup_status", trust.id)]


def test_the_first_change_to_built_in_words_copies_them_with_their_keys(client, demo, auth):
    auth.login("secretary")
    response = auth.post("/registers/vocabularies/phases/closed", {"label": "Lagt ned", "closed": "y"})
    assert response.status_code == 302
    page = client.get("/registers/vocabularies/phases").get_data(as_text=True)
    assert [t for t in ("Idé", "Utredning", "Anskaffelse", "Gjennomføring", "Drift", "Lagt ned") if t in page] == [
        "Idé", "Utredning", "Anskaffelse", "Gjennomføring", "Drift", "Lagt ned"]
    rows = demo.exec(select(m.VocabularyTerm).where(m.VocabularyTerm.vocabulary == "phase")).all()
    assert sorted(r.key for r in rows) == sorted(p.value for p in m.ProjectPhase)
    # the project list's filter and a project in operation read as before
    projects = client.get("/projects").get_data(as_text=True)
    assert '<option value="closed">Lagt ned</option>' in projects and "Drift" in projects


@pytest.mark.parametrize("path, data, message", [
    # the only closed status made open
    ("/avsluttet", {"label": "Avsluttet"}, "Minst én status må være lukket"),
    # a label the list has (case does not matter)
    ("/justert", {"label": "nytt"}, "«nytt» finnes allerede i listen."),
    ("/new", {"label": "NYTT"}, "«NYTT» finnes allerede i listen."),
    ("/new", {"label": "  "}, "Skriv ordet slik det skal vises."),
    ("/new", {"label": "x" * 101}, "Feltet kan ha høyst 100 tegn."),
])
def test_bad_changes_are_refused_with_a_message_and_nothing_changes(client, two, trust_secretary, path, data,
                                                                   message):
    session, _dh, trust = two
    before = [(t.key, t.label, t.closed) for t in vocabularies.terms(session, "followup_status", trust.id)]
    response = trust_secretary.post(STATUSES + path, data)
    assert response.status_code == 400
    assert message in text_of(response.get_data(as_text=True))
    session.expire_all()
    vocabularies.forget(session)
    assert [(t.key, t.label, t.closed) for t in vocabularies.terms(session, "followup_status", trust.id)] == before


def test_deleting_a_term_in_use_is_refused(client, two, trust_secretary):
    session, _dh, trust = two
    for response in (client.get(f"{STATUSES}/nytt/delete"), trust_secretary.post(f"{STATUSES}/nytt/delete")):
        assert response.status_code == 409
        assert "«Nytt» er i bruk (1 registrering) og kan ikke slettes." in text_of(response.get_data(as_text=True))
    vocabularies.forget(session)
    assert "nytt" in [t.key for t in vocabularies.terms(session, "followup_status", trust.id)]


def test_deleting_the_last_closed_status_is_refused(session, two):
    session, _dh, trust = two
    with pytest.raises(Exception, match="Minst én status må være lukket"):
        for follow_up in session.exec(select(m.FollowUp).where(m.FollowUp.status == "avsluttet")):
            follow_up.status = "nytt"
        session.flush()
        terms_admin.delete_term(session, trust.id, "followup_status", "avsluttet")


def test_an_unknown_vocabulary_or_term_is_not_found(client, two, trust_secretary):
    assert client.get(f"{B}/registers/vocabularies/colours").status_code == 404
    assert client.get(f"{STATUSES}/done").status_code == 404  # the trust has its own statuses
    assert client.get(f"{B}/follow-ups?status=done").status_code == 400


# --------------------------------------------------------------------------- case kinds and health


def test_a_custom_case_kind_takes_the_behaviour_of_the_kind_it_means(client, demo, auth):
    auth.login("secretary")
    response = auth.post("/registers/vocabularies/case-kinds/new", {"label": "Drøftingssak", "means": "discussion"})
    assert response.status_code == 302
    missing = auth.post("/registers/vocabularies/case-kinds/new", {"label": "Uten virkning", "means": ""})
    assert missing.status_code == 400 and "Velg hvordan ordet skal virke." in text_of(missing.get_data(as_text=True))
    meeting = demo.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.planned)
                        .order_by(m.Meeting.starts_at)).first()
    if meeting is None:
        pytest.skip("the demo has no planned meeting")
    form = client.get(f"/meetings/{meeting.id}/cases/new").get_data(as_text=True)
    assert '<option value="drofting">Drøftingssak</option>' in form or ">Drøftingssak</option>" in form
    demo.expire_all()
    key = next(t.key for t in vocabularies.terms(demo, "case_kind") if t.label == "Drøftingssak")
    response = auth.post(f"/meetings/{meeting.id}/cases/new", {"title": "Strategi for 2027", "kind": key,
                                                               "majority_rule": "simple", "majority_base": "votes_cast"})
    assert response.status_code == 302, response.get_data(as_text=True)
    item = demo.exec(select(m.AgendaItem).join(m.Case).where(m.Case.title == "Strategi for 2027")).one()
    assert item.kind == key
    assert "Drøftingssak" in row_of(client.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True),
                                    "Strategi for 2027")
    # a discussion is not voted on: approval never waits for its way of deciding
    assert vocabularies.case_kind_means(item) == m.CaseKind.discussion
    assert item not in undecided(item.meeting)


def test_a_health_level_of_its_own_takes_a_colour_and_asks_why_when_it_means_red(client, demo, auth):
    auth.login("secretary")
    assert auth.post("/registers/vocabularies/health/new", {"label": "Kritisk", "means": "red"}).status_code == 302
    project = demo.exec(select(m.Project).order_by(m.Project.id)).first()
    response = auth.post(f"/projects/{project.id}/edit", {"name": project.name, "phase": project.phase,
                                                         "health": "kritisk", "health_reason": ""})
    assert response.status_code == 400
    assert "Skriv hvorfor prosjektet er gult eller rødt." in text_of(response.get_data(as_text=True))
    response = auth.post(f"/projects/{project.id}/edit", {"name": project.name, "phase": project.phase,
                                                         "health": "kritisk", "health_reason": "Leverandøren sviktet"})
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<span class="health red">Kritisk</span>' in page


# --------------------------------------------------------------------------- history and isolation


def test_renaming_a_case_kind_changes_no_approved_minutes(client, two, trust_secretary):
    session, _dh, trust = two
    meeting = approved_meeting(session, trust)
    docx = client.get(f"{B}/meetings/{meeting.id}/protokoll.docx").data
    data = client.get(f"{B}/api/meetings/{meeting.id}").get_json()
    stored = session.exec(select(m.MinutesVersion).where(m.MinutesVersion.meeting_id == meeting.id)).one()
    assert hashlib.sha256(docx).hexdigest() == stored.docx_sha256
    assert "Beslutning" in [i["kind_label"] for i in data["agenda"]]

    response = trust_secretary.post(f"{B}/registers/vocabularies/case-kinds/decision",
                                    {"label": "Vedtakssak", "means": "decision"})
    assert response.status_code == 302
    assert "Vedtakssak" in client.get(f"{B}/registers/vocabularies/case-kinds").get_data(as_text=True)

    again = client.get(f"{B}/meetings/{meeting.id}/protokoll.docx").data
    assert hashlib.sha256(again).hexdigest() == stored.docx_sha256
    assert client.get(f"{B}/api/meetings/{meeting.id}").get_json() == data
    assert "Vedtakssak" not in client.get(f"{B}/meetings/{meeting.id}").get_data(as_text=True)
    session.expire_all()
    versions = session.exec(select(m.MinutesVersion).where(m.MinutesVersion.meeting_id == meeting.id)).all()
    assert [(v.docx_sha256, v.snapshot_sha256) for v in versions] == [(stored.docx_sha256, stored.snapshot_sha256)]


def test_a_change_in_the_trusts_words_leaves_digitale_helgeland_unchanged(app, two, trust_secretary, on):
    session, dh, _trust = two
    on(date(2026, 5, 10))
    ours = approved_meeting(session, dh)
    visitor = app.test_client()  # Digitale Helgeland's public, signed out
    paths = ["/", "/follow-ups", "/follow-ups?status=alle", "/projects", "/participation", f"/meetings/{ours.id}",
             f"/api/meetings/{ours.id}", f"/meetings/{ours.id}/protokoll.docx", "/api/projects"]
    before = {path: visitor.get(path).data for path in paths}
    versions = session.exec(select(m.MinutesVersion.docx_sha256).where(m.MinutesVersion.meeting_id == ours.id)).all()

    # the trust takes words Digitale Helgeland has, and renames the built-in ones it had
    for path, data in ((f"{STATUSES}/nytt", {"label": "Åpen"}), (f"{STATUSES}/new", {"label": "Pågår"}),
                       (f"{B}/registers/vocabularies/phases/closed", {"label": "Nedlagt", "closed": "y"}),
                       (f"{B}/registers/vocabularies/case-kinds/decision", {"label": "Vedtak", "means": "decision"}),
                       (f"{B}/registers/vocabularies/health/new", {"label": "Svart", "means": "red"})):
        assert trust_secretary.post(path, data).status_code == 302, path

    after = {path: visitor.get(path).data for path in paths}
    for path in paths:
        assert after[path] == before[path], path
    assert session.exec(select(m.MinutesVersion.docx_sha256)
                        .where(m.MinutesVersion.meeting_id == ours.id)).all() == versions
    assert not session.exec(select(m.VocabularyTerm).where(m.VocabularyTerm.organisation_id == dh.id)).all()
