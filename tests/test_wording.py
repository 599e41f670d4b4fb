"""Documents and wording a secretary expects (#7 item 11) and figures in case texts (#7 item 12):
what the notice, the minutes and the pages say, read back as a user sees them."""

from __future__ import annotations

import re
import struct
import zlib
from datetime import date, timedelta
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn
from sqlmodel import select

import boardroom.models as m
from boardroom.core.formatting import decision_date
from boardroom.core.text import render_markdown
from boardroom.documents.innkalling import build_innkalling
from boardroom.meetings import agenda
from boardroom.meetings.minutes import load_meeting
from tests.agenda_helpers import board, planned, uploads  # noqa: F401  (fixtures)
from tests.conftest import oslo
from tests.test_protokoll import blocks, paragraph, protokoll


def png(width: int = 40, height: int = 20) -> bytes:
    """A real, small PNG (grey pixels)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def notice(session, meeting) -> Document:
    session.expire_all()
    return Document(BytesIO(build_innkalling(session, load_meeting(session, meeting.id))))


# --------------------------------------------------------------------------- the minutes


def test_protokoll_heading_names_organisation_referent_and_approval_date(session, make_body, make_meeting):
    body = make_body(name="Styret i Digitale Helgeland", organisation="Digitale Helgeland")
    chair = m.Person(name="Robert Pettersen")
    hilde = m.Person(name="Hilde Rafaelsen", title="daglig leder")
    session.add_all([chair, hilde])
    session.flush()
    meeting = make_meeting(cases=2, body=body, chair_id=chair.id, minutes_taker_id=hilde.id,
                           approved_at=oslo(2025, 11, 20, 12))
    text = blocks(protokoll(session, meeting.id))
    assert text[0] == "Protokoll fra styremøte i Digitale Helgeland"
    assert "Møteleder: Robert Pettersen" in text
    assert "Referent: Hilde Rafaelsen (daglig leder)" in text
    assert "Godkjent: 20. november 2025" in text

    draft = make_meeting(cases=1, body=body, status=m.MeetingStatus.held, start=oslo(2026, 1, 15, 10))
    assert "Godkjent: Utkast, ikke godkjent" in blocks(protokoll(session, draft.id))


def test_signature_lines_stay_on_the_page_of_the_last_case(session, make_meeting):
    meeting = make_meeting(cases=3)
    doc = protokoll(session, meeting.id)
    body = list(doc.element.body.iterchildren())
    signatures = next(i for i, e in enumerate(body) if e.tag == qn("w:tbl") and "_" * 32 in "".join(e.itertext()))
    # the last case's final paragraphs and the place-and-date line all keep with the next
    before = [e for e in body[:signatures] if e.tag == qn("w:p")][-4:]
    assert [p.text for p in doc.paragraphs][-4:] == ["punkt to", "Opplysninger til saken",
                                                      "Bakgrunn for sak 3 med fet tekst.", "16. oktober 2025"]
    assert all(p.pPr is not None and p.pPr.keepNext_val for p in before)
    # the signature row does not split over two pages, its lines keep together
    row = body[signatures].find(qn("w:tr"))
    assert row.trPr.find(qn("w:cantSplit")) is not None
    lines = [p for p in body[signatures].iter(qn("w:p")) if "_" * 32 in "".join(p.itertext())]
    assert len(lines) == 2 and all(p.pPr.keepNext_val and p.pPr.keepLines_val for p in lines)


# --------------------------------------------------------------------------- the notice


def test_notice_has_date_apologies_contact_link_and_all_attachments(session, board, planned):
    hilde = board.people["Hilde Rafaelsen"]
    hilde.email = "hilde@digitalehelgeland.example"
    meeting = load_meeting(session, planned(mode=m.MeetingMode.hybrid, minutes_taker_id=hilde.id,
                                            video_link="https://teams.example/mote/123").id)
    item = agenda.add_case(session, meeting, title="Budsjett 2026", kind=m.CaseKind.decision)
    agenda.add_attachment(session, meeting, "Økonomisk analyse", "analyse.pdf", b"%PDF-1.4 a")
    agenda.add_attachment(session, meeting, "Budsjettforslag", "budsjett.pdf", b"%PDF-1.4 b", item=item)
    agenda.send_notice(session, meeting, now=oslo(2025, 11, 6, 9))
    session.commit()
    doc = notice(session, meeting)
    assert paragraph(doc, "Møtelenke:").text == "Møtelenke: https://teams.example/mote/123"
    assert paragraph(doc, "Forfall meldes til:").text == (
        "Forfall meldes til: Hilde Rafaelsen (daglig leder), hilde@digitalehelgeland.example")
    assert paragraph(doc, "Innkalling sendt:").text == "Innkalling sendt: 6. november 2025"
    text = blocks(doc)
    start = text.index("Vedlegg:")
    assert text[start + 1:start + 3] == ["Økonomisk analyse", "Sak 03-25: Budsjettforslag"]


def test_physical_meeting_has_no_meeting_link(session, board, planned):
    meeting = planned(video_link="https://teams.example/x")
    assert not [p for p in notice(session, meeting).paragraphs if p.text.startswith("Møtelenke")]


def test_meeting_form_checks_the_link_and_saves_referent(client, auth, session, board, planned):
    meeting = planned(mode=m.MeetingMode.digital)
    auth.login("secretary")
    base = {"title": "Styremøte", "start_date": "2025-11-20", "start_time": "10:00", "end_time": "15:00",
            "mode": "digital", "minutes_taker_id": str(board.people["Hilde Rafaelsen"].id)}
    for bad in ("javascript:alert(1)", "teams møte", "https://"):
        response = auth.post(f"/meetings/{meeting.id}/edit", {**base, "video_link": bad})
        assert response.status_code == 400
        assert "Møtelenken må være en nettadresse som begynner med https://." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(m.Meeting, meeting.id).video_link == ""
    response = auth.post(f"/meetings/{meeting.id}/edit", {**base, "video_link": "https://teams.example/m/1"})
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'href="https://teams.example/m/1"' in page and "Referent</dt><dd>Hilde Rafaelsen" in page


def test_moving_a_one_day_meeting_moves_its_end(client, auth, session, board, planned):
    meeting = planned()  # 20 November 2025 10.00–15.00
    auth.login("secretary")
    form = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    end_date = re.search(r'name="end_date"[^>]*value="([^"]*)"', form).group(1)
    response = auth.post(f"/meetings/{meeting.id}/edit", {
        "title": "Styremøte", "start_date": "2025-11-27", "start_time": "10:00", "end_date": end_date,
        "end_time": "15:00", "mode": "physical"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    moved = session.get(m.Meeting, meeting.id)
    assert (moved.starts_at, moved.ends_at) == (oslo(2025, 11, 27, 10), oslo(2025, 11, 27, 15))


def test_a_meeting_cannot_be_marked_held_before_it_starts(client, auth, session, board, planned):
    from boardroom.models import utcnow

    meeting = planned(start=utcnow() + timedelta(days=3))
    agenda.send_notice(session, load_meeting(session, meeting.id))
    session.commit()
    auth.login("secretary")
    response = auth.post(f"/meetings/{meeting.id}/gjennomfort")
    assert response.status_code == 409
    assert "kan ikke markeres som gjennomført før det har begynt" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(m.Meeting, meeting.id).status == m.MeetingStatus.called


# --------------------------------------------------------------------------- buttons, dates, corrections


def test_buttons_and_correction_form_start_from_the_current_text(client, auth, session, make_meeting):
    meeting = make_meeting(cases=2)
    item = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)).first()
    auth.login("secretary")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Registrer rettelse" in page
    # a change to the locked minutes answers 409, and the page leads to the correction form
    locked = auth.post(f"/meetings/{meeting.id}/edit", {"title": "Nytt"})
    assert locked.status_code == 409
    assert f'href="/meetings/{meeting.id}/rettelser/ny"' in locked.get_data(as_text=True)
    form = client.get(f"/meetings/{meeting.id}/rettelser/ny?item={item.id}&field=decision").get_data(as_text=True)
    assert "Vedtak i sak 1.</textarea>" in form and "Registrer rettelse" in form
    form = client.get(f"/meetings/{meeting.id}/rettelser/ny?item=&field=title").get_data(as_text=True)
    assert "Styremøte</textarea>" in form


def test_decide_button_reads_registrer_vedtak_og_votering(client, auth, session, make_meeting):
    meeting = make_meeting(cases=1, status=m.MeetingStatus.called)
    auth.login("secretary")
    assert "Registrer vedtak og votering" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_decision_dates_are_written_one_way():
    class D:
        decided_on = date(2024, 10, 25)
        decided_text = "25.okt.24"
    assert decision_date(D) == "25. oktober 2024"
    D.decided_text = "Kunngjort juni 2025"
    assert decision_date(D) == "25. oktober 2024 (Kunngjort juni 2025)"


# --------------------------------------------------------------------------- figures


def test_figure_markdown_allows_only_own_images_with_alt_text():
    html = render_markdown('![Søylediagram](bilde:7) ![](bilde:8) <img src="https://evil.example/x.png" alt="x">'
                           ' ![x](javascript:alert(1)) <img alt="y" src="/figurer/7" onerror="alert(1)">'
                           '<script>alert(1)</script>')
    assert '<img alt="Søylediagram" src="/figurer/7">' in html
    assert "evil" not in html and "javascript" not in html and "onerror" not in html and "script" not in html
    assert "/figurer/8" not in html  # no alternative text, no image


def figure_case(session, board, planned, client, auth):
    meeting = load_meeting(session, planned(cases=1).id)
    item = meeting.items[2]
    auth.login("secretary")
    response = auth.post(f"/cases/{item.id}/attachments", {
        "file": (BytesIO(png(800, 400)), "kostnader.png"), "title": "Kostnader", "figure": "y", "alt_text": ""},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "Skriv en alternativ tekst" in response.get_data(as_text=True)
    response = auth.post(f"/cases/{item.id}/attachments", {
        "file": (BytesIO(png(800, 400)), "kostnader.png"), "title": "Kostnader", "figure": "y",
        "alt_text": "Søylediagram: kostnader per kommune"}, content_type="multipart/form-data")
    assert response.status_code == 302
    figure = session.exec(select(m.Attachment).where(m.Attachment.agenda_item_id == item.id)).one()
    page = client.get(f"/cases/{item.id}/attachments").get_data(as_text=True)
    assert f"![Søylediagram: kostnader per kommune](bilde:{figure.id})" in page
    return meeting, item, figure


def test_figure_is_shown_in_the_case_and_embedded_in_both_documents(client, auth, session, board, planned):
    meeting, item, figure = figure_case(session, board, planned, client, auth)
    form = client.get(f"/cases/{item.id}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    values = {"csrf_token": token, "title": item.case.title, "kind": "decision", "proposal": "Styret vedtar."}
    # a figure without alternative text, or not this case's, is refused and nothing is saved
    for text, message in ((f"![](bilde:{figure.id})", "mangler alternativ tekst"),
                          ("![Kart](bilde:999)", "er ikke et bilde som er lastet opp til denne saken")):
        response = client.post(f"/cases/{item.id}/edit", data={**values, "background": text})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    text = f"Slik fordeles kostnadene:\n\n![Søylediagram: kostnader per kommune](bilde:{figure.id})\n"
    assert client.post(f"/cases/{item.id}/edit", data={**values, "background": text}).status_code == 302

    page = client.get(f"/cases/{item.id}").get_data(as_text=True)
    assert f'<img alt="Søylediagram: kostnader per kommune" src="/figurer/{figure.id}">' in page
    image = client.get(f"/figurer/{figure.id}")
    assert image.status_code == 200 and image.mimetype == "image/png"

    agenda.send_notice(session, load_meeting(session, meeting.id))
    session.commit()
    for doc in (notice(session, meeting), protokoll(session, meeting.id)):
        pictures = doc.inline_shapes
        assert len(pictures) == 1
        width = doc.sections[-1].page_width - doc.sections[-1].left_margin - doc.sections[-1].right_margin
        assert pictures[0].width <= width  # 800 px at 72 dpi is wider than the page: scaled down
        described = [e.get("descr") for e in doc.element.body.iter(qn("wp:docPr"))]
        assert described == ["Søylediagram: kostnader per kommune"]
        assert "Kostnader" not in [p.text for p in doc.paragraphs]  # the figure is not listed as a paper


def test_a_broken_picture_is_refused(client, auth, session, board, planned):
    meeting = load_meeting(session, planned(cases=1).id)
    item = meeting.items[2]
    auth.login("secretary")
    response = auth.post(f"/cases/{item.id}/attachments", {
        "file": (BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32), "brutt.png"), "figure": "y", "alt_text": "Kart"},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "Bildet kan ikke leses" in response.get_data(as_text=True)
    assert session.exec(select(m.Attachment).where(m.Attachment.agenda_item_id == item.id)).first() is None
