"""The agenda builder: meetings, invited list, cases, order, numbering on notice, locking;
the domain functions directly, then every form through HTTP."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

import boardroom.models as m
from boardroom.core.cache import total_revision
from boardroom.meetings import agenda
from boardroom.meetings.minutes import load_meeting
from boardroom.meetings.workflow import Locked
from tests.agenda_helpers import board, numbers, planned, titles, uploads  # noqa: F401  (fixtures)
from tests.conftest import oslo

OPENING = ["Godkjenning av innkalling og agenda", "Valg av person til å undertegne protokoll sammen med møteleder"]


def reload(session, meeting):
    session.expire_all()
    return load_meeting(session, meeting.id)


# --------------------------------------------------------------------------- meetings


def test_new_meeting_gets_standard_cases_invited_members_place_and_chair(session, board, planned):
    meeting = reload(session, planned(cases=2))
    assert titles(meeting) == [*OPENING, "Ny sak 1", "Ny sak 2", "Eventuelt"]
    assert [item.kind for item in meeting.items][-1] == m.CaseKind.other_business
    assert meeting.items[0].proposal == "Innkalling og saksliste godkjennes."
    assert numbers(meeting) == [""] * 5  # no numbers before the notice
    invited = [(a.person.name, a.municipality.name if a.municipality else None) for a in meeting.attendances]
    # members first (with the municipality they represent), then staff and observers; no deputy, no past member
    assert invited == [("Rachel Berg", "Rana"), ("Knut Toresen", "Bindal"), ("Eva Vega", "Vega"),
                       ("Hilde Rafaelsen", None), ("Ola Observatør", None)]
    assert meeting.place == "Mo i Rana"
    assert meeting.chair.name == "Rachel Berg"
    assert meeting.status == m.MeetingStatus.planned


def test_a_new_case_starts_with_its_bodys_majority_rule(session, board, planned, client, auth):
    board.body.majority_rule, board.body.majority_base = m.MajorityRule.two_thirds, m.MajorityBase.members
    session.commit()
    meeting = planned(cases=1)
    added = next(i for i in meeting.items if i.case.title == "Ny sak 1")
    assert (added.majority_rule, added.majority_base) == (m.MajorityRule.two_thirds, m.MajorityBase.members)
    auth.login("secretary")
    form = client.get(f"/meetings/{meeting.id}/cases/new").get_data(as_text=True)
    assert re.search(r'<option selected value="two_thirds">To tredjedels flertall</option>', form), form
    assert re.search(r'<option selected value="all_members">av alle stemmeberettigede medlemmer</option>', form)


def test_meeting_times_are_oslo_local_and_whole_days_run_midnight_to_midnight():
    from datetime import date, time

    start, end = agenda.meeting_times(date(2026, 1, 19), None, date(2026, 1, 20), None, all_day=True)
    assert (start, end) == (oslo(2026, 1, 19), oslo(2026, 1, 21))
    start, end = agenda.meeting_times(date(2026, 6, 1), time(10), None, time(15, 30), all_day=False)
    assert (start.hour, end.hour, end.minute) == (8, 13, 30)  # summer time: UTC+2


def test_invited_list_can_be_edited(session, board, planned):
    meeting = reload(session, planned())
    deputy = board.people["Vara Vegasen"]
    agenda.invite(session, meeting, deputy.id, board.vega.id)
    assert agenda.invite(session, meeting, deputy.id) is None  # already on the list
    staff = next(a for a in meeting.attendances if a.person.name == "Hilde Rafaelsen")
    agenda.uninvite(session, meeting, staff)
    session.commit()
    meeting = reload(session, meeting)
    names = [a.person.name for a in meeting.attendances if a.invited]
    assert "Vara Vegasen" in names and "Hilde Rafaelsen" not in names
    assert len(agenda.invite_members(session, meeting)) == 1  # Hilde back; nobody twice


def test_uninviting_someone_with_recorded_attendance_keeps_the_record(session, board, planned):
    meeting = reload(session, planned())
    attendance = meeting.attendances[0]
    attendance.status = m.AttendanceStatus.present
    agenda.uninvite(session, meeting, attendance)
    assert attendance in meeting.attendances and attendance.invited is False


def test_cancel_keeps_the_meeting_marks_it_and_raises_its_sequence(session, board, planned):
    meeting = reload(session, planned(cases=1))
    before = meeting.sequence
    agenda.cancel_meeting(session, meeting, "For få kan møte.")
    session.commit()
    meeting = reload(session, meeting)
    assert meeting.status == m.MeetingStatus.cancelled
    assert meeting.cancelled_reason == "For få kan møte."
    assert meeting.sequence == before + 1
    assert len(meeting.items) == 4  # the cases stay
    with pytest.raises(Locked, match="avlyst"):
        agenda.add_case(session, meeting, title="For sent")


# --------------------------------------------------------------------------- numbering


def test_notice_numbers_every_case_in_agenda_order_continuing_the_year(session, board, planned, make_meeting):
    make_meeting(cases=37, body=board.body)  # 01-25 … 37-25 used earlier in 2025
    meeting = reload(session, planned(cases=2))
    agenda.move_case(session, meeting.items[3], "up")  # "Ny sak 2" before "Ny sak 1"
    numbered = agenda.send_notice(session, meeting)
    session.commit()
    meeting = reload(session, meeting)
    assert len(numbered) == 5
    assert [(n, t) for n, t in zip(numbers(meeting), titles(meeting))] == [
        ("38-25", OPENING[0]), ("39-25", OPENING[1]), ("40-25", "Ny sak 2"), ("41-25", "Ny sak 1"),
        ("42-25", "Eventuelt"),
    ]
    assert meeting.status == m.MeetingStatus.called and meeting.called_at is not None


def test_a_new_year_starts_at_one(session, board, planned, make_meeting):
    make_meeting(cases=3, body=board.body)
    meeting = reload(session, planned(start=oslo(2026, 1, 20, 10)))
    agenda.send_notice(session, meeting)
    assert numbers(meeting) == ["01-26", "02-26", "03-26"]


def test_a_late_case_gets_the_next_number_and_lands_before_eventuelt(session, board, planned):
    meeting = reload(session, planned(cases=1))
    agenda.send_notice(session, meeting)  # 01-25 … 04-25
    agenda.add_case(session, meeting, title="Hastesak", kind=m.CaseKind.decision)
    agenda.add_case(session, meeting, title="Orientering om vei", kind=m.CaseKind.information)
    session.commit()
    meeting = reload(session, meeting)
    assert list(zip(numbers(meeting), titles(meeting)))[-3:] == [
        ("05-25", "Hastesak"), ("06-25", "Orientering om vei"), ("04-25", "Eventuelt"),
    ]
    assert [item.position for item in meeting.items] == list(range(6))


def test_a_new_case_goes_before_eventuelt_wherever_the_secretary_put_it(session, board, planned):
    """A case the secretary put below Eventuelt stays there; the next case still goes before Eventuelt."""
    meeting = reload(session, planned(cases=1))
    agenda.move_case(session, meeting.items[-1], "up")  # Eventuelt above Ny sak 1, by the secretary's hand
    agenda.add_case(session, meeting, title="Ny sak 2", kind=m.CaseKind.decision)
    session.commit()
    assert titles(reload(session, meeting))[2:] == ["Ny sak 2", "Eventuelt", "Ny sak 1"]


def test_closing_cases_stay_last_unless_the_secretary_moves_them(session, board, planned):
    meeting = reload(session, planned(cases=2))
    with pytest.raises(agenda.StaysLast, match="«Eventuelt» står sist"):
        agenda.move_case(session, meeting.items[-2], "down")  # Ny sak 2 does not step past Eventuelt
    assert titles(meeting)[-2:] == ["Ny sak 2", "Eventuelt"]
    agenda.move_case(session, meeting.items[-2], "up")  # an ordinary case moves among the others
    agenda.move_case(session, meeting.items[-1], "up")  # Eventuelt itself moves when asked
    session.commit()
    meeting = reload(session, meeting)
    assert titles(meeting)[2:] == ["Ny sak 2", "Eventuelt", "Ny sak 1"]
    with pytest.raises(agenda.StaysLast):
        agenda.move_case(session, meeting.items[-1], "up")  # nor back past it
    assert [item.position for item in meeting.items] == list(range(5))


def test_the_database_refuses_two_cases_in_one_place(session, board, planned):
    from sqlalchemy.exc import IntegrityError

    meeting = reload(session, planned(cases=1))
    meeting.items[2].position = meeting.items[1].position
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_numbers_never_change_or_repeat_when_cases_move(session, board, planned):
    meeting = reload(session, planned(cases=3))
    agenda.send_notice(session, meeting)
    before = {item.id: item.number_seq for item in meeting.items}
    agenda.reorder(session, meeting, [item.id for item in reversed(meeting.items)])
    agenda.move_case(session, meeting.items[0], "down")
    agenda.send_notice(session, meeting)  # sending again changes nothing
    session.commit()
    meeting = reload(session, meeting)
    assert {item.id: item.number_seq for item in meeting.items} == before
    assert titles(meeting)[:2] == ["Ny sak 3", "Eventuelt"]
    assert len(set(before.values())) == len(before)


def test_reorder_needs_every_case_exactly_once(session, board, planned):
    meeting = reload(session, planned(cases=1))
    ids = [item.id for item in meeting.items]
    with pytest.raises(ValueError, match="nøyaktig én gang"):
        agenda.reorder(session, meeting, ids[:-1])
    with pytest.raises(ValueError):
        agenda.reorder(session, meeting, ids + ids[:1])
    agenda.move_case(session, meeting.items[0], "up")  # already first: stays
    assert [item.id for item in meeting.items] == ids
    assert [item.position for item in meeting.items] == list(range(len(ids)))


def test_editing_a_case_changes_case_and_treatment_but_not_the_number(session, board, planned):
    meeting = reload(session, planned(cases=1))
    agenda.send_notice(session, meeting)
    item = meeting.items[2]
    agenda.update_case(session, item, title="Nytt navn", exempt=True, exemption_basis="Offl. § 14",
                       public_title="Personalsak", proposal="**Vedtatt**")
    session.commit()
    item = reload(session, meeting).items[2]
    assert (item.case.title, item.case.exempt, item.case.public_title) == ("Nytt navn", True, "Personalsak")
    assert item.proposal_html == "<p><strong>Vedtatt</strong></p>"
    assert item.number_seq == 3


def test_approved_minutes_lock_every_change(session, board, planned):
    meeting = reload(session, planned(cases=1))
    agenda.send_notice(session, meeting)
    meeting.status = m.MeetingStatus.approved
    session.commit()
    meeting = reload(session, meeting)
    item, attendance = meeting.items[0], meeting.attendances[0]
    changes = [
        lambda: agenda.update_meeting(session, meeting, title="Nytt"),
        lambda: agenda.cancel_meeting(session, meeting, "x"),
        lambda: agenda.add_case(session, meeting, title="Ny"),
        lambda: agenda.update_case(session, item, title="Ny"),
        lambda: agenda.move_case(session, item, "down"),
        lambda: agenda.reorder(session, meeting, [i.id for i in reversed(meeting.items)]),
        lambda: agenda.send_notice(session, meeting),
        lambda: agenda.invite(session, meeting, board.people["Vara Vegasen"].id),
        lambda: agenda.uninvite(session, meeting, attendance),
        lambda: agenda.invite_members(session, meeting),
        lambda: agenda.add_attachment(session, meeting, "Budsjett", "budsjett.pdf", b"%PDF-1.4"),
    ]
    for change in changes:
        with pytest.raises(Locked, match="godkjent og låst"):
            change()
    assert not session.dirty and not session.new and not session.deleted


# --------------------------------------------------------------------------- route helpers


@pytest.fixture
def secretary(auth):
    return auth.login("secretary")


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def meeting_form(**changes) -> dict:
    data = {"body_id": "", "title": "Styremøte", "start_date": "2026-01-20", "start_time": "10:00",
            "end_date": "", "end_time": "15:00", "place": "", "mode": "hybrid", "chair_id": "", "purpose": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def case_form(**changes) -> dict:
    data = {"title": "Budsjett 2026", "kind": "decision", "case_handler_id": "", "agenda_note": "",
            "background": "Bakgrunn med **fet** skrift.", "assessment": "", "proposal": "Budsjettet vedtas.",
            "exemption_basis": "", "public_title": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Every form: (method name, url pattern, valid data); {m} is a meeting, {i} a case, {a} an attendance,
# {f} an attachment, {b} the body.
FORMS = [
    ("new_meeting", "/meetings/new", lambda ctx: meeting_form(body_id=str(ctx["b"]))),
    ("edit_meeting", "/meetings/{m}/edit", lambda ctx: meeting_form(title="Endret")),
    ("cancel", "/meetings/{m}/cancel", lambda ctx: {"reason": "Sykdom"}),
    ("new_case", "/meetings/{m}/cases/new", lambda ctx: case_form()),
    ("edit_case", "/cases/{i}/edit", lambda ctx: case_form(title="Endret sak")),
    ("move", "/cases/{i}/move", lambda ctx: {"direction": "down"}),
    ("order", "/meetings/{m}/order", lambda ctx: {"order": ",".join(map(str, reversed(ctx["items"])))}),
    ("invite", "/meetings/{m}/invited", lambda ctx: {"person_id": str(ctx["deputy"])}),
    ("uninvite", "/meetings/{m}/invited/{a}/remove", lambda ctx: {}),
    ("invite_members", "/meetings/{m}/invited/members", lambda ctx: {}),
    ("send", "/meetings/{m}/send", lambda ctx: {}),
    ("attach", "/meetings/{m}/attachments", lambda ctx: {"title": "Budsjett", "file": (ctx["pdf"](), "b.pdf")}),
    ("attach_case", "/cases/{i}/attachments", lambda ctx: {"title": "Notat", "file": (ctx["pdf"](), "n.pdf")}),
    ("delete_attachment", "/attachments/{f}/delete", lambda ctx: {}),
    ("preview", "/markdown-preview", lambda ctx: {"text": "**x**"}),
]
MEETING_FORMS = [f for f in FORMS if f[0] not in ("new_meeting", "preview")]


@pytest.fixture
def ctx(session, board, planned):
    """A planned meeting with one case, an attachment and the ids the forms need."""
    from io import BytesIO

    from tests.agenda_helpers import PDF

    meeting = reload(session, planned(cases=1))
    attachment = agenda.add_attachment(session, meeting, "Gammelt vedlegg", "gammelt.pdf", PDF)
    session.commit()
    return {"m": meeting.id, "i": meeting.items[2].id, "a": meeting.attendances[-1].id, "f": attachment.id,
            "b": board.body.id, "items": [i.id for i in meeting.items], "deputy": board.people["Vara Vegasen"].id,
            "pdf": lambda: BytesIO(PDF), "meeting": meeting}


def url_of(pattern: str, ctx: dict) -> str:
    return pattern.format(**{k: v for k, v in ctx.items() if k in "miafb"})


# --------------------------------------------------------------------------- every form


@pytest.mark.parametrize("name, pattern, data", FORMS, ids=[f[0] for f in FORMS])
def test_every_form_accepts_a_valid_post(auth, secretary, ctx, name, pattern, data):
    response = auth.post(url_of(pattern, ctx), data=data(ctx))
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("name, pattern, data", FORMS, ids=[f[0] for f in FORMS])
def test_every_form_sends_visitors_to_the_login_page(auth, ctx, name, pattern, data):
    response = auth.post(url_of(pattern, ctx), data=data(ctx))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["member", "reader"])
@pytest.mark.parametrize("name, pattern, data", FORMS, ids=[f[0] for f in FORMS])
def test_every_form_refuses_other_roles(auth, ctx, role, name, pattern, data):
    auth.login(role)
    assert auth.post(url_of(pattern, ctx), data=data(ctx)).status_code == 403


@pytest.mark.parametrize("name, pattern, data", FORMS, ids=[f[0] for f in FORMS])
def test_every_form_needs_the_csrf_token(client, secretary, ctx, name, pattern, data):
    response = client.post(url_of(pattern, ctx), data=data(ctx))
    assert response.status_code == 400
    assert "sikkerhetsnøkkel" in response.get_data(as_text=True)


@pytest.mark.parametrize("status", [m.MeetingStatus.approved, m.MeetingStatus.cancelled])
@pytest.mark.parametrize("name, pattern, data", MEETING_FORMS, ids=[f[0] for f in MEETING_FORMS])
def test_every_form_on_a_locked_meeting_is_refused_and_changes_nothing(session, auth, secretary, ctx, status,
                                                                       name, pattern, data):
    meeting = ctx["meeting"]
    meeting.status = status
    session.commit()
    revision = total_revision(session)
    response = auth.post(url_of(pattern, ctx), data=data(ctx))
    assert response.status_code == 409
    assert ("godkjent og låst" if status == m.MeetingStatus.approved else "avlyst") in page_text(response)
    session.expire_all()
    assert total_revision(session) == revision  # nothing was written


@pytest.mark.parametrize("url", [
    "/meetings/999/edit", "/meetings/999/cancel", "/meetings/999/agenda", "/meetings/999/cases/new",
    "/cases/999/edit", "/meetings/999/invited", "/meetings/999/send", "/meetings/999/attachments",
    "/cases/999/attachments", "/bodies/999/word-template", "/meetings/999/innkalling.docx",
    "/attachments/999/x.pdf",
])
def test_unknown_ids_are_404(client, secretary, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "finnes ikke" in page_text(response)


def test_form_pages_show_for_the_secretary(client, secretary, ctx):
    for url, heading in (("/meetings/new", "Nytt møte"), ("/meetings/{m}/edit", "Rediger møte"),
                         ("/meetings/{m}/cancel", "Avlys møtet"), ("/meetings/{m}/agenda", "Saksliste"),
                         ("/meetings/{m}/cases/new", "Ny sak"), ("/cases/{i}/edit", "Rediger sak"),
                         ("/meetings/{m}/invited", "Innkalte"), ("/meetings/{m}/send", "Send innkalling"),
                         ("/meetings/{m}/attachments", "Vedlegg"), ("/cases/{i}/attachments", "Vedlegg"),
                         ("/bodies/{b}/word-template", "Word-mal")):
        response = client.get(url_of(url, ctx))
        assert response.status_code == 200, url
        assert f"<h1>{heading}" in response.get_data(as_text=True), url


# --------------------------------------------------------------------------- meeting forms


def test_create_meeting_by_form(session, auth, secretary, board):
    response = auth.post("/meetings/new", data=meeting_form(
        body_id=str(board.body.id), title="Ekstraordinært styremøte", start_date="19.01.2026", start_time="09.30",
        end_date="2026-01-20", end_time="14:00", place="", mode="digital", purpose="Budsjett"))
    assert response.status_code == 302
    meeting = session.exec(select(m.Meeting).where(m.Meeting.title == "Ekstraordinært styremøte")).one()
    assert (meeting.starts_at, meeting.ends_at) == (oslo(2026, 1, 19, 9, 30), oslo(2026, 1, 20, 14))
    assert (meeting.place, meeting.mode, meeting.purpose) == ("Mo i Rana", m.MeetingMode.digital, "Budsjett")
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}/agenda")
    page = page_text(auth.client.get(response.headers["Location"]))
    assert "Møtet er opprettet" in page and "Godkjenning av innkalling og agenda" in page


def test_create_whole_day_meeting(session, auth, secretary, board):
    auth.post("/meetings/new", data=meeting_form(body_id=str(board.body.id), all_day="y", start_time="",
                                                 end_time="", end_date="2026-01-21"))
    meeting = session.exec(select(m.Meeting)).one()
    assert meeting.all_day and (meeting.starts_at, meeting.ends_at) == (oslo(2026, 1, 20), oslo(2026, 1, 22))


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Skriv en tittel"),
    ({"title": "x" * 201}, "title", "høyst 200 tegn"),
    ({"start_date": ""}, "start_date", "Oppgi dato for møtet"),
    ({"start_date": "32.13.2025"}, "start_date", "«32.13.2025» er ikke en gyldig dato. Skriv for eksempel 16.10.2025."),
    ({"start_time": ""}, "start_time", "Oppgi når møtet begynner"),
    ({"start_time": "25:99"}, "start_time", "«25:99» er ikke et gyldig klokkeslett. Skriv for eksempel 10:00."),
    ({"end_time": ""}, "end_time", "Oppgi når møtet slutter"),
    ({"end_time": "09:00"}, "end_time", "Møtet må slutte etter at det begynner"),
    ({"end_date": "2026-01-19"}, "end_date", "Sluttdatoen kan ikke være før startdatoen"),
    ({"body_id": "999"}, "body_id", "Velg et av alternativene"),
    ({"body_id": ""}, "body_id", "Velg organet"),
    ({"chair_id": "999"}, "chair_id", "Velg et av alternativene"),
    ({"mode": "telepati"}, "mode", "gyldig valg"),
    ({"place": "x" * 201}, "place", "høyst 200 tegn"),
])
def test_meeting_form_errors_are_shown_next_to_the_field_and_input_kept(session, auth, secretary, board,
                                                                        changes, field, message):
    data = meeting_form(body_id=str(board.body.id), purpose="Skrevet av brukeren")
    data.update(changes)
    response = auth.post("/meetings/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', html, re.S)
    assert errors and message in errors.group(1)
    assert 'value="Skrevet av brukeren"' in html
    assert session.exec(select(m.Meeting)).first() is None


def test_edit_meeting_by_form_keeps_values_and_raises_sequence(session, auth, secretary, ctx):
    form_page = auth.client.get(url_of("/meetings/{m}/edit", ctx)).get_data(as_text=True)
    assert 'value="2025-11-20"' in form_page and 'value="10:00"' in form_page and 'value="Mo i Rana"' in form_page
    before = ctx["meeting"].sequence
    response = auth.post(url_of("/meetings/{m}/edit", ctx), data=meeting_form(
        start_date="2025-11-21", start_time="12:00", end_time="16:00", place="Bodø"))
    assert response.status_code == 302
    meeting = reload(session, ctx["meeting"])
    assert (meeting.place, meeting.starts_at, meeting.sequence) == ("Bodø", oslo(2025, 11, 21, 12), before + 1)
    bad = auth.post(url_of("/meetings/{m}/edit", ctx), data=meeting_form(end_time="08:00", place="Typed"))
    assert bad.status_code == 400 and "Møtet må slutte etter at det begynner" in page_text(bad)
    assert 'value="Typed"' in bad.get_data(as_text=True)


def test_cancel_by_form(session, auth, secretary, ctx):
    empty = auth.post(url_of("/meetings/{m}/cancel", ctx), data={"reason": "  "})
    assert empty.status_code == 400 and "Skriv hvorfor møtet avlyses" in page_text(empty)
    response = auth.post(url_of("/meetings/{m}/cancel", ctx), data={"reason": "For få kan møte."})
    assert response.status_code == 302
    meeting = reload(session, ctx["meeting"])
    assert meeting.status == m.MeetingStatus.cancelled and meeting.cancelled_reason == "For få kan møte."
    page = page_text(auth.client.get(f"/meetings/{meeting.id}"))
    assert "Møtet er avlyst." in page and "For få kan møte." in page
    assert "Avlys møte" not in page and "Rediger møte" not in page


# --------------------------------------------------------------------------- case forms


def test_add_case_by_form_goes_before_eventuelt(session, auth, secretary, ctx, board):
    response = auth.post(url_of("/meetings/{m}/cases/new", ctx), data=case_form(
        case_handler_id=str(board.people["Hilde Rafaelsen"].id), assessment="1. første\n2. andre"))
    assert response.status_code == 302
    meeting = reload(session, ctx["meeting"])
    assert titles(meeting)[-2:] == ["Budsjett 2026", "Eventuelt"]
    item = meeting.items[-2]
    assert item.case_handler.name == "Hilde Rafaelsen"
    assert item.background_html == "<p>Bakgrunn med <strong>fet</strong> skrift.</p>"
    assert item.number_seq is None


def test_a_late_case_by_form_gets_a_number_and_lands_before_eventuelt(session, auth, secretary, ctx):
    auth.post(url_of("/meetings/{m}/send", ctx))
    page = page_text(auth.client.get(url_of("/meetings/{m}/cases/new", ctx)))
    assert "Saken føres opp før Eventuelt." in page and "under Eventuelt" not in page
    response = auth.post(url_of("/meetings/{m}/cases/new", ctx), data=case_form(title="Sent innspill",
                                                                                 kind="information",
                                                                                 placement="last"))
    assert response.status_code == 302
    page = page_text(auth.client.get(response.headers["Location"]))
    assert "Sak 05-25 er lagt til." in page
    meeting = reload(session, ctx["meeting"])
    assert list(zip(numbers(meeting), titles(meeting)))[-2:] == [("05-25", "Sent innspill"), ("04-25", "Eventuelt")]


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Skriv sakens tittel"),
    ({"title": "x" * 301}, "title", "høyst 300 tegn"),
    ({"kind": "hemmelig"}, "kind", "Velg en sakstype"),
    ({"case_handler_id": "999"}, "case_handler_id", "Velg et av alternativene"),
    ({"case_handler_id": "abc"}, "case_handler_id", "Velg et av alternativene"),
    ({"exempt": "y", "exemption_basis": ""}, "exemption_basis", "Oppgi hjemmel"),
    ({"exemption_basis": "x" * 101, "exempt": "y"}, "exemption_basis", "høyst 100 tegn"),
    ({"public_title": "x" * 301}, "public_title", "høyst 300 tegn"),
])
def test_case_form_errors_are_shown_next_to_the_field_and_input_kept(session, auth, secretary, ctx,
                                                                     changes, field, message):
    data = case_form(assessment="Vurdering skrevet av brukeren")
    data.update(changes)
    response = auth.post(url_of("/meetings/{m}/cases/new", ctx), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', html, re.S)
    assert errors and message in errors.group(1)
    assert "Vurdering skrevet av brukeren" in html
    assert len(reload(session, ctx["meeting"]).items) == 4


def test_edit_case_by_form(session, auth, secretary, ctx):
    page = auth.client.get(url_of("/cases/{i}/edit", ctx)).get_data(as_text=True)
    assert 'value="Ny sak 1"' in page and "Styret vedtar forslag 1." in page
    assert 'name="placement"' not in page
    response = auth.post(url_of("/cases/{i}/edit", ctx), data=case_form(
        title="Nytt navn", exempt="y", exemption_basis="Offl. § 14", public_title="Personalsak"))
    assert response.status_code == 302
    item = reload(session, ctx["meeting"]).items[2]
    assert (item.case.title, item.case.exempt, item.case.exemption_basis) == ("Nytt navn", True, "Offl. § 14")
    bad = auth.post(url_of("/cases/{i}/edit", ctx), data=case_form(title="", proposal="Beholdt tekst"))
    assert bad.status_code == 400 and "Skriv sakens tittel" in page_text(bad) and "Beholdt tekst" in page_text(bad)


def test_preview_renders_sanitised_markdown_without_saving(session, auth, secretary, ctx):
    response = auth.post(url_of("/cases/{i}/edit", ctx), data=case_form(
        title="", preview="1",
        background="Se **dette**\n\n- a\n- b\n\n<script>alert(1)</script> [lenke](javascript:alert(2))"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Forhåndsvisning" in html and "<strong>dette</strong>" in html and "<li>a</li>" in html
    preview = html[html.index("<h2 id=\"forhandsvisning\">"):html.index("</section>")]
    assert "<strong>dette</strong>" in preview and "lenke" in preview
    assert "<script" not in preview and "javascript:" not in preview
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the typed text is kept in the textarea
    assert reload(session, ctx["meeting"]).items[2].background.startswith("Bakgrunn 1")
    live = auth.post("/markdown-preview", data={"text": "*kursiv* <img src=x onerror=alert(1)>"})
    assert live.json == {"html": "<p><em>kursiv</em> </p>"}


def test_move_up_and_down_by_form(session, auth, secretary, ctx):
    response = auth.post(url_of("/cases/{i}/move", ctx), data={"direction": "up", "next": f"/meetings/{ctx['m']}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{ctx['m']}"
    assert titles(reload(session, ctx["meeting"]))[1] == "Ny sak 1"
    auth.post(url_of("/cases/{i}/move", ctx), data={"direction": "down"})
    assert titles(reload(session, ctx["meeting"]))[2] == "Ny sak 1"
    assert auth.post(url_of("/cases/{i}/move", ctx), data={"direction": "sideways"}).status_code == 400
    evil = auth.post(url_of("/cases/{i}/move", ctx), data={"direction": "up", "next": "//evil.example/"})
    assert evil.headers["Location"] == "/"


def test_order_by_drag_and_drop(session, auth, secretary, ctx):
    ids = list(reversed(ctx["items"]))
    assert auth.post(url_of("/meetings/{m}/order", ctx), data={"order": ",".join(map(str, ids))}).status_code == 302
    assert [i.id for i in reload(session, ctx["meeting"]).items] == ids
    for bad in (",".join(map(str, ids[:-1])), "a,b", ""):
        response = auth.post(url_of("/meetings/{m}/order", ctx), data={"order": bad})
        assert response.status_code == 400


# --------------------------------------------------------------------------- invited, notice


def test_invited_page_add_and_remove(session, auth, secretary, ctx, board):
    page = page_text(auth.client.get(url_of("/meetings/{m}/invited", ctx)))
    assert "Rachel Berg" in page and "daglig leder, DH" in page
    missing = auth.post(url_of("/meetings/{m}/invited", ctx), data={"person_id": "", "municipality_id": ""})
    assert missing.status_code == 400 and "Velg personen som skal innkalles" in page_text(missing)
    bad = auth.post(url_of("/meetings/{m}/invited", ctx), data={"person_id": str(board.people["Rachel Berg"].id)})
    assert bad.status_code == 400 and "Velg et av alternativene" in page_text(bad)  # already invited
    added = auth.post(url_of("/meetings/{m}/invited", ctx), data={"person_id": str(ctx["deputy"]),
                                                                  "municipality_id": str(board.vega.id)})
    assert added.status_code == 302
    assert "Vara Vegasen er innkalt." in page_text(auth.client.get(added.headers["Location"]))
    meeting = reload(session, ctx["meeting"])
    assert meeting.attendances[-1].person.name == "Vara Vegasen" and meeting.attendances[-1].municipality.name == "Vega"
    removed = auth.post(url_of("/meetings/{m}/invited/{a}/remove", ctx))
    assert removed.status_code == 302
    assert auth.post(f"/meetings/{ctx['m']}/invited/99999/remove").status_code == 404


def test_send_notice_by_form(session, auth, secretary, ctx, make_meeting, board):
    make_meeting(cases=37, body=board.body)
    confirm = page_text(auth.client.get(url_of("/meetings/{m}/send", ctx)))
    assert "38-25" in confirm and "41-25" in confirm
    response = auth.post(url_of("/meetings/{m}/send", ctx))
    assert response.status_code == 302
    page = page_text(auth.client.get(response.headers["Location"]))
    assert "Møtet er innkalt." in page and "Sakene har fått nummer 38-25 til 41-25." in page
    meeting = reload(session, ctx["meeting"])
    assert meeting.status == m.MeetingStatus.called and numbers(meeting)[-1] == "41-25"
    again = auth.client.get(url_of("/meetings/{m}/send", ctx))
    assert again.status_code == 302  # already sent: back to the agenda


def test_send_is_refused_for_a_held_meeting(session, auth, secretary, ctx):
    ctx["meeting"].status = m.MeetingStatus.held
    session.commit()
    response = auth.post(url_of("/meetings/{m}/send", ctx))
    assert response.status_code == 409 and "kan ikke bli innkalt" in page_text(response)


# --------------------------------------------------------------------------- pages


def test_meeting_page_shows_the_secretary_her_buttons_and_nobody_else(client, auth, ctx):
    url = f"/meetings/{ctx['m']}"
    auth.login("member")
    member_page = page_text(client.get(url))
    assert "Rediger møte" not in member_page and "Flytt" not in member_page
    auth.client.post("/logout", data={"csrf_token": auth.token()})
    auth._token = None
    auth.login("secretary", email="sekr@example.org")
    page = page_text(client.get(url))
    for text in ("Rediger møte", "Legg til sak", "Innkalte", "Vedlegg", "Send innkalling", "Last ned innkalling",
                 "Avlys møte", "Rediger sak", "↑ Opp", "↓ Ned"):
        assert text in page, text


def test_meetings_list_offers_a_new_meeting_to_editors_only(client, auth, ctx):
    assert "Nytt møte" not in page_text(client.get("/meetings"))
    auth.login("secretary")
    assert 'href="/meetings/new"' in client.get("/meetings").get_data(as_text=True)


def test_builder_lists_cases_with_numbers_and_order_url(client, secretary, auth, ctx):
    auth.post(url_of("/meetings/{m}/send", ctx))
    html = client.get(url_of("/meetings/{m}/agenda", ctx)).get_data(as_text=True)
    assert f'data-order-url="/meetings/{ctx["m"]}/order"' in html
    assert [n for n in re.findall(r'<td class="nowrap">([^<]+)</td>', html)] == ["01-25", "02-25", "03-25", "04-25"]
