"""The minutes as DOCX, read back with python-docx: content, order, Word styles, route, CLI."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.text.paragraph import Paragraph
from sqlmodel import select

import boardroom.models as m
from boardroom.documents.protokoll import build_protokoll, protokoll_filename
from boardroom.meetings.minutes import load_meeting
from tests.conftest import oslo

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

BACKGROUND = """Budsjettet er **stramt** og *nøkternt*.

- punkt en
- punkt to
    - underpunkt

1. første
2. andre

| Kommune | Beløp |
|---|--:|
| Rana | kr 100 |
| Bindal | kr 50 |
"""

HOSTILE = "<script>alert(1)</script>\n\nSe [x](javascript:alert(1)) og <b onclick=\"alert(2)\">dette</b>."


def protokoll(session, meeting_id) -> Document:
    return Document(BytesIO(build_protokoll(session, load_meeting(session, meeting_id))))


def blocks(doc) -> list[str]:
    """The body's text in reading order: a paragraph's text, a table's cells one by one."""
    out = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out += [cell.text for row in block.rows for cell in row.cells]
    return out


def paragraph(doc, text: str) -> Paragraph:
    return next(p for p in doc.paragraphs if text in p.text)


def headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 1" and p.text.startswith("Sak ")]


def add_item(session, meeting, seq, title, **kw) -> m.AgendaItem:
    case = m.Case(body_id=meeting.body_id, title=title, **{k: kw.pop(k) for k in list(kw) if k.startswith(("exempt", "public"))})
    session.add(case)
    session.flush()
    item = m.AgendaItem(
        meeting_id=meeting.id, case_id=case.id, body_id=meeting.body_id, position=seq,
        number_year=2025, number_seq=seq, status=kw.pop("status", m.ItemStatus.treated), **kw,
    )
    session.add(item)
    session.flush()
    return item


@pytest.fixture
def board_meeting(session, make_body, make_meeting):
    """A small meeting like the reference: three members, staff, votes, an exempt case,
    a deferred case, one that continues a deferred one, Markdown with lists and a table."""
    body = make_body(name="Styret i Digitale Helgeland", organisation="Digitale Helgeland", default_place="Mo i Rana")
    rana, vevelstad, bindal = (
        m.Municipality(number=n, name=name) for n, name in (("1833", "Rana"), ("1816", "Vevelstad"), ("1811", "Bindal"))
    )
    robert, renate, knut = (m.Person(name=n) for n in ("Robert Pettersen", "Renate Mathisen", "Knut Toresen"))
    hilde = m.Person(name="Hilde Rafaelsen", title="daglig leder", affiliation="DH")
    session.add_all([rana, vevelstad, bindal, robert, renate, knut, hilde])
    session.flush()
    for person, municipality, role in (
        (robert, rana, m.MembershipRole.chair), (renate, vevelstad, m.MembershipRole.member),
        (knut, bindal, m.MembershipRole.member),
    ):
        session.add(m.Membership(body_id=body.id, person_id=person.id, municipality_id=municipality.id, role=role))

    earlier = make_meeting(body=body, start=oslo(2025, 6, 12, 10))
    earlier_item = add_item(session, earlier, 30, "Arkivplan", status=m.ItemStatus.deferred)

    meeting = make_meeting(body=body, place="Bodø", chair_id=robert.id, co_signer_id=renate.id,
                           minutes_taker_id=hilde.id)
    for pos, (person, municipality, status) in enumerate((
        (robert, rana, m.AttendanceStatus.present), (renate, vevelstad, m.AttendanceStatus.present),
        (knut, bindal, m.AttendanceStatus.absent_notice), (hilde, None, m.AttendanceStatus.present),
    )):
        session.add(m.Attendance(
            meeting_id=meeting.id, person_id=person.id, position=pos, status=status,
            municipality_id=municipality.id if municipality else None,
        ))
    session.add(m.Attachment(meeting_id=meeting.id, title="Strategisk rapport eHelse", position=1))
    session.add(m.Attachment(meeting_id=meeting.id, title="Økonomisk analyse eHelse", position=0))

    add_item(session, meeting, 38, "Godkjenning av innkalling og agenda", kind=m.CaseKind.decision,
             case_handler_id=hilde.id, decision="Styret godkjente innkalling")
    budget = add_item(
        session, meeting, 39, "Budsjett 2026", kind=m.CaseKind.decision, case_handler_id=hilde.id,
        decision="Styret godkjente budsjett for 2026", discussion="Leirfjord var bekymret.",
        background=BACKGROUND, assessment="Daglig leder anbefaler budsjettet.",
    )
    event = m.VoteEvent(agenda_item_id=budget.id, subject="Forslag til vedtak")
    session.add(event)
    session.flush()
    for municipality, choice in ((rana, m.VoteChoice.for_), (vevelstad, m.VoteChoice.for_), (bindal, m.VoteChoice.against)):
        session.add(m.Vote(vote_event_id=event.id, municipality_id=municipality.id, choice=choice))
    add_item(session, meeting, 40, "Lønn til daglig leder", exempt=True, exemption_basis="Offl. § 25",
             public_title="Personalsak", kind=m.CaseKind.decision, decision="Hemmelig vedtak",
             background="Hemmelig bakgrunn")
    add_item(session, meeting, 41, "Lønnspolitikk", kind=m.CaseKind.discussion, status=m.ItemStatus.deferred,
             case_handler_id=robert.id, decision="Skal ikke vises")
    add_item(session, meeting, 42, "Arkivplan – veien videre", kind=m.CaseKind.decision,
             deferred_from_id=earlier_item.id, decision="Styret vedtok arkivplanen")
    add_item(session, meeting, 43, "Status prosjekter og vedtak", kind=m.CaseKind.information,
             agenda_note="- ConnectFlow\n- DHO", decision="Tatt til orientering", discussion=HOSTILE)
    session.commit()
    return meeting


