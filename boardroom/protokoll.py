"""The minutes (protokoll) of a meeting as a DOCX document, in the reference's order.

Heading, Tid, Styremedlemmer, Innkalt, Til stede, Ikke til stede, Sted, Vedlegg, the
saksliste as a table, each case (Vedtak, Votering, Diskusjoner i møtet, Opplysninger til
saken, Vurdering), then place, date and signature lines. Built with Word's own styles
(Title, Heading 1/2, Table Grid, List Bullet/Number) on A4, so it can be sent unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from sqlmodel import Session, select

from .docx_html import add_html, mark_header_row, shade
from .formatting import local, meeting_when, nb_date, nb_sort_key
from .labels import label
from .minutes import MinutesView, assemble, item_number
from .models import AgendaItem, ItemStatus, Meeting, Municipality, VoteChoice
from .participation import join_names

FONT = "Calibri"
LANGUAGE = "nb-NO"
MARGIN = Mm(25)
AGENDA_COLUMNS = (("Sak", Mm(16)), ("Tema", Mm(84)), ("Sakstype", Mm(25)), ("Saksbehandler", Mm(35)))
SIGNATURE_LINE = "_" * 32


def protokoll_filename(meeting: Meeting) -> str:
    """'protokoll-styremote-2025-10-16.docx' (ASCII only)."""
    return f"protokoll-{_slug(meeting.title) or 'mote'}-{local(meeting.starts_at):%Y-%m-%d}.docx"


def _slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def build_protokoll(session: Session, meeting: Meeting) -> bytes:
    """The minutes of a meeting loaded by ``boardroom.minutes.load_meeting``, as DOCX bytes.

    Runs a fixed number of queries (attendance lists, vote municipalities), however many
    cases the meeting has.
    """
    view = assemble(session, meeting)
    voters = _municipality_names(session, meeting)
    doc = _new_document(meeting)
    _write_heading(doc, meeting, view)
    _write_agenda(doc, meeting.items)
    for item in meeting.items:
        _write_case(doc, item, voters)
    _write_signatures(doc, meeting)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- document


def _new_document(meeting: Meeting):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = Mm(20)
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
        _set_font(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(11)
    _set_language(doc.styles["Normal"])
    props = doc.core_properties
    props.title = f"Protokoll {meeting.title} {nb_date(meeting.starts_at)}"
    props.author = meeting.body.name
    props.language = LANGUAGE
    _page_footer(section, props.title)
    return doc


def _set_font(style) -> None:
    """One font for every script; theme fonts (which win over named ones) removed."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{key}"), None)
    for key in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{key}"), FONT)


def _set_language(style) -> None:
    """Spell-check as Norwegian bokmål."""
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    style.element.get_or_add_rPr().append(lang)


def _page_footer(section, title: str) -> None:
    """'Protokoll Styremøte 16. oktober 2025 – side 1 av 3' at the foot of every page."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.add_run(f"{title} – side ").font.size = Pt(9)
    _field(p, "PAGE")
    p.add_run(" av ").font.size = Pt(9)
    _field(p, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:
    """A field Word fills in (PAGE, NUMPAGES), showing "1" until it does."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = paragraph.add_run("1")
    run.font.size = Pt(9)
    run._r.addprevious(field)
    field.append(run._r)


def _labelled(doc, name: str, value: str) -> None:
    """'Tid: 16. oktober 2025 kl. 10.00–15.00' with the label in bold."""
    p = doc.add_paragraph()
    p.add_run(f"{name}: ").bold = True
    p.add_run(value)


# --------------------------------------------------------------------------- parts


def _write_heading(doc, meeting: Meeting, view: MinutesView) -> None:
    doc.add_paragraph(meeting.title, style="Title")
    doc.add_paragraph(meeting.body.name, style="Subtitle")
    _labelled(doc, "Tid", meeting_when(meeting))
    for name, value in (
        ("Styremedlemmer", view.members_text),
        ("Innkalt", view.invited_text),
        ("Til stede", view.present_text),
        ("Ikke til stede", view.absent_text),
        ("Sted", meeting.place),
    ):
        if value:
            _labelled(doc, name, value)
    _write_attachments(doc, meeting.attachments)


