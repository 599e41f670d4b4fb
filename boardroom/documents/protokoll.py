"""The minutes (protokoll) of a meeting as a DOCX document, in the reference's order.

"Protokoll fra styremøte i Digitale Helgeland", Tid, Styremedlemmer, Innkalt, Til stede, Ikke til stede, Sted, Møteleder, Referent,
Godkjent, Vedlegg, the saksliste as a table, each case (Vedtak, Votering, Diskusjoner i møtet, Opplysninger til
saken, Vurdering), then place, date and signature lines, kept on the page of the last case. Built with Word's own styles
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
from boardroom.documents.docx_html import add_html, heading, styled
from boardroom.documents.parts import case_title as _title
from boardroom.documents.parts import document_filename, new_document
from boardroom.documents.parts import labelled as _labelled
from boardroom.documents.parts import write_agenda as _write_agenda
from boardroom.documents.parts import write_attachments as _write_attachments
from boardroom.meetings.minutes import MinutesView, item_number
from boardroom.models import AgendaItem, DecisionMethod, ItemStatus, Meeting, MeetingStatus

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
    doc = new_document(meeting.body, f"Protokoll {meeting.title} {nb_date(meeting.starts_at)}", record.template,
                       record.logo)
    _write_heading(doc, meeting, record.minutes)
    _write_agenda(doc, meeting.items)
    for item in meeting.items:
        _write_case(doc, item, extras, record.figures, record.participation.get(item.id, []))
        _write_cost_shares(doc, item, record.cost_tables.get(item.id, []))
    _keep_end_with_signatures(doc)
    _write_signatures(doc, meeting)
    _write_corrections(doc, meeting, extras)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- parts


def protokoll_title(meeting: Meeting) -> str:
    """'Protokoll fra styremøte i Digitale Helgeland': the meeting's title in the sentence, and the
    organisation the body belongs to (the body's own name when no organisation is given)."""
    title = meeting.title.strip() or "Styremøte"
    if not title[1:2].isupper():  # "Styremøte" -> "styremøte"; an acronym ("KDU-møte") stays
        title = title[0].lower() + title[1:]
    organ = getattr(meeting.body, "organisation", "") or meeting.body.name.removeprefix("Styret i ")
    return f"Protokoll fra {title} i {organ}"


def _write_heading(doc, meeting: Meeting, view: MinutesView) -> None:
    styled(doc, protokoll_title(meeting), "Title")
    styled(doc, meeting.body.name, "Subtitle")
    _labelled(doc, "Tid", meeting_when(meeting))
    for name, value in (
        ("Styremedlemmer", view.members_text),
        ("Innkalt", view.invited_text),
        ("Til stede", view.present_text),
        ("Forfall", view.apologies_text),
        ("Ikke møtt", view.no_shows_text),
        ("Ikke til stede", view.absent_text),
        ("Sted", meeting.place),
        ("Møteleder", meeting.chair.name if meeting.chair else ""),
        ("Referent", _person(getattr(meeting, "minutes_taker", None))),
        ("Godkjent", _approval(meeting)),
    ):
        if value:
            _labelled(doc, name, value)
    _write_attachments(doc, meeting.attachments)


def _approval(meeting: Meeting) -> str:
    """'20. november 2025' once approved; a draft says it is one."""
    if meeting.approved_at:
        return nb_date(meeting.approved_at)
    return "" if meeting.status == MeetingStatus.approved else "Utkast, ikke godkjent"


def _person(person) -> str:
    """'Hilde Rafaelsen (daglig leder)'"""
    if person is None:
        return ""
    return f"{person.name} ({person.title})" if person.title else person.name


def _write_case(doc, item: AgendaItem, extras: MinutesExtras, figures: dict[int, bytes], participation=()) -> None:
    number = item_number(item)
    heading(doc, f"Sak {number} {_title(item)}" if number else _title(item), 1)
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
        add_html(doc, item.decision_html, lead="Vedtak: ", figures=figures)
    elif item.proposal_html:
        add_html(doc, item.proposal_html, lead="Forslag til vedtak: ", figures=figures)
    for line in extras.disqualified_lines(item):
        doc.add_paragraph(f"{line}.")
    if getattr(item, "decided_by", None) == DecisionMethod.unanimous:
        p = doc.add_paragraph()
        p.add_run("Votering: ").bold = True
        p.add_run("Enstemmig vedtatt.")
    for event in item.vote_events:
        if event.votes and getattr(item, "decided_by", None) in (None, DecisionMethod.counted):
            result = extras.result(event, item)
            p = doc.add_paragraph()
            p.add_run("Votering: ").bold = True
            subject = f"{event.subject}: " if event.subject else ""
            p.add_run(f"{subject}{result.text}." + (f" {result.names}" if result.names else ""))

    for line in participation:  # participation decided in the case ("Alle unntatt: Bindal (18/19)")
        p = doc.add_paragraph()
        p.add_run(f"Deltakelse i {line.project}: ").bold = True
        p.add_run(f"{line.summary}.")
        for remark in line.remarks:
            styled(doc, remark, "List Bullet")
    for title, html in (
        ("Diskusjoner i møtet", item.discussion_html),
        ("Opplysninger til saken", item.background_html),
        ("Vurdering", item.assessment_html),
    ):
        if html:
            heading(doc, title, 2)
            add_html(doc, html, figures=figures)
    _write_attachments(doc, [a for a in item.attachments if not getattr(a, "alt_text", "")])  # figures stand in the text


def _write_cost_shares(doc, item: AgendaItem, tables) -> None:
    """Under the case: each cost's shares as the reference prints them (Kommune, Antall innbyggere,
    Fordelt etter innbyggertall, Totalt pr kommune, Sum), computed so that the rows add up."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from boardroom.core.formatting import nok
    from boardroom.costs.tables import key_text, sharing_text
    from boardroom.documents.docx_html import mark_header_row, shade

    if not public_texts(item):
        return
    for table in tables:
        cost = table.cost
        p = doc.add_paragraph()
        p.add_run(f"Fordeling av kostnader: {cost.description}").bold = True
        p.add_run(f" – {nok(cost.total)} fordelt {sharing_text(cost, cost.project, table.all_municipalities)} etter nøkkelen "
                  f"«{key_text(cost.cost_key)}»"
                  + (f", innbyggertall per {nb_date(cost.population_date)}." if table.by_population else "."))
        if table.error:
            doc.add_paragraph(f"Andelene kan ikke regnes ut: {table.error}")
            continue
        columns = table.columns
        grid = doc.add_table(rows=len(table.rows) + 2, cols=len(columns))
        grid.style = "Table Grid"
        mark_header_row(grid.rows[0])
        lines = [columns] + table.lines()
        for row, values in zip(grid.rows, lines):
            for column, (cell, value) in enumerate(zip(row.cells, values)):
                run = cell.paragraphs[0].add_run(value)
                run.bold = row is grid.rows[0] or values[0] == "Sum"
                if column:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the øre line up
        for cell in grid.rows[0].cells:
            shade(cell)
        doc.add_paragraph()


KEPT_WITH_SIGNATURES = 3  # the last case's final paragraphs that go onto the signatures' page


def _keep_end_with_signatures(doc) -> None:
    """The last case's final paragraphs stay on the page of the signatures: a signature page with no
    text of the case above it is not what the board signed. Tables at the end (a cost table)
    keep their rows together and with what follows."""
    from docx.oxml.ns import qn

    kept = 0
    for element in reversed(list(doc.element.body.iterchildren())):
        if element.tag == qn("w:p"):
            element.get_or_add_pPr().keepNext_val = True
            kept += 1
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                _keep_row_together(row)
            for p in element.iter(qn("w:p")):
                p.get_or_add_pPr().keepNext_val = True
            kept += 1
        if kept >= KEPT_WITH_SIGNATURES:
            break


def _keep_row_together(tr) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.append(OxmlElement("w:cantSplit"))


def _write_signatures(doc, meeting: Meeting) -> None:
    """Place and date, then a line to sign on for the chair and each co-signer, each person once, on one
    page (every paragraph keeps with the next, the signature row does not split)."""
    place = meeting.place or meeting.body.default_place
    day = nb_date(meeting.starts_at)
    p = doc.add_paragraph(f"{place}, {day}" if place else day)
    p.paragraph_format.space_before = Pt(24)
    p.paragraph_format.keep_with_next = True
    names = [f"{meeting.chair.name} (møteleder)" if meeting.chair else "Møteleder"]
    signers = [s for s in (meeting.co_signer, getattr(meeting, "second_co_signer", None)) if s is not None]
    names += [s.name for s in signers if meeting.chair is None or s.id != meeting.chair.id] or ["Protokollunderskriver"]
    table = doc.add_table(rows=1, cols=len(names))
    _keep_row_together(table.rows[0]._tr)
    for cell, name in zip(table.rows[0].cells, names):
        line = cell.paragraphs[0]
        line.paragraph_format.space_before = Pt(36)
        line.paragraph_format.keep_with_next = True
        line.paragraph_format.keep_together = True
        line.add_run(SIGNATURE_LINE)
        cell.add_paragraph(name).paragraph_format.keep_together = True


def _write_corrections(doc, meeting: Meeting, extras: MinutesExtras) -> None:
    """'Rettelser': each correction made after approval – what, when, by whom, before, after, why."""
    rows = extras.correction_rows(meeting)
    if not rows:
        return
    heading(doc, "Rettelser", 1)
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