def test_cases_and_decisions_appear_in_order(session, make_meeting):
    meeting = make_meeting(cases=4)
    doc = protokoll(session, meeting.id)

    assert headings(doc) == [f"Sak {n:02d}-25 Sak nummer {n}" for n in range(1, 5)]
    text = blocks(doc)
    positions = [text.index(f"Sak {n:02d}-25 Sak nummer {n}") for n in range(1, 5)]
    for n, at in enumerate(positions, start=1):
        assert text[at + 1] == f"Vedtak: Vedtak i sak {n}."
    # the case texts follow under their headings; Markdown bold stays bold
    assert text[positions[0]:positions[1]] == [
        "Sak 01-25 Sak nummer 1", "Vedtak: Vedtak i sak 1.", "Diskusjoner i møtet", "punkt en", "punkt to",
        "Opplysninger til saken", "Bakgrunn for sak 1 med fet tekst.",
    ]
    assert [r.text for r in paragraph(doc, "Bakgrunn for sak 1").runs if r.bold] == ["fet"]


def test_saksliste_is_a_word_table_with_one_row_per_case(session, board_meeting):
    doc = protokoll(session, board_meeting.id)
    saksliste = doc.tables[0]
    assert saksliste.style.name == "Table Grid"
    rows = [[c.text for c in row.cells] for row in saksliste.rows]
    assert rows[0] == ["Sak", "Tema", "Sakstype", "Saksbehandler"]
    assert all(r.bold for c in saksliste.rows[0].cells for r in c.paragraphs[0].runs)
    assert rows[1] == ["38-25", "Godkjenning av innkalling og agenda", "Beslutning", "Hilde Rafaelsen"]
    assert rows[2] == ["39-25", "Budsjett 2026", "Beslutning", "Hilde Rafaelsen"]
    assert rows[3] == ["40-25", "Personalsak", "Beslutning", ""]
    assert rows[4] == ["41-25", "Lønnspolitikk", "Diskusjon", "Robert Pettersen"]
    assert len(rows) == 1 + 6
    # the agenda note (the projects under a status case) is a bullet list inside the Tema cell
    tema = saksliste.cell(6, 1)
    assert [(p.text, p.style.name) for p in tema.paragraphs] == [
        ("Status prosjekter og vedtak", "Normal"), ("ConnectFlow", "List Bullet"), ("DHO", "List Bullet"),
    ]


