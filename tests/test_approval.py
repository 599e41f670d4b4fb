"""After the meeting: the co-signer, approval, the lock on approved minutes, corrections and the
case's history; and the rules every form of the meeting shares (CSRF, roles, 404, 409)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

import boardroom.models as m
from boardroom.core.cache import total_revision
from boardroom.core.inputs import Invalid
from boardroom.decisions.approval import approve_minutes, choose_co_signer, correct, mark_held, suggested_co_signer
from boardroom.decisions.attendance import AttendanceChange, add_attendee, record_attendance
from boardroom.decisions.deferral import defer
from boardroom.decisions.disqualification import declare_disqualified, remove_disqualification
from boardroom.decisions.votes import record_decision
from boardroom.meetings.workflow import Locked
from boardroom.models import AttendanceStatus as A
from boardroom.models import MajorityRule as R
from boardroom.models import VoteChoice as V
from tests.test_decisions import attendance_data, board, decision_data  # noqa: F401  (board is a fixture)
from tests.test_pages import text_of
from tests.test_protokoll import blocks, protokoll

LOCKED = "Protokollen for dette møtet er godkjent og låst."


def snapshot(session) -> tuple:
    """What any change would move: the data revision and the size of the audit log."""
    session.expire_all()
    revision = total_revision(session)
    return revision, session.exec(select(func.count()).select_from(m.AuditEntry)).one()


def held(board, co_signer="Brit Skjevling"):
    board.attend()
    board.decide_all()
    choose_co_signer(board.session, board.meeting, board.people[co_signer].id)
    mark_held(board.session, board.meeting)
    board.session.commit()


def approved(board):
    held(board)
    record_decision(board.session, board.items[2], decision="Styret vedtar budsjettet.", discussion="",
                      majority_rule=R.simple, votes=None)
    approve_minutes(board.session, board.meeting, "sekretaer@example.org")
    board.session.commit()


# --------------------------------------------------------------------------- co-signer and approval


def test_co_signer_is_suggested_from_the_case_that_chose_them(board, session):
    board.attend()
    assert suggested_co_signer(session, board.meeting) is None
    board.items[1].decision = "Styret valgte Brit Skjevling som person til å undertegne protokoll sammen med møteleder."
    assert suggested_co_signer(session, board.meeting) == board.people["Brit Skjevling"].id
    choose_co_signer(session, board.meeting, board.people["Rachel Berg"].id)
    assert suggested_co_signer(session, board.meeting) == board.people["Rachel Berg"].id  # a choice made stays
    with pytest.raises(Invalid):
        choose_co_signer(session, board.meeting, board.people["Hilde Rafaelsen"].id)  # staff, no seat


def test_approving_the_minutes_records_who_and_when_and_locks_the_meeting(board, session):
    board.attend()
    board.decide_all()
    with pytest.raises(Invalid, match="Velg protokollunderskriver"):
        approve_minutes(session, board.meeting, "sekretaer@example.org")
    choose_co_signer(session, board.meeting, board.people["Rachel Berg"].id)
    with pytest.raises(Locked, match="innkalt, kan ikke bli godkjent"):
        approve_minutes(session, board.meeting, "sekretaer@example.org")
    mark_held(session, board.meeting)
    approve_minutes(session, board.meeting, "sekretaer@example.org")
    session.commit()
    assert board.meeting.status == m.MeetingStatus.approved
    assert board.meeting.approved_by == "sekretaer@example.org" and board.meeting.approved_at is not None


def locked_operations(board):
    """Every operation of the meeting, each with valid arguments."""
    s, meeting, budget = board.session, board.meeting, board.items[2]
    row = s.exec(select(m.Disqualification)).first()
    return {
        "attendance": lambda: record_attendance(s, meeting, {board.att("Rachel Berg").id: AttendanceChange(A.absent)}),
        "add_attendee": lambda: add_attendee(s, meeting, board.people["Atle Henriksen"].id),
        "decision": lambda: record_decision(s, budget, decision="Nytt", discussion="", majority_rule=R.simple,
                                              votes={board.muni("Rana"): V.against}),
        "disqualify": lambda: declare_disqualified(s, budget, board.people["Frank Nilssen"].id, "Grunn"),
        "remove_disqualification": lambda: remove_disqualification(s, budget, row),
        "defer": lambda: defer(s, budget, board.later),
        "co_signer": lambda: choose_co_signer(s, meeting, board.people["Rachel Berg"].id),
        "mark_held": lambda: mark_held(s, meeting),
        "approve": lambda: approve_minutes(s, meeting, "x@example.org"),
    }


@pytest.mark.parametrize("operation", [
    "attendance", "add_attendee", "decision", "disqualify", "remove_disqualification", "defer", "co_signer",
    "mark_held", "approve"])
@pytest.mark.parametrize("state", ["approved", "cancelled"])
def test_every_operation_is_refused_once_approved_or_cancelled(board, session, operation, state):
    board.attend()
    declare_disqualified(session, board.items[2], board.people["Rachel Berg"].id, "Grunn")
    session.commit()
    if state == "approved":
        approved(board)
    else:
        board.meeting.status = m.MeetingStatus.cancelled
        session.commit()
    before = snapshot(session)
    with pytest.raises(Locked, match=LOCKED if state == "approved" else "Møtet er avlyst."):
        locked_operations(board)[operation]()
    assert not (session.new or session.dirty or session.deleted)
    session.rollback()
    assert snapshot(session) == before


# --------------------------------------------------------------------------- corrections


def test_a_correction_is_recorded_applied_and_printed(board, session, client):
    approved(board)
    budget = board.items[2]
    row = correct(session, board.meeting, budget, "decision", "Styret vedtar budsjettet med **endringer**.",
                    "Skrivefeil i vedtaket.", "sekretaer@example.org")
    session.commit()
    assert (row.before, row.after, row.reason, row.made_by, row.field) == (
        "Styret vedtar budsjettet.", "Styret vedtar budsjettet med **endringer**.", "Skrivefeil i vedtaket.",
        "sekretaer@example.org", "decision")
    assert budget.decision_html == "<p>Styret vedtar budsjettet med <strong>endringer</strong>.</p>"
    correct(session, board.meeting, None, "place", "Mosjøen", "Møtet ble flyttet.", "sekretaer@example.org")
    session.commit()
    assert board.meeting.place == "Mosjøen"

    text = blocks(protokoll(session, board.meeting.id))
    assert "Vedtak: Styret vedtar budsjettet med endringer." in text
    at = text.index("Rettelser")
    assert text[at + 1].startswith("Sak 40-25, Vedtak – rettet ") and text[at + 1].endswith(" av sekretaer@example.org")
    assert text[at + 2:at + 5] == ["Før: Styret vedtar budsjettet.", "Etter: Styret vedtar budsjettet med endringer.",
                                   "Begrunnelse: Skrivefeil i vedtaket."]
    assert text[at + 5].startswith("Møtet, Sted – rettet ")
    assert at > text.index("Mosjøen, 16. oktober 2025")  # after the signatures

    page = text_of(client.get(f"/meetings/{board.meeting.id}").get_data(as_text=True))  # a visitor
    assert "Rettelser" in page and "Sak 40-25, Vedtak , rettet" not in page
    assert "Begrunnelse: Skrivefeil i vedtaket." in page and "Etter: Styret vedtar budsjettet med **endringer**." in page


@pytest.mark.parametrize("item, field, text, reason, key", [
    (None, "decision", "Ny", "Fordi", "field"),  # a case field without a case
    (2, "place", "Ny", "Fordi", "field"),  # a meeting field with a case
    (2, "decision", "  ", "Fordi", "text"),
    (2, "decision", "Styret vedtar budsjettet.", "Fordi", "text"),  # unchanged
    (2, "decision", "Ny", "", "reason"),
    (None, "title", "x" * 201, "Fordi", "text"),
])
def test_correction_refusals(board, session, item, field, text, reason, key):
    approved(board)
    with pytest.raises(Invalid) as caught:
        correct(session, board.meeting, board.items[item] if item is not None else None, field, text, reason, "x")
    assert list(caught.value.errors) == [key]


def test_corrections_only_in_approved_minutes(board, session):
    with pytest.raises(Locked, match="Rettelser føres bare i godkjente protokoller"):
        correct(session, board.meeting, board.items[2], "decision", "Ny", "Fordi", "x")


# --------------------------------------------------------------------------- routes


def test_the_secretarys_way_to_approved_minutes(board, client, auth, session):
    board.attend()
    board.items[1].decision = "Styret valgte Brit Skjevling som person til å undertegne protokoll sammen med møteleder."
    session.commit()
    auth.login("secretary")
    meeting_url = f"/meetings/{board.meeting.id}"
    page = text_of(client.get(meeting_url).get_data(as_text=True))
    for action in ("Registrer oppmøte", "Velg protokollunderskriver", "Godkjenn protokoll", "Registrer vedtak og votering",
                   "Utsett saken"):
        assert action in page
    assert "Registrer rettelse" not in page

    html = client.get(f"{meeting_url}/protokollunderskriver").get_data(as_text=True)
    assert f'<option selected value="{board.people["Brit Skjevling"].id}">Brit Skjevling (Vega)</option>' in html
    assert auth.post(f"{meeting_url}/protokollunderskriver", {"person": ""}).status_code == 400
    response = auth.post(f"{meeting_url}/protokollunderskriver", {"person": str(board.people["Hilde Rafaelsen"].id)})
    assert response.status_code == 400 and "Ikke et gyldig valg" in response.get_data(as_text=True)
    assert auth.post(f"{meeting_url}/protokollunderskriver",
                     {"person": str(board.people["Brit Skjevling"].id)}).status_code == 302

    assert "Marker som gjennomført" in text_of(client.get(f"{meeting_url}/godkjenn").get_data(as_text=True))
    assert auth.post(f"{meeting_url}/godkjenn", {"confirm": "y"}).status_code == 409  # not held yet
    response = auth.post(f"{meeting_url}/gjennomfort")
    assert response.status_code == 302 and response.location.endswith(f"{meeting_url}/godkjenn")
    response = auth.post(f"{meeting_url}/godkjenn", {})
    assert response.status_code == 400
    assert "Bekreft at styret har godkjent protokollen." in response.get_data(as_text=True)
    # nobody recorded how the three decision cases were decided: the approval waits, naming them
    page = text_of(client.get(f"{meeting_url}/godkjenn").get_data(as_text=True))
    assert "Ikke registrert hvordan saken ble avgjort:" in page and "Sak 40-25 Budsjett 2026" in page
    response = auth.post(f"{meeting_url}/godkjenn", {"confirm": "y"})
    assert response.status_code == 400
    assert "før protokollen godkjennes: sak 38-25, sak 39-25, sak 40-25." in text_of(response.get_data(as_text=True))
    board.decide_all()
    assert auth.post(f"{meeting_url}/godkjenn", {"confirm": "y"}).status_code == 302

    session.expire_all()
    meeting = session.get(m.Meeting, board.meeting.id)
    assert meeting.status == m.MeetingStatus.approved and meeting.approved_by == "secretary@example.org"
    page = text_of(client.get(meeting_url).get_data(as_text=True))
    assert "Protokoll godkjent" in page and "secretary@example.org" in page and "Protokollunderskriver Brit Skjevling" in page
    assert "Registrer rettelse" in page and "Registrer oppmøte" not in page and "Registrer vedtak og votering" not in page


def test_approval_without_a_co_signer_shows_the_error(board, client, auth, session):
    board.attend()
    mark_held(session, board.meeting)
    session.commit()
    auth.login("secretary")
    response = auth.post(f"/meetings/{board.meeting.id}/godkjenn", {"confirm": "y"})
    assert response.status_code == 400
    assert "Velg protokollunderskriver før protokollen godkjennes." in response.get_data(as_text=True)


def test_correction_form(board, client, auth, session):
    approved(board)
    auth.login("secretary")
    url = f"/meetings/{board.meeting.id}/rettelser/ny"
    budget = board.items[2]
    valid = {"item": str(budget.id), "field": "decision", "text": "Rettet vedtak", "reason": "Feil i protokollen"}
    for changes, message in (
        ({"field": ""}, "Velg feltet som skal rettes."),
        ({"field": "place"}, "Velg et felt i saken."),
        ({"text": ""}, "Skriv den rettede teksten."),
        ({"reason": ""}, "Skriv hvorfor protokollen rettes."),
        ({"item": "999999"}, "Ikke et gyldig valg"),
        ({"text": "Styret vedtar budsjettet."}, "Den nye teksten er lik den som står i protokollen."),
    ):
        response = auth.post(url, {**valid, **changes})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html, changes
        if "reason" not in changes:
            assert "Feil i protokollen</textarea>" in html  # what was typed is kept
    response = auth.post(url, valid)
    assert response.status_code == 302 and response.location.endswith("#rettelser")
    page = text_of(client.get(f"/meetings/{board.meeting.id}").get_data(as_text=True))
    assert "Rettet vedtak" in page and "Begrunnelse: Feil i protokollen" in page


def test_the_history_shows_who_changed_a_decision_from_what_to_what(board, client, auth, session):
    board.attend()
    auth.login("secretary")
    budget = board.items[2]
    url = f"/cases/{budget.id}/vedtak"
    auth.post(url, decision_data(board, budget, decision="Første vedtak"))
    auth.post(url, decision_data(board, budget, decision="Andre vedtak", **{f"vote_{board.muni('Rana')}": "against"}))
    html = client.get(f"/cases/{budget.id}").get_data(as_text=True)
    history = text_of(html.split('id="historikk"')[1])
    assert "secretary@example.org Vedtak Første vedtak Andre vedtak" in history
    assert "secretary@example.org Vedtak Styret vedtar budsjett for 2026. Første vedtak" not in history  # was empty
    assert "secretary@example.org Vedtak – Første vedtak" in history
    assert "secretary@example.org Stemme (Rana) For Mot" in history
    assert "secretary@example.org Stemmer registrert – Alstahaug: For; Brønnøy: For; Leirfjord: For; Rana: For; " \
           "Vega: For" in history  # the votes recorded together are one row, with what each was then
    assert "secretary@example.org Status Ikke behandlet Behandlet" in history

    # visitors do not see the history, even of approved minutes
    session.expire_all()
    meeting = session.get(m.Meeting, board.meeting.id)
    meeting.status, meeting.co_signer_id = m.MeetingStatus.approved, board.people["Rachel Berg"].id
    session.commit()
    client.post("/logout", data={"csrf_token": auth.token()})
    page = client.get(f"/cases/{budget.id}").get_data(as_text=True)
    assert "Andre vedtak" in page and 'id="historikk"' not in page


# --------------------------------------------------------------------------- rules every form shares


def prepare(board, name):
    """Put the meeting in the state the form needs; return (url, valid data)."""
    s, meeting, budget = board.session, board.meeting, board.items[2]
    board.attend()
    if name == "attendance":
        return f"/meetings/{meeting.id}/oppmote", attendance_data(board, Rachel_Berg="absent_notice")
    if name == "add_attendee":
        return f"/meetings/{meeting.id}/oppmote/legg-til", {"add-person": str(board.people["Atle Henriksen"].id)}
    if name == "decide":
        return f"/cases/{budget.id}/vedtak", decision_data(board, budget)
    if name == "disqualify":
        return f"/cases/{budget.id}/inhabilitet", {"person": str(board.people["Rachel Berg"].id), "reason": "Grunn"}
    if name == "remove_disqualification":
        row = declare_disqualified(s, budget, board.people["Rachel Berg"].id, "Grunn")
        s.commit()
        return f"/cases/{budget.id}/inhabilitet/{row.id}/slett", {}
    if name == "defer":
        return f"/cases/{budget.id}/utsett", {"meeting": str(board.later.id)}
    if name == "co_signer":
        return f"/meetings/{meeting.id}/protokollunderskriver", {"person": str(board.people["Brit Skjevling"].id)}
    if name == "mark_held":
        return f"/meetings/{meeting.id}/gjennomfort", {}
    if name == "approve":
        held(board)
        return f"/meetings/{meeting.id}/godkjenn", {"confirm": "y"}
    if name == "correct":
        approved(board)
        return f"/meetings/{meeting.id}/rettelser/ny", {"item": str(budget.id), "field": "discussion",
                                                        "text": "Rettet", "reason": "Fordi"}
    raise AssertionError(name)


FORMS = ["attendance", "add_attendee", "decide", "disqualify", "remove_disqualification", "defer", "co_signer",
         "mark_held", "approve", "correct"]


@pytest.mark.parametrize("name", FORMS)
def test_valid_post_changes_the_data(board, client, auth, session, name):
    url, data = prepare(board, name)
    auth.login("secretary")
    before = snapshot(session)
    response = auth.post(url, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert snapshot(session)[1] > before[1]  # something was changed, and logged


@pytest.mark.parametrize("name", FORMS)
def test_missing_csrf_token_is_refused(board, client, auth, session, name):
    url, data = prepare(board, name)
    auth.login("secretary")
    before = snapshot(session)
    response = client.post(url, data=data)
    assert response.status_code == 400 and "sikkerhetsnøkkel (CSRF)" in response.get_data(as_text=True)
    assert snapshot(session) == before


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize("role", ["member", "reader"])
def test_other_roles_may_not_post(board, client, auth, session, name, role):
    url, data = prepare(board, name)
    auth.login(role)
    before = snapshot(session)
    response = auth.post(url, data)
    assert response.status_code == 403 and "Bare sekretær eller administrator" in response.get_data(as_text=True)
    assert snapshot(session) == before


@pytest.mark.parametrize("name", FORMS)
def test_visitors_are_sent_to_log_in(board, client, auth, session, name):
    url, data = prepare(board, name)
    response = auth.post(url, data)
    assert response.status_code == 302 and "/login?next=" in response.location
    if name not in ("remove_disqualification", "mark_held", "add_attendee"):
        assert "/login?next=" in client.get(url).location


@pytest.mark.parametrize("name", [f for f in FORMS if f != "correct"])
def test_posting_to_approved_minutes_is_refused_with_409(board, client, auth, session, name):
    url, data = prepare(board, name)
    if board.meeting.status != m.MeetingStatus.approved:
        approved(board)
    auth.login("secretary")
    before = snapshot(session)
    response = auth.post(url, data)
    assert response.status_code == 409
    assert LOCKED in text_of(response.get_data(as_text=True))
    assert snapshot(session) == before
    if name not in ("remove_disqualification", "mark_held", "add_attendee"):
        assert client.get(url).status_code == 409


def test_posting_to_a_cancelled_meeting_is_refused(board, client, auth, session):
    board.meeting.status = m.MeetingStatus.cancelled
    session.commit()
    auth.login("secretary")
    response = auth.post(f"/cases/{board.items[2].id}/vedtak", decision_data(board, board.items[2]))
    assert response.status_code == 409 and "Møtet er avlyst." in response.get_data(as_text=True)


def test_corrections_of_minutes_not_yet_approved_are_refused(board, client, auth):
    auth.login("secretary")
    response = client.get(f"/meetings/{board.meeting.id}/rettelser/ny")
    assert response.status_code == 409 and "Rettelser føres bare i godkjente protokoller" in response.get_data(as_text=True)


@pytest.mark.parametrize("url, message", [
    ("/meetings/999999/oppmote", "Møtet finnes ikke."),
    ("/meetings/999999/protokollunderskriver", "Møtet finnes ikke."),
    ("/meetings/999999/godkjenn", "Møtet finnes ikke."),
    ("/meetings/999999/rettelser/ny", "Møtet finnes ikke."),
    ("/cases/999999/vedtak", "Saken finnes ikke."),
    ("/cases/999999/inhabilitet", "Saken finnes ikke."),
    ("/cases/999999/utsett", "Saken finnes ikke."),
])
def test_unknown_ids_are_404(board, client, auth, url, message):
    auth.login("secretary")
    response = client.get(url)
    assert response.status_code == 404 and message in response.get_data(as_text=True)
    assert auth.post(url, {}).status_code == 404


def test_removing_an_unknown_disqualification_is_404(board, client, auth):
    auth.login("secretary")
    response = auth.post(f"/cases/{board.items[2].id}/inhabilitet/999999/slett")
    assert response.status_code == 404 and "Inhabiliteten finnes ikke." in response.get_data(as_text=True)
