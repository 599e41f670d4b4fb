"""Approved minutes are stored as approved: the DOCX bytes and a snapshot of the meeting, each with
its SHA-256. Nothing outside a recorded correction changes them; a correction makes version 2,
and every version stays downloadable byte for byte. Access is the one thing applied afresh."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from sqlmodel import select

import boardroom.models as m
from boardroom.archive.versions import current_version, freeze_unversioned, versions
from boardroom.decisions.approval import correct
from boardroom.demo import POPULATION_DATE
from tests.agenda_helpers import docx_bytes
from tests.test_pages import text_of
from tests.test_protokoll import blocks


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def approved(demo):
    """The demo's approved meeting of 16 October 2025 (stored as approved by the demo loader)."""
    return demo.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.approved)).one()


def item(session, meeting, seq) -> m.AgendaItem:
    return session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id,
                                                   m.AgendaItem.number_seq == seq)).one()


def docx_text(data: bytes) -> str:
    return "\n".join(blocks(Document(BytesIO(data))))


def public_views(client, meeting, session) -> dict[str, bytes]:
    """What a visitor gets of the meeting: its page, its cases, its JSON and its minutes."""
    ids = session.exec(select(m.AgendaItem.id).where(m.AgendaItem.meeting_id == meeting.id)).all()
    paths = [f"/meetings/{meeting.id}", f"/api/meetings/{meeting.id}", f"/meetings/{meeting.id}/protokoll.docx",
             *(f"/cases/{i}" for i in ids)]
    out = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        out[path] = response.data
    return out


def test_approval_stores_the_minutes_and_their_hashes(approved, session, client):
    row = current_version(session, approved.id)
    assert row.version == 1 and row.note == "Godkjent"
    assert sha256(row.docx) == row.docx_sha256
    assert sha256(row.snapshot.encode()) == row.snapshot_sha256
    response = client.get(f"/meetings/{approved.id}/protokoll.docx")
    assert response.data == row.docx  # served as stored, byte for byte
    assert response.headers["X-Minutes-Version"] == "1"
    page = text_of(client.get(f"/meetings/{approved.id}").get_data(as_text=True))
    assert "Godkjent protokoll, versjon 1" in page
    assert f"SHA-256 for protokoll.docx, versjon 1: {row.docx_sha256}" in page
    stored = client.get(f"/api/meetings/{approved.id}").json["minutes_version"]
    assert stored["version"] == 1 and stored["protokoll_sha256"] == row.docx_sha256
    assert stored["snapshot_sha256"] == row.snapshot_sha256
    assert freeze_unversioned(session) == 0  # the demo loader stored it; nothing is stored twice


def test_the_stored_version_shows_exactly_what_the_live_minutes_showed(approved, session, client):
    """Read back from the snapshot, every page, case and JSON is what the database gave at approval."""
    stored = public_views(client, approved, session)
    for row in session.exec(select(m.MinutesVersion)):
        session.delete(row)
    session.commit()
    live = public_views(client, approved, session)
    for path, body in stored.items():
        if path.endswith(".docx"):
            assert docx_text(body) == docx_text(live[path])
        elif path.startswith("/api/"):
            assert {**client.application.json.loads(body), "minutes_version": None} == \
                client.application.json.loads(live[path]), path
        else:
            without = re.sub(r'<section aria-labelledby="protokollversjon".*?</section>', "", body.decode(), flags=re.S)
            assert " ".join(without.split()) == " ".join(live[path].decode().split()), path