def test_heading_lines_and_signatures(session, board_meeting):
    doc = protokoll(session, board_meeting.id)
    text = blocks(doc)
    assert text[:12] == [
        "Protokoll fra styremøte i Digitale Helgeland",
        "Styret i Digitale Helgeland",
        "Tid: 16. oktober 2025 kl. 10.00–13.00",
        "Styremedlemmer: Robert Pettersen (Rana), Renate Mathisen (Vevelstad), Knut Toresen (Bindal)",
        "Innkalt: Alle styremedlemmer, Hilde Rafaelsen (daglig leder, DH)",
        "Til stede: Robert Pettersen (Rana), Renate Mathisen (Vevelstad), Hilde Rafaelsen (DH)",
        "Forfall: Knut Toresen (Bindal)",
        "Ikke til stede: Bindal",
        "Sted: Bodø",
        "Møteleder: Robert Pettersen",
        "Referent: Hilde Rafaelsen (daglig leder)",
        "Vedlegg:",
    ]
    assert text[12:15] == ["Økonomisk analyse eHelse", "Strategisk rapport eHelse", "Saksliste"]
    assert doc.paragraphs[0].style.name == "Title"
    # place and date, then the two signature lines with the names under them, last of all
    assert text[-3:] == ["Bodø, 16. oktober 2025", "_" * 32 + "\nRobert Pettersen (møteleder)", "_" * 32 + "\nRenate Mathisen"]


def test_case_sections_votes_exemption_and_deferral(session, board_meeting):
    doc = protokoll(session, board_meeting.id)
    text = blocks(doc)
    assert headings(doc) == [
        "Sak 38-25 Godkjenning av innkalling og agenda", "Sak 39-25 Budsjett 2026", "Sak 40-25 Personalsak",
        "Sak 41-25 Lønnspolitikk", "Sak 42-25 Arkivplan – veien videre", "Sak 43-25 Status prosjekter og vedtak",
    ]
    budget = text.index("Sak 39-25 Budsjett 2026")
    assert text[budget + 1:budget + 5] == [
        "Vedtak: Styret godkjente budsjett for 2026",
        "Votering: Forslag til vedtak: Vedtatt mot 1 stemme (Bindal).",
        "Diskusjoner i møtet",
        "Leirfjord var bekymret.",
    ]
    assert text.index("Opplysninger til saken", budget) < text.index("Vurdering", budget) < text.index("Sak 40-25 Personalsak")
    assert paragraph(doc, "Vurdering").style.name == "Heading 2"

    exempt = text.index("Sak 40-25 Personalsak")
    assert text[exempt + 1] == "Unntatt offentlighet, Offl. § 25"
    assert text[exempt + 2] == "Sak 41-25 Lønnspolitikk"
    assert text[exempt + 3] == "Saken ble utsatt."
    assert text[exempt + 4:exempt + 7] == [
        "Sak 42-25 Arkivplan – veien videre",
        "Utsatt fra møtet 12. juni 2025, sak 30-25",
        "Vedtak: Styret vedtok arkivplanen",
    ]
    whole = "\n".join(text)
    for secret in ("Lønn til daglig leder", "Hemmelig", "Skal ikke vises"):
        assert secret not in whole


