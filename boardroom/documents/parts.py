"""What the notice (innkalling) and the minutes (protokoll) share: the document itself and its common parts.

``new_document(body, title, template)`` opens the body's own Word template when it has one — its
styles, page set-up, header, footer and logo are kept, its body text is cleared — and
otherwise makes a plain A4 document in Calibri with a page-numbered footer. Styles the
builders use but a template lacks (a Word file carries only the styles it uses) are
copied in from python-docx's default template, list numbering included.
"""

from __future__ import annotations

import re
import unicodedata
from copy import deepcopy
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.shared import Mm, Pt
from flask import current_app
from sqlalchemy.orm import object_session
from sqlmodel import select

from boardroom.core import files
from boardroom.core.access import attachment_text, public_handler, public_texts, public_title
from boardroom.core.formatting import local
from boardroom.core.labels import label
from boardroom.documents.docx_html import add_html, heading, mark_header_row, set_cell_text, shade
from boardroom.meetings.minutes import item_number
from boardroom.models import AgendaItem, Body, Meeting, Organisation, StoredFile

FONT = "Calibri"
LANGUAGE = "nb-NO"
MARGIN = Mm(25)
LOGO_HEIGHT = Mm(12)
AGENDA_COLUMNS = (("Sak", Mm(16)), ("Tema", Mm(84)), ("Sakstype", Mm(25)), ("Saksbehandler", Mm(35)))
# the styles the document builders and boardroom.docx_html use
USED_STYLES = (
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Table Grid", "Quote",
    "List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3",
    "List Continue", "List Continue 2", "List Continue 3",
)


def new_document(body: Body, title: str, template: bytes | None, logo: bytes | None = None):
    """A document to write the notice or minutes into: in ``template`` (a Word template's bytes,
    see ``template_bytes``), or plain A4.

    ``title`` goes into the document's properties and, when the template has no footer of
    its own, into the page footer with the page number. ``logo`` (the organisation's, see
    ``logo_bytes``) goes into the page header when the template has no header of its own.
    """
    doc = _from_template(template) if template else _plain_document()
    props = doc.core_properties
    props.title = title
    props.author = body.name
    props.language = LANGUAGE
    section = doc.sections[-1]
    if section.footer.is_linked_to_previous:  # no footer of the template's own
        page_footer(section, title)
    if logo and section.header.is_linked_to_previous:
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].add_run().add_picture(BytesIO(logo), height=LOGO_HEIGHT)
    return doc


def logo_bytes(body: Body) -> bytes | None:
    """The logo of the body's organisation (Organisation.logo_id), if it has one and the file is there."""
    session = object_session(body)
    organisation = session.get(Organisation, body.organisation_id) if session is not None else None
    return stored_template(session, organisation.logo_id) if organisation is not None else None


def set_logo(session, organisation: Organisation, filename: str, data: bytes) -> StoredFile:
    """Make an uploaded PNG or JPEG the organisation's logo; raises files.FileRejected when it is not one."""
    files.check_figure(filename, data)
    stored = files.store(session, filename, data)
    organisation.logo_id = stored.id
    session.add(organisation)
    session.flush()
    return stored


def template_bytes(body: Body) -> bytes | None:
    """The body's uploaded template (Body.word_template_id), if it has one and its content is stored."""
    return stored_template(object_session(body), body.word_template_id)


def stored_template(session, file_id: int | None) -> bytes | None:
    """The Word template stored as ``file_id`` (files are stored once and never change)."""
    stored = session.get(StoredFile, file_id) if file_id else None
    if stored is None:
        return None
    try:
        return files.read(session, stored)
    except files.FileMissing:
        current_app.logger.warning("Word template %s has no content in the database", stored.sha256)
        return None


def _plain_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = Mm(20)
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
        set_font(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(11)
    set_language(doc.styles["Normal"])
    return doc


def _from_template(data: bytes):
    """The template with its body text removed (the last section's settings stay)."""
    doc = Document(BytesIO(data))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _add_missing_styles(doc)
    return doc


def _add_missing_styles(doc) -> None:
    """Copy the styles the builders use from python-docx's default template when the document lacks them."""
    default = Document()
    wanted = [default.styles[name].element for name in USED_STYLES if name not in doc.styles]
    have = {s.style_id for s in doc.styles}
    default_ids = {s.style_id: s.element for s in default.styles}
    while wanted:
        element = wanted.pop(0)
        style_id = element.get(qn("w:styleId"))
        if style_id in have:
            continue
        copy = deepcopy(element)
        _copy_numbering(doc, default, copy)
        doc.styles.element.append(copy)
        have.add(style_id)
        # the styles it is based on or linked to come along
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = copy.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in have and ref.get(qn("w:val")) in default_ids:
                wanted.append(default_ids[ref.get(qn("w:val"))])


def _copy_numbering(doc, default, style_element) -> None:
    """Give a copied list style its own copy of the default template's list definition."""
    num_id = style_element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None:
        return
    source = default.part.numbering_part.element
    num = source.num_having_numId(int(num_id.get(qn("w:val"))))
    abstract_id = num.abstractNumId.val
    abstract = next(a for a in source.findall(qn("w:abstractNum")) if int(a.get(qn("w:abstractNumId"))) == abstract_id)
    target = _numbering_part(doc).element
    new_abstract_id = max((int(a.get(qn("w:abstractNumId"))) for a in target.findall(qn("w:abstractNum"))),
                          default=-1) + 1
    abstract = deepcopy(abstract)
    abstract.set(qn("w:abstractNumId"), str(new_abstract_id))
    nums = target.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(abstract)  # every abstractNum comes before the first num
    else:
        target.append(abstract)
    new_num = target.add_num(new_abstract_id)
    num_id.set(qn("w:val"), str(new_num.numId))


def _numbering_part(doc) -> NumberingPart:
    """The document's numbering part, made empty when the template has none."""
    try:
        return doc.part.part_related_by(RT.NUMBERING)
    except KeyError:
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING,
                             parse_xml(f"<w:numbering {nsdecls('w')}/>"), doc.part.package)
        doc.part.relate_to(part, RT.NUMBERING)
        return part


