"""Votes as they happened and co-signers as the rules say: the secretary records how each case was
decided (a counted vote, "enstemmig" confirmed, or no vote) and only that is printed; approval
waits for it; abstaining is a setting of the body; the chair never co-signs; a body may need two."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from sqlmodel import select

import boardroom.models as m
from boardroom.core.inputs import Invalid
from boardroom.decisions.approval import (
    approve_minutes,
    choose_co_signers,
    co_signer_candidates,
    mark_held,
    suggested_co_signers,
)
from boardroom.decisions.votes import record_decision, vote_result
from boardroom.documents.innkalling import build_innkalling
from boardroom.meetings.minutes import load_meeting
from boardroom.models import DecisionMethod as D
from boardroom.models import MajorityBase as B
from boardroom.models import MajorityRule as R
from boardroom.models import VoteChoice as V
from tests.test_decisions import board, decision_data  # noqa: F401  (board is a fixture)
from tests.test_pages import text_of
from tests.test_protokoll import blocks, protokoll


def case_page(client, item) -> str:
    return text_of(client.get(f"/cases/{item.id}").get_data(as_text=True))


def test_a_decision_saved_without_a_vote_prints_no_vote(board, session, client, auth):
    """The old form ticked 'voted' and filled every seat with 'for': 'Enstemmig vedtatt, For: 17'."""
    board.attend()
    budget = board.items[2]
    auth.login("secretary")
    url = f"/cases/{budget.id}/vedtak"
    page = auth.client.get(url).get_data(as_text=True)
    assert 'value="counted" checked' not in page and 'value="unanimously" checked' not in page  # nothing assumed
    data = decision_data(board, budget)
    del data["method"]
    response = auth.post(url, data)
    assert response.status_code == 400
    assert "Velg hvordan saken ble avgjort: votering, enstemmig eller ingen votering." in text_of(response.get_data(as_text=True))
    session.expire_all()
    assert session.get(m.AgendaItem, budget.id).decision == ""  # nothing saved

    assert auth.post(url, decision_data(board, budget, method="none")).status_code == 302
    session.expire_all()
    item = session.get(m.AgendaItem, budget.id)
    assert item.decided_by == D.none and item.vote_events == []
    text = case_page(auth.client, item)
    assert "Styret vedtok budsjettet." in text and "Votering" not in text and "For:" not in text
    assert not [t for t in blocks(protokoll(session, board.meeting.id)) if t.startswith("Votering")]


def test_enstemmig_is_printed_only_when_confirmed(board, session, client, auth):
    board.attend()
    budget = board.items[2]
    auth.login("secretary")
    assert auth.post(f"/cases/{budget.id}/vedtak", decision_data(board, budget, method="unanimously")).status_code == 302
    session.expire_all()
    item = session.get(m.AgendaItem, budget.id)
    assert item.decided_by == D.unanimous and item.vote_events == []  # no per-seat votes are invented
    text = case_page(auth.client, item)
    assert "Votering Enstemmig vedtatt." in text and "For:" not in text
    assert "Votering: Enstemmig vedtatt." in blocks(protokoll(session, board.meeting.id))


def test_a_counted_vote_keeps_its_votes(board, session, auth):
    board.attend()
    budget = board.items[2]
    auth.login("secretary")
    data = decision_data(board, budget, **{f"vote_{board.muni('Rana')}": "against"})
    assert auth.post(f"/cases/{budget.id}/vedtak", data).status_code == 302
    session.expire_all()
    item = session.get(m.AgendaItem, budget.id)
    assert item.decided_by == D.counted and len(item.vote_events[0].votes) == 5
    assert "Votering: Vedtatt mot 1 stemme (Rana)." in blocks(protokoll(session, board.meeting.id))


def test_abstaining_is_a_setting_of_the_body(board, session, auth):
    board.attend()
    budget = board.items[2]
    votes = {board.muni(n): V.for_ for n in ("Alstahaug", "Brønnøy", "Leirfjord", "Rana")} | {board.muni("Vega"): V.abstain}
    with pytest.raises(Invalid) as caught:
        record_decision(session, budget, decision="Vedtatt.", discussion="", majority_rule=R.simple, votes=votes)
    assert caught.value.errors == {board.muni("Vega"): "De møtende plikter å stemme (kommuneloven § 8-1); "
                                                       "organet tillater ikke å avstå."}
    auth.login("secretary")
    form = auth.client.get(f"/cases/{budget.id}/vedtak").get_data(as_text=True)
    assert '<option value="abstain">' not in form
    board.body.abstain_allowed = True
    session.commit()
    assert '<option value="abstain">Avstår</option>' in auth.client.get(f"/cases/{budget.id}/vedtak").get_data(as_text=True)
    record_decision(session, budget, decision="Vedtatt.", discussion="", majority_rule=R.simple, votes=votes)
    session.commit()
    assert budget.decided_by == D.counted


@pytest.mark.parametrize("base, n_for, n_against, n_abstain, n_absent, met", [
    (B.votes_cast, 10, 5, 3, 1, True),  # 10 of 15 cast
    (B.present, 10, 5, 3, 1, False),  # 10 of 18 present
    (B.present, 12, 5, 1, 1, True),  # 12 of 18 present
    (B.members, 12, 5, 1, 1, False),  # 12 of 19 members
    (B.members, 13, 5, 0, 1, True),  # 13 of 19 members
])
def test_two_thirds_counted_of_its_base(base, n_for, n_against, n_abstain, n_absent, met):
    pairs = ([(f"A{i}", V.for_) for i in range(n_for)] + [(f"B{i}", V.against) for i in range(n_against)]
             + [(f"C{i}", V.abstain) for i in range(n_abstain)] + [(f"D{i}", V.absent) for i in range(n_absent)])
    result = vote_result(pairs, R.two_thirds, base=base)
    assert result.rule_met is met
    words = {B.votes_cast: "av de avgitte stemmene", B.present: "av de møtende", B.members: "av alle stemmeberettigede medlemmer"}
    assert f"Kravet om to tredjedels flertall {words[base]} er {'oppfylt' if met else 'ikke oppfylt'}" in result.text


def test_the_majority_rule_is_set_on_the_case_and_printed_in_the_notice(board, session, auth):
    budget = board.items[2]
    auth.login("secretary")
    form = auth.client.get(f"/cases/{budget.id}/edit").get_data(as_text=True)
    assert "Flertallskrav" in form
    data = {"title": budget.case.title, "kind": "decision", "proposal": budget.proposal,
            "majority_rule": "two_thirds", "majority_base": "members_present"}
    response = auth.post(f"/cases/{budget.id}/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    item = session.get(m.AgendaItem, budget.id)
    assert (item.majority_rule, item.majority_base) == (R.two_thirds, B.present)
    text = blocks(Document(BytesIO(build_innkalling(session, load_meeting(session, board.meeting.id)))))
    assert "Flertallskrav: To tredjedels flertall av de møtende" in text
    assert "Flertallskrav: Alminnelig flertall" in text  # the other decision cases


def test_approval_waits_until_every_decision_case_is_recorded(board, session):
    board.attend()
    choose_co_signers(session, board.meeting, [board.people["Brit Skjevling"].id])
    mark_held(session, board.meeting)
    with pytest.raises(Invalid) as caught:
        approve_minutes(session, board.meeting, "sekretaer@example.org")
    assert caught.value.errors["decided_by"].endswith("før protokollen godkjennes: sak 38-25, sak 39-25, sak 40-25.")
    assert board.meeting.status == m.MeetingStatus.held
    board.decide_all(D.none)
    approve_minutes(session, board.meeting, "sekretaer@example.org")
    assert board.meeting.status == m.MeetingStatus.approved


# --------------------------------------------------------------------------- co-signers


def test_the_chair_is_never_suggested_nor_accepted_as_co_signer(board, session):
    """Sak 39-25's wording names the chair too: 'sammen med møteleder Robert Pettersen'."""
    board.attend()
    board.items[1].decision = ("Styret valgte Robert Pettersen som møteleder og Brit Skjevling som person til å "
                               "undertegne protokoll sammen med møteleder Robert Pettersen")
    assert suggested_co_signers(session, board.meeting) == [board.people["Brit Skjevling"].id]
    assert board.people["Robert Pettersen"].id not in {a.person_id for a in co_signer_candidates(session, board.meeting)}
    with pytest.raises(Invalid) as caught:
        choose_co_signers(session, board.meeting, [board.people["Robert Pettersen"].id])
    assert "Møtelederen undertegner protokollen uansett" in caught.value.errors["person"]


