"""The notice (innkalling) as DOCX, read back with python-docx; who may fetch it; and the
body's own Word template carried into both the notice and the minutes."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document
from sqlmodel import select

import boardroom.models as m
from boardroom.documents.innkalling import build_innkalling
from boardroom.meetings import agenda
from boardroom.meetings.minutes import load_meeting
from tests.agenda_helpers import board, docx_bytes, planned, uploads  # noqa: F401  (fixtures)
from tests.test_protokoll import blocks, paragraph

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

BACKGROUND = """Budsjettet er **stramt** og *nøkternt*.

- punkt en
- punkt to

1. første
2. andre
"""


@pytest.fixture
def called(session, board, planned, make_meeting):
    """A notice sent for a meeting with a real case, an exempt case and attachments; 37 cases earlier in 2025."""
    make_meeting(cases=37, body=board.body)
    meeting = load_meeting(session, planned().id)
    hilde = board.people["Hilde Rafaelsen"]
    agenda.add_case(session, meeting, title="Budsjett 2026", kind=m.CaseKind.decision, case_handler_id=hilde.id,
                    background=BACKGROUND, assessment="Vurderingen er *kort*.",
                    proposal="Styret vedtar budsjettet for **2026**.")
    agenda.add_case(session, meeting, title="Ansettelse av daglig leder", kind=m.CaseKind.decision, exempt=True,
                    exemption_basis="Offl. § 25", public_title="Personalsak", background="Hemmelig bakgrunn.")
    agenda.add_attachment(session, meeting, "Budsjettforslag 2026", "budsjett.pdf", b"%PDF-1.4 x")
    agenda.send_notice(session, meeting)
    session.commit()
    return meeting


def notice(session, meeting) -> Document:
    session.expire_all()
    return Document(BytesIO(build_innkalling(session, load_meeting(session, meeting.id))))


def test_notice_heading_time_place_mode_and_invited(session, called):
    doc = notice(session, called)
    assert (doc.paragraphs[0].text, doc.paragraphs[0].style.name) == ("Innkalling til Styremøte", "Title")
    assert doc.paragraphs[1].text == "Styret i Digitale Helgeland"
    assert paragraph(doc, "Tid:").text == "Tid: 20. november 2025 kl. 10.00–15.00"
    assert paragraph(doc, "Tid:").runs[0].bold
    assert paragraph(doc, "Sted:").text == "Sted: Mo i Rana"
    assert paragraph(doc, "Møteform:").text == "Møteform: Fysisk"
    assert paragraph(doc, "Innkalt:").text == ("Innkalt: Alle styremedlemmer, Hilde Rafaelsen (daglig leder, DH), "
                                               "Ola Observatør (KS)")
    assert "Budsjettforslag 2026" in [p.text for p in doc.paragraphs]
    assert doc.core_properties.title == "Innkalling til Styremøte 20. november 2025"


def test_notice_saksliste_is_complete_and_numbered_in_order(session, called):
    doc = notice(session, called)
    table = doc.tables[0]
    assert table.style.name == "Table Grid"
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Sak", "Tema", "Sakstype", "Saksbehandler"],
        ["38-25", "Godkjenning av innkalling og agenda", "Beslutning", ""],
        ["39-25", "Valg av person til å undertegne protokoll sammen med møteleder", "Valg", ""],
        ["40-25", "Budsjett 2026", "Beslutning", "Hilde Rafaelsen"],
        ["41-25", "Personalsak", "Beslutning", ""],
        ["42-25", "Eventuelt", "Eventuelt", ""],
    ]
    # the column widths in the grid (LibreOffice) and in every cell (Word): 16, 84, 25 and 35 mm
    assert [round(c.width.mm) for c in table.columns] == [16, 84, 25, 35]
    assert {tuple(round(c.width.mm) for c in row.cells) for row in table.rows} == {(16, 84, 25, 35)}


def test_notice_case_texts_with_word_formatting(session, called):
    doc = notice(session, called)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Saksliste", "Sak 38-25 Godkjenning av innkalling og agenda",
                        "Sak 39-25 Valg av person til å undertegne protokoll sammen med møteleder",
                        "Sak 40-25 Budsjett 2026", "Sak 41-25 Personalsak", "Sak 42-25 Eventuelt"]
    text = blocks(doc)
    start = text.index("Sak 40-25 Budsjett 2026")
    assert text[start:start + 10] == [
        "Sak 40-25 Budsjett 2026", "Opplysninger til saken", "Budsjettet er stramt og nøkternt.",
        "punkt en", "punkt to", "første", "andre", "Vurdering", "Vurderingen er kort.", "Forslag til vedtak",
    ]
    assert text[start + 10] == "Styret vedtar budsjettet for 2026."
    budget = paragraph(doc, "Budsjettet er stramt")
    assert [(r.text, bool(r.bold), bool(r.italic)) for r in budget.runs] == [
        ("Budsjettet er ", False, False), ("stramt", True, False), (" og ", False, False),
        ("nøkternt", False, True), (".", False, False)]
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["punkt en"] == "List Bullet" and styles["første"] == "List Number"
    assert styles["Opplysninger til saken"] == styles["Forslag til vedtak"] == "Heading 2"
    proposal = paragraph(doc, "Styret vedtar budsjettet")
    assert [r.text for r in proposal.runs if r.bold] == ["2026"]
    assert "Forslag til vedtak" in text[text.index("Sak 38-25 Godkjenning av innkalling og agenda"):]
    assert "Innkalling og saksliste godkjennes." in text


def test_exempt_case_shows_only_public_title_and_basis(session, called):
    text = blocks(notice(session, called))
    start = text.index("Sak 41-25 Personalsak")
    assert text[start + 1] == "Unntatt offentlighet, Offl. § 25"
    assert text[start + 2] == "Sak 42-25 Eventuelt"
    assert not any("Ansettelse" in t or "Hemmelig" in t for t in text)


def test_notice_before_numbering_has_titles_without_numbers(session, planned):
    meeting = planned(cases=1)
    doc = notice(session, meeting)
    assert [row.cells[0].text for row in doc.tables[0].rows[1:]] == ["", "", "", ""]
    assert "Ny sak 1" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def test_route_is_public_once_the_notice_is_sent(session, client, planned):
    meeting = planned(cases=1)
    url = f"/meetings/{meeting.id}/innkalling.docx"
    draft = client.get(url)
    assert draft.status_code == 302 and "/login" in draft.headers["Location"]
    agenda.send_notice(session, load_meeting(session, meeting.id))
    session.commit()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == DOCX
    assert response.headers["Content-Disposition"] == "attachment; filename=innkalling-styremote-2025-11-20.docx"
    assert Document(BytesIO(response.data)).paragraphs[0].text == "Innkalling til Styremøte"


def test_board_members_of_the_body_get_the_draft(session, auth, planned):
    meeting = planned()
    auth.login("member", email="annet@example.org")  # no seat on this body: as the public
    assert auth.client.get(f"/meetings/{meeting.id}/innkalling.docx").status_code == 403
    auth.logout()
    auth.login("member", seat=meeting.body_id)
    assert auth.client.get(f"/meetings/{meeting.id}/innkalling.docx").status_code == 200


def test_nothing_executable_reaches_the_notice(session, planned):
    meeting = load_meeting(session, planned().id)
    agenda.add_case(session, meeting, title="<script>alert(1)</script>",
                    background="<script>alert(2)</script> [x](javascript:alert(3)) <b onclick=alert(4)>fet</b>")
    session.commit()
    text = "\n".join(blocks(notice(session, meeting)))
    assert "alert(2)" not in text and "javascript:" not in text and "onclick" not in text
    assert "<script>alert(1)</script>" in text  # a title is plain text, shown as typed


# --------------------------------------------------------------------------- the body's Word template


@pytest.fixture
def template_docx() -> bytes:
    return docx_bytes("Malens eksempeltekst som skal bort.", header="Digitale Helgeland – styret",
                      style="DH Brødtekst")


def test_uploaded_template_gives_notice_and_minutes_its_header_and_styles(session, auth, called, template_docx):
    auth.login("secretary")
    body_id = called.body_id
    response = auth.post(f"/bodies/{body_id}/word-template",
                         data={"file": (BytesIO(template_docx), "dh-mal.docx")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Word-malen er lastet opp" in auth.client.get(response.headers["Location"]).get_data(as_text=True)
    for url in (f"/meetings/{called.id}/innkalling.docx", f"/meetings/{called.id}/protokoll.docx"):
        doc = Document(BytesIO(auth.client.get(url).data))
        assert doc.sections[0].header.paragraphs[0].text == "Digitale Helgeland – styret", url
        assert "DH Brødtekst" in [s.name for s in doc.styles], url
        assert "Malens eksempeltekst som skal bort." not in [p.text for p in doc.paragraphs], url
        assert doc.tables[0].rows[3].cells[1].text == "Budsjett 2026", url
    # the template's own page set-up is kept (python-docx's default is Letter, not our A4)
    assert abs(doc.sections[0].page_width.mm - 215.9) < 0.1


def test_plain_documents_without_a_template(session, called):
    doc = notice(session, called)
    assert round(doc.sections[0].page_width.mm) == 210
    assert "side" in doc.sections[0].footer.paragraphs[0].text
    assert doc.styles["Normal"].font.name == "Calibri"


def test_template_without_list_styles_or_numbering_still_gets_real_lists(session, called, template_docx):
    """A Word file carries only the styles it uses; the builders' styles are copied in."""
    doc = Document(BytesIO(template_docx))
    styles = doc.styles.element
    for style in list(styles):
        name = style.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name")
        if name is not None and name.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val").startswith(("List", "Table Grid")):
            styles.remove(style)
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/numbering"):
            doc.part.drop_rel(rel_id)
    out = BytesIO()
    doc.save(out)
    from boardroom.documents.parts import set_word_template

    body = session.get(m.Body, called.body_id)
    set_word_template(session, body, "uten-lister.docx", out.getvalue())
    session.commit()
    result = notice(session, called)
    styles = {p.text: p.style.name for p in result.paragraphs}
    assert styles["punkt en"] == "List Bullet" and styles["første"] == "List Number"
    assert result.tables[0].style.name == "Table Grid"
    numbering = result.part.numbering_part.element
    bullet = result.styles["List Bullet"].element.pPr.numPr.numId.val
    assert numbering.num_having_numId(bullet) is not None


