"""An exempt case's title never reaches a visitor through the participation JSON, neither as
the case that decided a project nor as the source of an answer."""

from __future__ import annotations

from sqlmodel import select

import boardroom.models as m

MARKER = "HEMMELIG-TITTEL-7f3a"


def exempt_decision_case(demo):
    decision = demo.exec(select(m.ProjectDecision).order_by(m.ProjectDecision.id)).first()
    approved = demo.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.approved)).first()
    item = next(i for i in approved.items if i.number_seq)
    decision.agenda_item_id = item.id  # decided in a case of the approved minutes
    item.case.title, item.case.exempt, item.case.exemption_basis = MARKER, True, "Offl. § 14"
    item.case.public_title = ""
    answer = demo.exec(select(m.Participation).where(m.Participation.decision_id == decision.id)).first()
    answer.source_item_id = item.id
    demo.add_all([decision, item.case, answer])
    demo.commit()
    return decision, item


def test_visitors_get_only_the_exempt_marking(client, demo):
    decision, item = exempt_decision_case(demo)
    one = client.get(f"/api/decisions/{decision.id}")
    assert one.status_code == 200
    assert MARKER not in one.get_data(as_text=True)
    assert one.get_json()["case"]["title"] == "Unntatt offentlighet"
    sources = [a["source_case"] for a in one.get_json()["history"] if a["source_case"]]
    assert sources and all(s["title"] == "Unntatt offentlighet" for s in sources)
    everything = client.get("/api/participation")
    assert MARKER not in everything.get_data(as_text=True)


def test_signed_in_users_see_the_title(client, demo, auth):
    decision, _ = exempt_decision_case(demo)
    auth.login("secretary")
    assert client.get(f"/api/decisions/{decision.id}").get_json()["case"]["title"] == MARKER
    assert MARKER in client.get("/api/participation").get_data(as_text=True)