def test_a_body_that_needs_two_co_signers(board, session, auth):
    board.body.co_signers = 2
    session.commit()
    board.attend()
    board.decide_all()
    auth.login("secretary")
    url = f"/meetings/{board.meeting.id}/protokollunderskriver"
    page = text_of(auth.client.get(url).get_data(as_text=True))
    assert "Protokollunderskriver 1 (sammen med møteleder)" in page and "Protokollunderskriver 2" in page
    brit, rachel = str(board.people["Brit Skjevling"].id), str(board.people["Rachel Berg"].id)
    response = auth.post(url, {"person": brit, "second": ""})
    assert response.status_code == 400 and "Velg to styremedlemmer" in text_of(response.get_data(as_text=True))
    response = auth.post(url, {"person": brit, "second": brit})
    assert response.status_code == 400 and "Velg to forskjellige personer." in text_of(response.get_data(as_text=True))
    assert auth.post(url, {"person": brit, "second": rachel}).status_code == 302
    mark_held(session, board.meeting)
    session.commit()
    text = blocks(protokoll(session, board.meeting.id))
    signers = text[text.index("Mo i Rana, 16. oktober 2025") + 1:]
    names = [t.splitlines()[-1] for t in signers[:3]]  # each cell: the line to sign on, then the name
    assert names == ["Robert Pettersen (møteleder)", "Brit Skjevling", "Rachel Berg"]
    assert len(signers) == 3 and sum("Robert Pettersen" in t for t in signers) == 1  # each signer once
    assert "Protokollunderskrivere Brit Skjevling og Rachel Berg" in text_of(
        auth.client.get(f"/meetings/{board.meeting.id}").get_data(as_text=True))