@pytest.mark.parametrize("data, filename, message", [
    (b"%PDF-1.4", "mal.pdf", "Filen må være av typen .docx."),
    (b"PK\x03\x04 broken", "mal.docx", "ikke en gyldig DOCX-fil"),
    (None, None, "Velg en .docx-fil å laste opp."),
])
def test_bad_template_uploads_are_refused(session, auth, board, data, filename, message):
    auth.login("secretary")
    form = {"file": (BytesIO(data), filename)} if data is not None else {}
    response = auth.post(f"/bodies/{board.body.id}/word-template", data=form, content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(m.Body, board.body.id).word_template_id is None


def test_template_form_access_and_removal(session, auth, client, board, template_docx):
    url = f"/bodies/{board.body.id}/word-template"
    form = lambda: {"file": (BytesIO(template_docx), "mal.docx")}  # noqa: E731
    assert auth.post(url, data=form(), content_type="multipart/form-data").status_code == 302  # anonymous: login
    auth.login("member")
    assert auth.post(url, data=form(), content_type="multipart/form-data").status_code == 403
    assert client.post(url, data=form(), content_type="multipart/form-data").status_code == 400  # no CSRF token
    auth.client.post("/logout", data={"csrf_token": auth.token()})
    auth._token = None
    auth.login("secretary", email="sekretar@example.org")
    assert auth.post(url, data=form(), content_type="multipart/form-data").status_code == 302
    session.expire_all()
    assert session.get(m.Body, board.body.id).word_template_id is not None
    assert auth.post(f"{url}/remove").status_code == 302
    session.expire_all()
    assert session.get(m.Body, board.body.id).word_template_id is None
    assert session.exec(select(m.StoredFile)).one()  # the stored file stays
    assert auth.post("/bodies/999/word-template/remove").status_code == 404


def test_meeting_page_links_the_notice_for_visitors_once_it_is_sent(session, client, planned):
    meeting = planned()
    link = f'href="/meetings/{meeting.id}/innkalling.docx"'
    assert link not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    agenda.send_notice(session, load_meeting(session, meeting.id))
    session.commit()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert link in page and "Last ned innkalling (Word)" in page