def test_markdown_becomes_real_word_formatting(session, board_meeting):
    doc = protokoll(session, board_meeting.id)
    p = paragraph(doc, "Budsjettet er stramt")
    assert p.text == "Budsjettet er stramt og nøkternt."
    assert [r.text for r in p.runs if r.bold] == ["stramt"]
    assert [r.text for r in p.runs if r.italic] == ["nøkternt"]
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["punkt en"] == styles["punkt to"] == "List Bullet"
    assert styles["underpunkt"] == "List Bullet 2"
    assert styles["første"] == styles["andre"] == "List Number"

    table = next(t for t in doc.tables if t.cell(0, 0).text == "Kommune")
    assert table.style.name == "Table Grid"
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Kommune", "Beløp"], ["Rana", "kr 100"], ["Bindal", "kr 50"],
    ]
    assert all(r.bold for c in table.rows[0].cells for r in c.paragraphs[0].runs)


def test_page_is_a4_with_calibri(session, board_meeting):
    doc = protokoll(session, board_meeting.id)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 25
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Calibri", 11)


def test_html_and_script_never_reach_the_document(session, board_meeting):
    data = build_protokoll(session, load_meeting(session, board_meeting.id))
    doc = Document(BytesIO(data))
    assert paragraph(doc, "Se x og").text == "Se x og dette."
    with zipfile.ZipFile(BytesIO(data)) as docx:
        xml = docx.read("word/document.xml").decode()
        rels = docx.read("word/_rels/document.xml.rels").decode()
    for bad in ("script", "alert", "javascript", "onclick"):
        assert bad not in xml
    assert "hyperlink" not in rels


def test_meeting_without_cases_gives_a_valid_document(session, make_meeting):
    meeting = make_meeting(cases=0)
    doc = protokoll(session, meeting.id)
    text = blocks(doc)
    assert text[text.index("Saksliste") + 1] == "Ingen saker."
    assert headings(doc) == []
    assert len(doc.tables) == 1  # only the signatures
    assert text[-2:] == ["_" * 32 + "\nMøteleder", "_" * 32 + "\nProtokollunderskriver"]


def test_filename_is_ascii(make_meeting):
    meeting = make_meeting()
    assert protokoll_filename(meeting) == "protokoll-styremote-2025-10-16.docx"
    meeting.title = "Årsmøte / ekstraordinært"
    assert protokoll_filename(meeting) == "protokoll-arsmote-ekstraordinaert-2025-10-16.docx"


def test_route_sends_the_docx(client, make_meeting):
    meeting = make_meeting(cases=2)
    response = client.get(f"/meetings/{meeting.id}/protokoll.docx")
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert 'filename=protokoll-styremote-2025-10-16.docx' in response.headers["Content-Disposition"]
    assert len(headings(Document(BytesIO(response.data)))) == 2


def test_route_for_unknown_meeting_is_404(client):
    response = client.get("/meetings/99999/protokoll.docx")
    assert response.status_code == 404
    assert "Møtet finnes ikke." in response.get_data(as_text=True)


def test_queries_do_not_grow_with_the_number_of_cases(client, make_meeting, query_counter):
    small, large, other = make_meeting(cases=5), make_meeting(cases=50), make_meeting(cases=1)
    client.get(f"/meetings/{other.id}/protokoll.docx")  # warm up connections (the document cache is per meeting)
    counts = []
    for meeting in (small, large):
        with query_counter() as n:
            assert client.get(f"/meetings/{meeting.id}/protokoll.docx").status_code == 200
        counts.append(n[0])
    assert counts[0] == counts[1]