def test_a_board_without_municipal_seats_can_choose_co_signers_and_approve(session, make_body):
    body = make_body(name="Styret i Helseforetaket")
    chair, member = m.Person(name="Anne Leder"), m.Person(name="Per Ansattrepresentant")
    session.add_all([chair, member])
    session.flush()
    for person, role in ((chair, m.MembershipRole.chair), (member, m.MembershipRole.member)):
        session.add(m.Membership(body_id=body.id, person_id=person.id, role=role))
    from tests.conftest import oslo

    meeting = m.Meeting(body_id=body.id, starts_at=oslo(2026, 3, 1, 10), ends_at=oslo(2026, 3, 1, 12),
                        status=m.MeetingStatus.held, chair_id=chair.id)
    session.add(meeting)
    session.flush()
    for person in (chair, member):
        session.add(m.Attendance(meeting_id=meeting.id, person_id=person.id, status=m.AttendanceStatus.present))
    session.commit()
    meeting = load_meeting(session, meeting.id)
    assert [a.person.name for a in co_signer_candidates(session, meeting)] == ["Per Ansattrepresentant"]
    choose_co_signers(session, meeting, [member.id])
    approve_minutes(session, meeting, "sekretaer@example.org")
    assert meeting.status == m.MeetingStatus.approved


# --------------------------------------------------------------------------- participation decided in the meeting


