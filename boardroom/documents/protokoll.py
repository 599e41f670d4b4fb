"""The minutes (protokoll) of a meeting as a DOCX document, in the reference's order.

Heading, Tid, Styremedlemmer, Innkalt, Til stede, Ikke til stede, Sted, Vedlegg, the
saksliste as a table, each case (Vedtak, Votering, Diskusjoner i møtet, Opplysninger til
saken, Vurdering), then place, date and signature lines. Built with Word's own styles
(Title, Heading 1/2, Table Grid, List Bullet/Number) on A4, so it can be sent unchanged —
or in the body's own Word template (boardroom.documents, shared with the notice).
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from docx.shared import Pt
from sqlmodel import Session

from boardroom.core.access import correction_exempt, exemption_text, public_texts
from boardroom.core.formatting import meeting_when, nb_date, nb_datetime
from boardroom.core.text import render_markdown
from boardroom.decisions.record import MinutesExtras
from boardroom.documents.docx_html import add_html
from boardroom.documents.parts import case_title as _title
from boardroom.documents.parts import document_filename, new_document
from boardroom.documents.parts import labelled as _labelled
from boardroom.documents.parts import write_agenda as _write_agenda
from boardroom.documents.parts import write_attachments as _write_attachments
from boardroom.meetings.minutes import MinutesView, item_number
from boardroom.models import AgendaItem, ItemStatus, Meeting

if TYPE_CHECKING:
    from boardroom.archive.snapshot import MinutesRecord

SIGNATURE_LINE = "_" * 32


def protokoll_filename(meeting: Meeting) -> str:
    """'protokoll-styremote-2025-10-16.docx' (ASCII only)."""
    return document_filename("protokoll", meeting)


def build_protokoll(session: Session, meeting: Meeting) -> bytes:
    """The minutes of a meeting loaded by ``boardroom.meetings.minutes.load_meeting`` as they stand now
    (a draft, or approved minutes without a stored version), as DOCX bytes.

    Runs a fixed number of queries (attendance lists, municipality names, disqualifications,
    deferrals, corrections, cost tables), however many cases the meeting has.
    """
    from boardroom.archive.snapshot import live_record

    return write_protokoll(live_record(session, meeting))


def write_protokoll(record: MinutesRecord) -> bytes:
    """The minutes of a record (live, or a stored version read back) as DOCX bytes; no queries."""
    meeting, extras = record.meeting, record.extras
    doc = new_document(meeting.body, f"Protokoll {meeting.title} {nb_date(meeting.starts_at)}", record.template)
    _write_heading(doc, meeting, record.minutes)
    _write_agenda(doc, meeting.items)
    for item in meeting.items:
        _write_case(doc, item, extras)
        _write_cost_shares(doc, item, record.cost_tables.get(item.id, []))
    _write_signatures(doc, meeting)
    _write_corrections(doc, meeting, extras)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- parts


def _write_heading(doc, meeting: Meeting, view: MinutesView) -> None:
    doc.add_paragraph(meeting.title, style="Title")
    doc.add_paragraph(meeting.body.name, style="Subtitle")
    _labelled(doc, "Tid", meeting_when(meeting))
    for name, value in (
        ("Styremedlemmer", view.members_text),
        ("Innkalt", view.invited_text),
        ("Til stede", view.present_text),
        ("Forfall", view.apologies_text),
        ("Ikke møtt", view.no_shows_text),
        ("Ikke til stede", view.absent_text),
        ("Sted", meeting.place),
    ):
        if value:
            _labelled(doc, name, value)
    _write_attachments(doc, meeting.attachments)


def _write_case(doc, item: AgendaItem, extras: MinutesExtras) -> None:
    number = item_number(item)
    doc.add_heading(f"Sak {number} {_title(item)}" if number else _title(item), level=1)
    earlier = item.deferred_from
    if earlier is not None:
        doc.add_paragraph().add_run(
            f"Utsatt fra møtet {nb_date(earlier.meeting.starts_at)}, sak {item_number(earlier)}"
        ).italic = True
    if not public_texts(item):
        doc.add_paragraph(exemption_text(item.case))
        return

    if item.status == ItemStatus.deferred:
        doc.add_paragraph(extras.deferral_text(item))
    elif item.status == ItemStatus.withdrawn:
        doc.add_paragraph("Saken ble trukket.")
    elif item.decision_html:
        add_html(doc, item.decision_html, lead="Vedtak: ")
    elif item.proposal_html:
        add_html(doc, item.proposal_html, lead="Forslag til vedtak: ")
    for line in extras.disqualified_lines(item):
        doc.add_paragraph(f"{line}.")
    for event in item.vote_events:
        if event.votes:
            result = extras.result(event, item)
            p = doc.add_paragraph()
            p.add_run("Votering: ").bold = True
            subject = f"{event.subject}: " if event.subject else ""
            p.add_run(f"{subject}{result.text}." + (f" {result.names}" if result.names else ""))

    for heading, html in (
        ("Diskusjoner i møtet", item.discussion_html),
        ("Opplysninger til saken", item.background_html),
        ("Vurdering", item.assessment_html),
    ):
        if html:
            doc.add_heading(heading, level=2)
            add_html(doc, html)
    _write_attachments(doc, item.attachments)


def _write_cost_shares(doc, item: AgendaItem, tables) -> None:
    """Under the case: each cost's shares as the reference prints them (Kommune, Antall innbyggere,
    Fordelt etter innbyggertall, Totalt pr kommune, Sum), computed so that the rows add up."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from boardroom.core.formatting import nb_number, nok
    from boardroom.costs.tables import COLUMNS, key_text, sharing_text
    from boardroom.documents.docx_html import mark_header_row, shade

    if not public_texts(item):
        return
    for table in tables:
        cost = table.cost
        p = doc.add_paragraph()
        p.add_run(f"Fordeling av kostnader: {cost.description}").bold = True
        p.add_run(f" – {nok(cost.total)} fordelt {sharing_text(cost, cost.project)} etter nøkkelen "
                  f"«{key_text(cost.cost_key)}», innbyggertall per {nb_date(cost.population_date)}.")
        if table.error:
            doc.add_paragraph(f"Andelene kan ikke regnes ut: {table.error}")
            continue
        grid = doc.add_table(rows=len(table.rows) + 2, cols=len(COLUMNS))
        grid.style = "Table Grid"
        mark_header_row(grid.rows[0])
        lines = [COLUMNS] + [
            (m.name, nb_number(s.population), nok(s.per_inhabitant), nok(s.total)) for m, s in table.rows
        ] + [("Sum", nb_number(table.population), nok(table.per_inhabitant), nok(table.printed_total))]
        for row, values in zip(grid.rows, lines):
            for column, (cell, value) in enumerate(zip(row.cells, values)):
                run = cell.paragraphs[0].add_run(value)
                run.bold = row is grid.rows[0] or values[0] == "Sum"
                if column:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the øre line up
        for cell in grid.rows[0].cells:
            shade(cell)
        doc.add_paragraph()


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


def _write_corrections(doc, meeting: Meeting, extras: MinutesExtras) -> None:
    """'Rettelser': each correction made after approval – what, when, by whom, before, after, why."""
    rows = extras.correction_rows(meeting)
    if not rows:
        return
    doc.add_heading("Rettelser", level=1)
    for subject, row in rows:
        p = doc.add_paragraph()
        p.add_run(subject).bold = True
        p.add_run(f" – rettet {nb_datetime(row.created_at)} av {row.made_by}")
        p.paragraph_format.keep_with_next = True
        if correction_exempt(row, meeting):  # the documents are public
            doc.add_paragraph("Saken er unntatt offentlighet; rettelsen vises ikke.")
            continue
        for name, text in (("Før", row.before or "–"), ("Etter", row.after)):
            add_html(doc, render_markdown(text), lead=f"{name}: ")  # the texts are Markdown, as the fields
        _labelled(doc, "Begrunnelse", row.reason)