def test_cli_export_writes_the_file(runner, make_meeting, tmp_path):
    meeting = make_meeting(cases=3)
    result = runner.invoke(args=["export", "protokoll", str(meeting.id), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "protokoll-styremote-2025-10-16.docx"
    assert Path(result.output.strip()) == path
    assert len(headings(Document(path))) == 3

    result = runner.invoke(args=["export", "protokoll", "99999", "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert "Fant ikke møte 99999." in result.output


def test_demo_meeting_protokoll(demo):
    meeting = demo.exec(select(m.Meeting).order_by(m.Meeting.starts_at)).first()
    doc = protokoll(demo, meeting.id)
    found = headings(doc)
    assert [h.split()[1] for h in found] == [f"{n}-25" for n in range(38, 50)]
    assert found[0] == "Sak 38-25 Godkjenning av innkalling og agenda"
    assert found[-1] == "Sak 49-25 Eventuelt"
    saksliste = doc.tables[0]
    assert len(saksliste.rows) == 1 + 12
    status = next(row for row in saksliste.rows if row.cells[0].text == "44-25")
    assert "ConnectFlow" in [p.text for p in status.cells[1].paragraphs if p.style.name == "List Bullet"]
    text = blocks(doc)
    assert text[-2:] == ["_" * 32 + "\nRobert Pettersen (møteleder)", "_" * 32 + "\nRenate Mathisen"]


def test_a_draft_without_recorded_attendance_says_so(session, board_meeting, client, auth):
    """Until the secretary records attendance, nobody is assumed to have come."""
    for attendance in board_meeting.attendances:
        attendance.status = m.AttendanceStatus.invited
        attendance.invited = True
        session.add(attendance)
    session.commit()
    text = blocks(protokoll(session, board_meeting.id))
    assert "Til stede: Oppmøte ikke registrert" in text
    assert not [line for line in text if line.startswith(("Forfall", "Ikke møtt", "Ikke til stede"))]
    auth.login("secretary")
    page = client.get(f"/meetings/{board_meeting.id}").get_data(as_text=True)
    assert "<dt>Til stede</dt><dd>Oppmøte ikke registrert</dd>" in page


def test_apologies_and_no_shows_are_named(session, board_meeting):
    knut = next(a for a in board_meeting.attendances if a.person.name == "Knut Toresen")
    hilde = next(a for a in board_meeting.attendances if a.person.name == "Hilde Rafaelsen")
    hilde.status = m.AttendanceStatus.absent  # staff absent without notice are named too
    session.add(hilde)
    session.commit()
    text = blocks(protokoll(session, board_meeting.id))
    assert f"Forfall: {knut.person.name} (Bindal)" in text
    assert "Ikke møtt: Hilde Rafaelsen (DH)" in text


def test_paragraphs_end_without_the_spaces_html_leaves_before_a_closing_tag():
    from boardroom.documents.docx_html import add_html

    doc = Document()
    add_html(doc, "<p>Styret vedtar <em>budsjettet</em> </p><p><strong>Enstemmig </strong></p><p>Ja<br></p>",
             lead="Vedtak: ")
    add_html(doc, "<p> </p>", lead="Merknad: ")  # nothing but the lead: "Merknad:" on its own
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["Vedtak: Styret vedtar budsjettet", "Enstemmig", "Ja\n", "Merknad:"]
    assert doc.paragraphs[1].runs[0].bold  # the word keeps its run and its bold


def test_cell_text_as_python_docx_writes_it():
    from boardroom.documents.docx_html import set_cell_text

    doc = Document()
    cells = doc.add_table(rows=2, cols=2).rows[0].cells + doc.add_table(rows=1, cols=2).rows[0].cells
    expected = Document()
    reference = expected.add_table(rows=2, cols=2).rows[0].cells + expected.add_table(rows=1, cols=2).rows[0].cells
    texts = ["Sak 01-26", "", "To\tkolonner\nog en linje", "Nytt"]
    reference[3].text = "Gammelt"
    cells[3].text = "Gammelt"  # a cell that already holds text is written over
    for cell, other, text in zip(cells, reference, texts):
        set_cell_text(cell, text)
        other.text = text
    assert [c.text for c in cells] == ["Sak 01-26", "", "To\tkolonner\nog en linje", "Nytt"]
    assert doc.element.body.xml == expected.element.body.xml