def set_font(style) -> None:
    """One font for every script; theme fonts (which win over named ones) removed."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{key}"), None)
    for key in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{key}"), FONT)


def set_language(style) -> None:
    """Spell-check as Norwegian bokmål."""
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    style.element.get_or_add_rPr().append(lang)


def page_footer(section, title: str) -> None:
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


# --------------------------------------------------------------------------- shared parts


def labelled(doc, name: str, value: str) -> None:
    """'Tid: 16. oktober 2025 kl. 10.00–15.00' with the label in bold."""
    p = doc.add_paragraph()
    p.add_run(f"{name}: ").bold = True
    p.add_run(value)


def case_title(item: AgendaItem) -> str:
    """The case title; an exempt case shows its public title (the documents are public)."""
    return public_title(item.case)


def case_heading(item: AgendaItem) -> str:
    """'Sak 38-25 Godkjenning av innkalling og agenda' (the title alone before numbering)."""
    number = item_number(item)
    return f"Sak {number} {case_title(item)}" if number else case_title(item)


def write_agenda(doc, items: list[AgendaItem]) -> None:
    """The saksliste as a table: Sak, Tema, Sakstype, Saksbehandler."""
    heading(doc, "Saksliste", 1)
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
        set_cell_text(number, item_number(item))
        set_cell_text(tema, case_title(item))
        if item.agenda_note_html and public_texts(item):
            add_html(tema, item.agenda_note_html)
        set_cell_text(kind, label(item.kind))
        set_cell_text(handler, public_handler(item))  # the documents are public
    for column, (_name, width) in zip(table.columns, AGENDA_COLUMNS):
        column.width = width  # the grid, which LibreOffice reads
    for row in table.rows:  # row by row: a column's cells rescan the whole table each time
        for cell, (_name, width) in zip(row.cells, AGENDA_COLUMNS):
            cell.width = width  # each cell, which Word reads


def write_attachments(doc, attachments) -> None:
    """'Vedlegg:', then one attachment a line, close together."""
    if not attachments:
        return
    p = doc.add_paragraph()
    p.add_run("Vedlegg:").bold = True
    p.paragraph_format.space_after = Pt(0)
    for attachment in attachments:
        # the documents are public: an exempt file's title is withheld, as on the pages
        doc.add_paragraph(attachment_text(attachment)).paragraph_format.space_after = Pt(0)


def figure_files(session, meeting) -> dict[int, bytes]:
    """The figures the meeting's case texts may show (attachment id -> PNG/JPEG bytes): its cases'
    attachments that have alternative text, not exempt (the documents are public). Works on a
    meeting and on a stored version read back (two queries)."""
    wanted = {a.id: a.file_id for item in meeting.items for a in item.attachments
              if getattr(a, "alt_text", "") and a.file_id and not a.exempt and not item.case.exempt}
    if not wanted:
        return {}
    stored = {f.id: f for f in session.exec(select(StoredFile).where(StoredFile.id.in_(set(wanted.values())),
                                                                     StoredFile.media_type.in_(files.IMAGE_TYPES)))}
    content = files.read_many(session, list(stored.values()))
    figures = {}
    for attachment_id, file_id in wanted.items():
        if file_id in content:
            figures[attachment_id] = content[file_id]
        elif file_id in stored:
            current_app.logger.warning("Figure %s has no content in the database", stored[file_id].sha256)
    return figures


def document_filename(kind: str, meeting: Meeting) -> str:
    """'protokoll-styremote-2025-10-16.docx' (ASCII only)."""
    return f"{kind}-{slug(meeting.title) or 'mote'}-{local(meeting.starts_at):%Y-%m-%d}.docx"


def slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# --------------------------------------------------------------------------- the body's template


def set_word_template(session, body: Body, filename: str, data: bytes) -> StoredFile:
    """Make an uploaded .docx the body's Word template; raises files.FileRejected when it is not usable."""
    files.check(filename, data, allowed=(".docx",))  # type, size and signature before opening it
    try:
        Document(BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise files.FileRejected("Filen kan ikke åpnes som et Word-dokument.") from exc
    stored = files.store(session, filename, data, allowed=(".docx",))
    body.word_template_id = stored.id
    session.add(body)
    session.flush()
    return stored


def remove_word_template(session, body: Body) -> None:
    """Back to the plain A4 set-up (the stored file stays)."""
    body.word_template_id = None
    session.add(body)
    session.flush()