def test_nothing_outside_a_correction_changes_approved_minutes(approved, session, client, auth):
    before = public_views(client, approved, session)
    budget = item(session, approved, 40)
    row = current_version(session, approved.id)
    budget_page = text_of(before[f"/cases/{budget.id}"].decode())
    assert "Bindal" in budget_page

    # a population change on the budget's population date
    bindal = session.exec(select(m.Municipality).where(m.Municipality.name == "Bindal")).one()
    figure = session.exec(select(m.PopulationFigure).where(m.PopulationFigure.municipality_id == bindal.id,
                                                           m.PopulationFigure.as_of == POPULATION_DATE)).one()
    figure.population += 5000
    # a new member municipality, from before the meeting
    newcomer = m.Municipality(number="1868", name="Øksnes", member_from=date(2020, 1, 1))
    session.add(newcomer)
    session.flush()
    session.add(m.PopulationFigure(municipality_id=newcomer.id, as_of=POPULATION_DATE, population=4500))
    # a follow-up added to an approved case, and a participation answer changed
    session.add(m.FollowUp(agenda_item_id=budget.id, text="Følge opp budsjettet"))
    decision = session.exec(select(m.ProjectDecision)).first()
    session.add(m.Participation(decision_id=decision.id, municipality_id=bindal.id,
                                answer=m.ParticipationAnswer.declines, answered_on=date(2025, 10, 1)))
    # another organisation's board with its own approved-looking data
    other = m.Body(name="Styret i Annet Samarbeid", short_name="AS")
    session.add(other)
    session.commit()

    # and a new Word template for the board
    auth.login("secretary")
    response = auth.post(f"/bodies/{approved.body_id}/word-template",
                         data={"file": (BytesIO(docx_bytes("Ny mal", header="Ny topptekst")), "mal.docx")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Word-malen er lastet opp" in auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert auth.client.get(f"/meetings/{approved.id}/protokoll.docx").data == row.docx
    auth.client.get(auth.client.post("/logout", data={"csrf_token": auth.token()}).headers["Location"])

    after = public_views(client, approved, session)
    assert after[f"/meetings/{approved.id}/protokoll.docx"] == row.docx
    for path in before:
        if path != f"/cases/{budget.id}" and not path.endswith(".docx"):  # the case page also lists its follow-ups
            assert after[path].decode().splitlines() == before[path].decode().splitlines(), path
    budget_after = text_of(after[f"/cases/{budget.id}"].decode())
    table = re.search(r"Kommune Antall innbyggere.*?Sum [\d\s]+[\d,\s]+", budget_page).group(0)
    assert table in budget_after  # the cost table as approved: Bindal's population and share unchanged
    assert "Øksnes" not in budget_after
    again = current_version(session, approved.id)
    assert (again.version, again.docx_sha256, again.snapshot_sha256) == (1, row.docx_sha256, row.snapshot_sha256)


def test_a_correction_makes_version_2_and_version_1_stays_downloadable(approved, session, client, auth):
    v1 = current_version(session, approved.id)
    budget = item(session, approved, 40)
    correct(session, approved, budget, "decision", "Styret godkjente budsjett for 2026 med **endringer**.",
            "Skrivefeil i vedtaket.", "sekretaer@digitalehelgeland.example")
    session.commit()
    rows = versions(session, approved.id)
    assert [r.version for r in rows] == [1, 2]
    v2 = current_version(session, approved.id)
    assert v2.docx_sha256 != v1.docx_sha256 and v2.snapshot_sha256 != v1.snapshot_sha256
    assert v2.note == "Skrivefeil i vedtaket."

    assert client.get(f"/meetings/{approved.id}/protokoll/v1.docx").data == v1.docx
    assert client.get(f"/meetings/{approved.id}/protokoll/v2.docx").data == v2.docx
    assert client.get(f"/meetings/{approved.id}/protokoll.docx").data == v2.docx
    assert client.get(f"/meetings/{approved.id}/protokoll/v3.docx").status_code == 404
    old, new = docx_text(v1.docx), docx_text(v2.docx)
    assert "med endringer" not in old and "Rettelser" not in old
    assert "Vedtak: Styret godkjente budsjett for 2026 med endringer." in new
    assert "Begrunnelse: Skrivefeil i vedtaket." in new

    page = text_of(client.get(f"/meetings/{approved.id}").get_data(as_text=True))
    assert "Godkjent protokoll, versjon 2" in page
    assert "v2 (gjeldende)" in page and v1.docx_sha256 in page and v2.docx_sha256 in page
    case_page = text_of(client.get(f"/cases/{budget.id}").get_data(as_text=True))
    assert "Styret godkjente budsjett for 2026 med endringer." in case_page


def test_marking_a_case_exempt_after_approval_hides_it_from_the_public_at_once(approved, session, client, auth):
    row = current_version(session, approved.id)
    case = item(session, approved, 47)  # Orientering fra felles KDU møte i Tromsø
    secret = "Merete Schjem fra NFK skal lede arbeidet"
    assert secret in client.get(f"/meetings/{approved.id}").get_data(as_text=True)
    case.case.exempt, case.case.exemption_basis = True, "Offl. § 14"
    session.commit()

    for path in (f"/meetings/{approved.id}", f"/cases/{case.id}", f"/api/meetings/{approved.id}"):
        body = client.get(path).get_data(as_text=True)
        assert secret not in body and "KDU" not in body, path
    public = client.get(f"/meetings/{approved.id}/protokoll.docx").data
    assert public != row.docx
    text = docx_text(public)
    assert secret not in text and "Unntatt offentlighet, Offl. § 14" in text
    # the stored version stays whole for those who may read it
    auth.login("secretary")
    assert auth.client.get(f"/meetings/{approved.id}/protokoll.docx").data == row.docx
    assert secret in auth.client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert current_version(session, approved.id).docx_sha256 == row.docx_sha256


def test_approving_through_the_form_stores_version_1(approved, session, auth, make_meeting):
    """A meeting approved in the browser's form gets its stored version in the same request."""
    meeting = make_meeting(cases=2, status=m.MeetingStatus.held)
    person = m.Person(name="Brit Skjevling")
    session.add(person)
    session.flush()
    town = session.exec(select(m.Municipality)).first()
    session.add(m.Attendance(meeting_id=meeting.id, person_id=person.id, status=m.AttendanceStatus.present,
                             municipality_id=town.id))
    meeting.co_signer_id = person.id
    for case in meeting.items:
        case.decided_by = m.DecisionMethod.unanimous
    session.commit()
    auth.login("secretary")
    response = auth.post(f"/meetings/{meeting.id}/godkjenn", data={"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    row = current_version(session, meeting.id)
    assert row is not None and row.version == 1
    assert auth.client.get(f"/meetings/{meeting.id}/protokoll.docx").data == row.docx