def _write_agenda(doc, items: list[AgendaItem]) -> None:
    doc.add_heading("Saksliste", level=1)
    if not items:
        doc.add_paragraph("Ingen saker.")
        return
    table = doc.add_table(rows=len(items) + 1, cols=len(AGENDA_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    mark_header_row(table.rows[0])
    for cell, (name, _width) in zip(table.rows[0].cells, AGENDA_COLUMNS):
        cell.paragraphs[0].add_run(name).bold = True
        shade(cell)
    for row, item in zip(table.rows[1:], items):
        number, tema, kind, handler = row.cells
        number.text = item_number(item)
        tema.text = _title(item)
        if item.agenda_note_html and not item.case.exempt:
            add_html(tema, item.agenda_note_html)
        kind.text = label(item.kind)
        handler.text = item.case_handler.name if item.case_handler else ""
    for column, (_name, width) in zip(table.columns, AGENDA_COLUMNS):
        column.width = width  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = width  # each cell, which Word reads


def _write_case(doc, item: AgendaItem, voters: dict[int, str]) -> None:
    number = item_number(item)
    doc.add_heading(f"Sak {number} {_title(item)}" if number else _title(item), level=1)
    earlier = item.deferred_from
    if earlier is not None:
        doc.add_paragraph().add_run(
            f"Utsatt fra møtet {nb_date(earlier.meeting.starts_at)}, sak {item_number(earlier)}"
        ).italic = True
    if item.case.exempt:
        basis = item.case.exemption_basis
        doc.add_paragraph(f"Unntatt offentlighet, {basis}" if basis else "Unntatt offentlighet")
        return

    if item.status == ItemStatus.deferred:
        doc.add_paragraph("Saken ble utsatt.")
    elif item.status == ItemStatus.withdrawn:
        doc.add_paragraph("Saken ble trukket.")
    elif item.decision_html:
        add_html(doc, item.decision_html, lead="Vedtak: ")
    elif item.proposal_html:
        add_html(doc, item.proposal_html, lead="Forslag til vedtak: ")
    for event in item.vote_events:
        if event.votes:
            p = doc.add_paragraph()
            p.add_run("Votering: ").bold = True
            p.add_run(_vote_summary(event, voters))

    for heading, html in (
        ("Diskusjoner i møtet", item.discussion_html),
        ("Opplysninger til saken", item.background_html),
        ("Vurdering", item.assessment_html),
    ):
        if html:
            doc.add_heading(heading, level=2)
            add_html(doc, html)
    _write_attachments(doc, item.attachments)


def _write_signatures(doc, meeting: Meeting) -> None:
    """Place and date, then a line to sign on for the chair and one for the co-signer."""
    place = meeting.place or meeting.body.default_place
    day = nb_date(meeting.starts_at)
    p = doc.add_paragraph(f"{place}, {day}" if place else day)
    p.paragraph_format.space_before = Pt(24)
    p.paragraph_format.keep_with_next = True
    chair = f"{meeting.chair.name} (møteleder)" if meeting.chair else "Møteleder"
    co_signer = meeting.co_signer.name if meeting.co_signer else "Protokollunderskriver"
    table = doc.add_table(rows=1, cols=2)
    for cell, name in zip(table.rows[0].cells, (chair, co_signer)):
        line = cell.paragraphs[0]
        line.paragraph_format.space_before = Pt(36)
        line.paragraph_format.keep_with_next = True
        line.add_run(SIGNATURE_LINE)
        cell.add_paragraph(name)


# --------------------------------------------------------------------------- texts


def _title(item: AgendaItem) -> str:
    """The case title; an exempt case shows its public title."""
    if item.case.exempt:
        return item.case.public_title or "Unntatt offentlighet"
    return item.case.title


def _write_attachments(doc, attachments) -> None:
    """'Vedlegg:', then one attachment a line, close together."""
    if not attachments:
        return
    p = doc.add_paragraph()
    p.add_run("Vedlegg:").bold = True
    p.paragraph_format.space_after = Pt(0)
    for attachment in attachments:
        title = attachment.title
        if attachment.exempt:
            basis = f", {attachment.exemption_basis}" if attachment.exemption_basis else ""
            title = f"{title} (unntatt offentlighet{basis})"
        doc.add_paragraph(title).paragraph_format.space_after = Pt(0)


def _vote_summary(event, voters: dict[int, str]) -> str:
    """'16 for, 2 mot, 1 avstår. Mot: Bindal og Vega.' or 'Enstemmig, 19 for.'"""
    counts = Counter(vote.choice for vote in event.votes)
    n_for, n_against, n_abstain = (counts[c] for c in (VoteChoice.for_, VoteChoice.against, VoteChoice.abstain))
    subject = f"{event.subject}: " if event.subject else ""
    if not n_against and not n_abstain:
        return f"{subject}Enstemmig, {n_for} for."
    text = f"{subject}{n_for} for, {n_against} mot, {n_abstain} avstår."
    against = sorted((voters[v.municipality_id] for v in event.votes if v.choice == VoteChoice.against), key=nb_sort_key)
    return f"{text} Mot: {join_names(against)}." if against else text


def _municipality_names(session: Session, meeting: Meeting) -> dict[int, str]:
    """Names of the municipalities that voted in the meeting, in one query."""
    ids = {vote.municipality_id for item in meeting.items for event in item.vote_events for vote in event.votes}
    if not ids:
        return {}
    return dict(session.exec(select(Municipality.id, Municipality.name).where(Municipality.id.in_(ids))).all())
