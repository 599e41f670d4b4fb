"""The read-only JSON API: meetings, one meeting with saksliste and attendance, projects."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

import boardroom.models as m
from tests.conftest import oslo


def add(session, *rows):
    session.add_all(rows)
    session.flush()
    return rows[0] if len(rows) == 1 else rows


def board_meeting(session, make_body, make_meeting):
    """A held meeting: three municipalities, a deputy, a deferred case and an exempt case."""
    body = make_body("Styret i Digitale Helgeland")
    alstahaug, bindal, bronnoy = add(
        session,
        m.Municipality(number="1820", name="Alstahaug"),
        m.Municipality(number="1811", name="Bindal"),
        m.Municipality(number="1813", name="Brønnøy"),
    )
    rachel, ole, kari, per, hilde = add(
        session,
        m.Person(name="Rachel Berg"),
        m.Person(name="Ole Bindalsen"),
        m.Person(name="Kari Brønn"),
        m.Person(name="Per Vara"),
        m.Person(name="Hilde Rafaelsen", title="daglig leder", affiliation="DH"),
    )
    add(
        session,
        m.Membership(body_id=body.id, person_id=rachel.id, municipality_id=alstahaug.id, role=m.MembershipRole.chair),
        m.Membership(body_id=body.id, person_id=ole.id, municipality_id=bindal.id, role=m.MembershipRole.member),
        m.Membership(body_id=body.id, person_id=kari.id, municipality_id=bronnoy.id, role=m.MembershipRole.member),
        m.Membership(body_id=body.id, person_id=per.id, municipality_id=bronnoy.id, role=m.MembershipRole.deputy),
    )
    earlier = make_meeting(body=body, start=oslo(2025, 9, 4, 10), status=m.MeetingStatus.approved)
    meeting = make_meeting(body=body, start=oslo(2025, 10, 16, 10), hours=4, place="Sandnessjøen",
                           mode=m.MeetingMode.hybrid, status=m.MeetingStatus.held)
    status = m.AttendanceStatus
    add(
        session,
        m.Attendance(meeting_id=meeting.id, person_id=rachel.id, position=1, status=status.present,
                     municipality_id=alstahaug.id),
        m.Attendance(meeting_id=meeting.id, person_id=ole.id, position=2, status=status.absent_notice,
                     municipality_id=bindal.id),
        m.Attendance(meeting_id=meeting.id, person_id=kari.id, position=3, status=status.absent_notice,
                     municipality_id=bronnoy.id),
        m.Attendance(meeting_id=meeting.id, person_id=per.id, position=4, status=status.present,
                     municipality_id=bronnoy.id, substitute_for_id=kari.id),
        m.Attendance(meeting_id=meeting.id, person_id=hilde.id, position=5, status=status.present),
    )
    approval, deferred, exempt, first_try = add(
        session,
        m.Case(body_id=body.id, title="Godkjenning av innkalling og agenda"),
        m.Case(body_id=body.id, title="Felles anskaffelse EPJ"),
        m.Case(body_id=body.id, title="Ansettelse av Ola Nordmann", exempt=True,
               exemption_basis="Offl. § 25", public_title="Ansettelsessak"),
        m.Case(body_id=body.id, title="Ikke offentlig uten tittel", exempt=True, exemption_basis="Offl. § 14"),
    )
    earlier_item = add(session, m.AgendaItem(
        meeting_id=earlier.id, case_id=deferred.id, body_id=body.id, number_year=2025, number_seq=30,
        kind=m.CaseKind.decision, status=m.ItemStatus.deferred))
    item = dict(meeting_id=meeting.id, body_id=body.id, number_year=2025, case_handler_id=hilde.id)
    add(
        session,
        m.AgendaItem(**item, case_id=approval.id, position=1, number_seq=38, kind=m.CaseKind.decision,
                     status=m.ItemStatus.treated, proposal="Innkalling og agenda godkjennes.",
                     decision="Innkalling og agenda **godkjennes**.", discussion="Ingen merknader."),
        m.AgendaItem(**item, case_id=deferred.id, position=2, number_seq=39, kind=m.CaseKind.information,
                     status=m.ItemStatus.treated, background="Saken ble utsatt i *september*.",
                     deferred_from_id=earlier_item.id),
        m.AgendaItem(**item, case_id=exempt.id, position=3, number_seq=40, kind=m.CaseKind.decision,
                     decision="Ola Nordmann ansettes.", background="Lønn og vilkår."),
        m.AgendaItem(**item, case_id=first_try.id, position=4, number_seq=41, kind=m.CaseKind.discussion,
                     discussion="Hemmelig diskusjon."),
    )
    add(session, m.Attachment(meeting_id=meeting.id, position=1, title="Budsjett 2026", filename="budsjett.pdf"),
        m.Attachment(meeting_id=meeting.id, position=2, title="Lønnsoversikt", exempt=True,
                     exemption_basis="Offl. § 25"))
    session.commit()
    return meeting, earlier


def test_meetings_list(client, session, make_body, make_meeting):
    meeting, earlier = board_meeting(session, make_body, make_meeting)
    all_day = make_meeting(body=meeting.body, start=oslo(2026, 1, 19), all_day=True, title="Strategisamling")
    all_day.ends_at = oslo(2026, 1, 21)
    session.commit()

    response = client.get("/api/meetings")
    assert response.status_code == 200 and response.is_json
    rows = response.get_json()
    assert [r["id"] for r in rows] == [earlier.id, meeting.id, all_day.id]
    row = rows[1]
    assert row["body"]["name"] == "Styret i Digitale Helgeland"
    assert row["title"] == "Styremøte"
    assert (row["start"], row["end"]) == ("2025-10-16T10:00:00+02:00", "2025-10-16T14:00:00+02:00")
    assert row["all_day"] is False
    assert row["when"] == "16. oktober 2025 kl. 10.00–14.00"
    assert row["place"] == "Sandnessjøen"
    assert (row["mode"], row["mode_label"]) == ("hybrid", "Hybrid")
    assert (row["status"], row["status_label"]) == ("held", "Gjennomført")
    assert row["url"] == f"http://boardroom.test/meetings/{meeting.id}"
    assert row["protokoll_url"] == f"http://boardroom.test/meetings/{meeting.id}/protokoll.docx"
    assert row["cases"] == 4
    assert rows[0]["cases"] == 1

    two_days = rows[2]
    assert two_days["all_day"] is True
    assert (two_days["start"], two_days["end"]) == ("2026-01-19T00:00:00+01:00", "2026-01-21T00:00:00+01:00")
    assert two_days["when"] == "19.–20. januar 2026"


def test_unapproved_minutes_are_not_public(client, session, make_body, make_meeting, auth):
    meeting, _ = board_meeting(session, make_body, make_meeting)  # held, minutes not yet approved
    data = client.get(f"/api/meetings/{meeting.id}").get_json()
    assert data["agenda_published"] is True and data["minutes_published"] is False
    assert data["attendance"] == [] and data["minutes"]["present_text"] == ""
    first = data["agenda"][0]
    assert "proposal" in first and "decision" not in first and "discussion" not in first
    auth.login("reader", reads_restricted=True)
    signed_in = client.get(f"/api/meetings/{meeting.id}").get_json()
    assert signed_in["minutes_published"] is True and "decision" in signed_in["agenda"][0]
    meeting.status = m.MeetingStatus.planned
    session.commit()
    auth.post("/logout")
    assert client.get(f"/api/meetings/{meeting.id}").get_json()["agenda"] == []


def test_one_meeting_with_agenda_attendance_and_minutes(client, session, make_body, make_meeting):
    meeting, earlier = board_meeting(session, make_body, make_meeting)
    meeting.status = m.MeetingStatus.approved
    session.commit()
    data = client.get(f"/api/meetings/{meeting.id}").get_json()

    assert data["id"] == meeting.id and data["cases"] == 4
    agenda = data["agenda"]
    assert [a["number"] for a in agenda] == ["38-25", "39-25", "40-25", "41-25"]
    assert [(a["number_year"], a["number_seq"]) for a in agenda] == [(2025, 38), (2025, 39), (2025, 40), (2025, 41)]

    first = agenda[0]
    assert first["title"] == "Godkjenning av innkalling og agenda"
    assert (first["kind"], first["kind_label"]) == ("decision", "Beslutning")
    assert (first["status"], first["status_label"]) == ("treated", "Behandlet")
    assert first["case_handler"] == "Hilde Rafaelsen"
    assert first["exempt"] is False
    assert first["decision"] == {
        "markdown": "Innkalling og agenda **godkjennes**.",
        "html": "<p>Innkalling og agenda <strong>godkjennes</strong>.</p>",
    }
    assert first["proposal"]["markdown"] == "Innkalling og agenda godkjennes."
    assert first["discussion"]["html"] == "<p>Ingen merknader.</p>"
    assert first["deferred_from"] is None
    assert first["url"] == f"http://boardroom.test/cases/{first['id']}"

    second = agenda[1]
    assert (second["kind"], second["kind_label"]) == ("information", "Orientering")
    assert second["background"]["html"] == "<p>Saken ble utsatt i <em>september</em>.</p>"
    assert second["deferred_from"]["number"] == "30-25"
    assert second["deferred_from"]["meeting_id"] == earlier.id

    assert agenda[2] == {
        "number": "40-25", "number_year": 2025, "number_seq": 40, "title": "Ansettelsessak",
        "public_title": "Ansettelsessak", "exempt": True, "exemption_basis": "Offl. § 25",
    }
    assert agenda[3]["public_title"] == "Unntatt offentlighet"
    assert agenda[3]["exemption_basis"] == "Offl. § 14"

    attendance = {a["name"]: a for a in data["attendance"]}
    assert attendance["Rachel Berg"]["municipality"] == {"number": "1820", "name": "Alstahaug"}
    assert (attendance["Rachel Berg"]["status"], attendance["Rachel Berg"]["status_label"]) == ("present", "Til stede")
    assert attendance["Ole Bindalsen"]["status_label"] == "Forfall"
    assert attendance["Per Vara"]["substitute_for"] == "Kari Brønn"
    assert attendance["Hilde Rafaelsen"]["municipality"] is None

    assert data["attachments"] == [
        {"title": "Budsjett 2026", "filename": "budsjett.pdf", "exempt": False},
        {"title": "Unntatt offentlighet", "exempt": True, "exemption_basis": "Offl. § 25"},
    ]
    assert data["minutes"] == {
        "members_text": "Rachel Berg (Alstahaug), Ole Bindalsen (Bindal), Kari Brønn (Brønnøy)",
        "invited_text": "Alle styremedlemmer, Hilde Rafaelsen (daglig leder, DH)",
        "present_text": "Rachel Berg (Alstahaug), Per Vara (Brønnøy, vara for Kari Brønn), Hilde Rafaelsen (DH)",
        "absent_text": "Bindal",
        "apologies_text": "Ole Bindalsen (Bindal), Kari Brønn (Brønnøy)",
        "no_shows_text": "",
        "attendance_recorded": True,
    }


def test_exempt_case_texts_never_leave_the_api(client, session, make_body, make_meeting):
    meeting, _ = board_meeting(session, make_body, make_meeting)
    for url in ("/api/meetings", f"/api/meetings/{meeting.id}"):
        text = client.get(url).get_data(as_text=True)
        for secret in ("Ola Nordmann", "Lønn og vilkår", "Hemmelig diskusjon", "Ikke offentlig uten tittel",
                       "Lønnsoversikt"):
            assert secret not in text, (url, secret)


def test_unknown_meeting_is_404_json(client):
    response = client.get("/api/meetings/9999")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["detail"] == "Møtet finnes ikke."
    assert response.get_json()["status"] == 404

    response = client.get("/api/meetings/abc")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["error"] == "Siden finnes ikke."


def participation_set(session, make_body, name="Felles EPJ", answers=None):
    """A project decision answered by three municipalities; Cbygd declines after first joining."""
    body = make_body()
    towns = session.exec(select(m.Municipality).order_by(m.Municipality.number)).all() or add(
        session,
        m.Municipality(number="1801", name="Abygd"),
        m.Municipality(number="1802", name="Bbygd"),
        m.Municipality(number="1803", name="Cbygd"),
    )
    project = add(session, m.Project(body_id=body.id, name=name, short_name="EPJ", phase=m.ProjectPhase.procurement,
                                     health=m.Health.yellow, health_reason="Forsinket", owner="Rådmannsutvalget"))
    decision = add(session, m.ProjectDecision(project_id=project.id, title="Felles anskaffelse EPJ",
                                              decided_on=date(2025, 6, 1), decided_text="Kunngjort juni 2025"))
    joins, declines = m.ParticipationAnswer.joins, m.ParticipationAnswer.declines
    a, b, c = towns
    add(
        session,
        m.Participation(decision_id=decision.id, municipality_id=a.id, answer=joins, answered_on=date(2025, 6, 10),
                        source="vedtak"),
        m.Participation(decision_id=decision.id, municipality_id=b.id, answer=joins, answered_on=date(2025, 6, 12),
                        source="e-post", remark="Avklart på e-post"),
        m.Participation(decision_id=decision.id, municipality_id=c.id, answer=joins, answered_on=date(2025, 6, 5),
                        source="telefon"),
        m.Participation(decision_id=decision.id, municipality_id=c.id, answer=declines, answered_on=date(2025, 8, 1),
                        source="brev", remark="Egen løsning"),
    )
    session.commit()
    return project


def test_projects_with_participation(client, session, make_body):
    project = participation_set(session, make_body)
    idle = add(session, m.Project(body_id=project.body_id, name="Idéprosjekt", position=1))
    session.commit()

    data = client.get("/api/projects").get_json()
    assert [p["name"] for p in data] == ["Felles EPJ", "Idéprosjekt"]
    epj = data[0]
    assert (epj["phase"], epj["phase_label"]) == ("procurement", "Anskaffelse")
    assert (epj["health"], epj["health_label"]) == ("yellow", "Gul")
    assert epj["health_reason"] == "Forsinket"
    [decision] = epj["decisions"]
    assert decision["decided_on"] == "2025-06-01"
    assert decision["decided_text"] == "Kunngjort juni 2025"
    assert decision["count"] == "2/3"
    assert decision["summary"] == "Alle unntatt: Cbygd (2/3)"
    assert decision["participation"] == [
        {"kommunenummer": "1801", "name": "Abygd", "answer": "joins", "answer_label": "Deltar", "remark": "",
         "answered_on": "2025-06-10", "source": "vedtak"},
        {"kommunenummer": "1802", "name": "Bbygd", "answer": "joins", "answer_label": "Deltar",
         "remark": "Avklart på e-post", "answered_on": "2025-06-12", "source": "e-post"},
        {"kommunenummer": "1803", "name": "Cbygd", "answer": "declines", "answer_label": "Deltar ikke",
         "remark": "Egen løsning", "answered_on": "2025-08-01", "source": "brev"},
    ]
    assert data[1]["id"] == idle.id
    assert (data[1]["phase_label"], data[1]["health"], data[1]["decisions"]) == ("Idé", None, [])


def test_municipality_without_answer_counts_as_pending(client, session, make_body):
    participation_set(session, make_body)
    add(session, m.Municipality(number="1804", name="Dbygd"))
    session.commit()
    [decision] = client.get("/api/projects").get_json()[0]["decisions"]
    assert decision["count"] == "2/4"
    assert decision["participation"][-1] == {
        "kommunenummer": "1804", "name": "Dbygd", "answer": "pending", "answer_label": "Avklares",
        "remark": "", "answered_on": None, "source": "",
    }


def test_query_counts_do_not_grow(client, session, make_body, make_meeting, query_counter):
    def count(url):
        with query_counter() as n:
            assert client.get(url).status_code == 200
        return n[0]

    few = make_meeting(cases=5)
    many = make_meeting(cases=50, start=oslo(2025, 11, 20, 10))
    assert count(f"/api/meetings/{few.id}") == count(f"/api/meetings/{many.id}")

    listed = count("/api/meetings")
    make_meeting(cases=50, start=oslo(2025, 12, 11, 10))
    assert count("/api/meetings") == listed
    assert json.loads(client.get("/api/meetings").data)[-1]["cases"] == 50

    participation_set(session, make_body)
    one = count("/api/projects")
    participation_set(session, make_body, name="Felles velferdsteknologi")
    participation_set(session, make_body, name="Felles sak/arkiv")
    assert count("/api/projects") == one
    assert len(client.get("/api/projects").get_json()) == 3


def test_demo_meeting_and_projects(client, demo):
    meetings = client.get("/api/meetings").get_json()
    assert [(r["start"][:10], r["cases"]) for r in meetings] == [
        # the 2026 meetings start with the body's three standard cases
        ("2025-10-16", 12), ("2026-01-19", 3), ("2026-03-20", 3), ("2026-06-11", 3), ("2026-10-15", 3),
    ]
    data = client.get(f"/api/meetings/{meetings[0]['id']}").get_json()
    agenda = data["agenda"]
    assert [a["number"] for a in agenda] == [f"{n}-25" for n in range(38, 50)]
    assert (agenda[0]["title"], agenda[0]["kind_label"]) == ("Godkjenning av innkalling og agenda", "Beslutning")
    assert agenda[7]["title"] == "Møteplan for 2026"
    assert agenda[-1]["kind_label"] == "Eventuelt"
    assert data["minutes"]["invited_text"].startswith("Alle styremedlemmer, Hilde Rafaelsen")

    decisions = {d["title"]: d for p in client.get("/api/projects").get_json() for d in p["decisions"]}
    epj = decisions["Felles anskaffelse EPJ helse og omsorg"]
    assert (epj["count"], epj["summary"]) == ("18/19", "Alle unntatt: Bindal (18/19)")
    assert len(epj["participation"]) == 19
    assert [p["name"] for p in epj["participation"] if p["answer"] == "declines"] == ["Bindal"]
    welfare = decisions["Felles anskaffelse Velferdsteknologisk plattform med Rana"]
    assert welfare["count"] == "7/19"
    assert welfare["summary"].startswith("Kun: ") and welfare["summary"].endswith("(7/19)")
    assert welfare["decided_text"] == "Kunngjort juni 2025"


def test_one_project_decision_as_json(client, demo):
    from sqlmodel import select

    decision = demo.exec(select(m.ProjectDecision).order_by(m.ProjectDecision.position)).first()
    data = client.get(f"/api/decisions/{decision.id}").get_json()
    assert data["count"] == "18/19" and data["summary"] == "Alle unntatt: Bindal (18/19)"
    missing = client.get("/api/decisions/99999")
    assert missing.status_code == 404 and missing.get_json()["error"] == "Vedtaket finnes ikke."


def test_json_is_written_as_flask_writes_it(app):
    """The JSON answers are encoded by orjson, byte for byte as Flask's own encoder writes them:
    Norwegian letters unescaped, dates, money and Markup converted the same way, keys in order."""
    from dataclasses import dataclass
    from datetime import datetime, timezone
    from decimal import Decimal

    from flask.json.provider import DefaultJSONProvider
    from markupsafe import Markup

    from boardroom.participation.answers import AnswerRow

    @dataclass
    class Pair:
        name: str
        share: Decimal

    value = {"Æøå": "Træna og Sømna «sitat» \"fnutt\" \\ \n \u2028", "z": 1, "a": [1.5, None, True],
             "dag": date(2025, 10, 16), "da": datetime(2025, 10, 16, 8, 30, tzinfo=timezone.utc),
             "kr": Decimal("499320.00"), "html": Markup("<b>fet</b>"), "par": Pair("Bindal", Decimal("1.25")),
             7: "tall som nøkkel", "tom": {}, "kind": m.ParticipationAnswer.joins,
             "rad": AnswerRow(1, 2, 3, m.ParticipationAnswer.declines, date(2025, 10, 16), "vedtak", None, "")}
    plain = DefaultJSONProvider(app)
    plain.ensure_ascii, plain.sort_keys = False, False
    with app.test_request_context("/"):
        assert app.json.response(value).get_data() == plain.response(value).get_data()
        assert app.json.dumps(value) == plain.dumps(value)
        assert app.json.dumps(value, separators=(",", ":")) == plain.dumps(value, separators=(",", ":"))
        compact = {"separators": (",", ":"), "indent": 0}  # indent 0 still breaks lines
        assert app.json.dumps(value, **compact) == plain.dumps(value, **compact)
        named = {k: v for k, v in value.items() if isinstance(k, str)}  # the standard library sorts no mixed keys
        assert app.json.dumps(named, sort_keys=True) == plain.dumps(named, sort_keys=True)
    assert app.json.response(value).get_data(as_text=True).startswith('{"Æøå":"Træna og Sømna «sitat»')