def test_the_decision_form_records_participation_in_the_joint_project(board, session, auth):
    from boardroom.archive.versions import current_version
    from boardroom.participation.answers import record_answer

    project = m.Project(body_id=board.body.id, name="Felles EPJ legesenter")
    session.add(project)
    session.commit()
    board.attend()
    budget = board.items[2]
    auth.login("secretary")
    url = f"/cases/{budget.id}/vedtak"
    data = decision_data(board, budget, method="unanimously", project=str(project.id),
                         declining=[str(board.muni("Vega")), str(board.muni("Leirfjord"))])
    assert auth.post(url, data).status_code == 302
    session.expire_all()
    decision = session.exec(select(m.ProjectDecision).where(m.ProjectDecision.agenda_item_id == budget.id)).one()
    assert (decision.project_id, decision.decided_on, decision.title) == (project.id, date(2025, 10, 16), "Budsjett 2026")
    answers = session.exec(select(m.Participation).where(m.Participation.decision_id == decision.id)).all()
    assert len(answers) == 5 and {a.answered_on for a in answers} == {date(2025, 10, 16)}
    assert sorted(a.answer.value for a in answers) == ["declines", "declines", "joins", "joins", "joins"]
    page = case_page(auth.client, budget)
    assert "Deltakelse Felles EPJ legesenter: Alle unntatt: Leirfjord og Vega (3/5)" in page
    assert "Deltakelse i Felles EPJ legesenter: Alle unntatt: Leirfjord og Vega (3/5)." in \
        blocks(protokoll(session, board.meeting.id))
    # the form shows what was recorded; saving again with Leirfjord joining adds one answer, keeps the history
    form = auth.client.get(url).get_data(as_text=True)
    checked = set(re.findall(r'<input checked id="declining-\d+" name="declining" type="checkbox" value="(\d+)">', form))
    assert checked == {str(board.muni("Vega")), str(board.muni("Leirfjord"))}
    data["declining"] = [str(board.muni("Vega"))]
    assert auth.post(url, data).status_code == 302
    session.expire_all()
    assert len(session.exec(select(m.Participation).where(m.Participation.decision_id == decision.id)).all()) == 6
    assert "Alle unntatt: Vega (4/5)" in case_page(auth.client, budget)

    # approved minutes keep the participation as decided, whatever is answered later
    board.decide_all()
    choose_co_signers(session, board.meeting, [board.people["Brit Skjevling"].id])
    mark_held(session, board.meeting)
    approve_minutes(session, board.meeting, "sekretaer@example.org")
    session.commit()
    stored = current_version(session, board.meeting.id)
    record_answer(session, session.get(m.ProjectDecision, decision.id), session.get(m.Municipality, board.muni("Vega")),
                  m.ParticipationAnswer.joins, date(2025, 12, 1), "e-post")
    session.commit()
    assert "Alle unntatt: Vega (4/5)" in case_page(auth.client, budget)
    assert current_version(session, board.meeting.id).docx_sha256 == stored.docx_sha256
    assert "Deltakelse i Felles EPJ legesenter: Alle unntatt: Vega (4/5)." in \
        blocks(Document(BytesIO(auth.client.get(f"/meetings/{board.meeting.id}/protokoll.docx").data)))


def test_alle_unntatt_refuses_a_municipality_that_was_not_a_member(board, session, auth):
    project = m.Project(body_id=board.body.id, name="Prosjekt")
    outsider = m.Municipality(number="1868", name="Øksnes", member_from=date(2026, 1, 1))  # joined later
    session.add_all([project, outsider])
    session.commit()
    board.attend()
    budget = board.items[2]
    auth.login("secretary")
    data = decision_data(board, budget, method="none", project=str(project.id), declining=[str(outsider.id)])
    response = auth.post(f"/cases/{budget.id}/vedtak", data)
    assert response.status_code == 400
    session.expire_all()
    assert session.exec(select(m.ProjectDecision)).all() == []
    assert session.get(m.AgendaItem, budget.id).decision == ""  # nothing saved


def test_no_two_labelled_words_share_a_value():
    """The labels are keyed by enum member, and a str enum equals its value: 'present' of two enums
    once printed the attendance word 'Til stede' as the majority base."""
    import enum

    from boardroom.core import labels

    enums = [v for v in vars(labels).values() if isinstance(v, type) and issubclass(v, enum.Enum)]
    values = [member.value for e in enums for member in e]
    shared = {v for v in values if values.count(v) > 1}
    assert shared == {"absent"}  # VoteChoice and AttendanceStatus: both 'Ikke til stede'
    assert labels.LABELS[m.MajorityRule.unanimous] == "Enstemmighet"
    assert labels.LABELS[m.MajorityBase.present] == "av de møtende"
