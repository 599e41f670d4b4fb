"""The minutes (protokoll) of a meeting as a DOCX document, in the reference's order.

Heading, Tid, Styremedlemmer, Innkalt, Til stede, Ikke til stede, Sted, Vedlegg, the
saksliste as a table, each case (Vedtak, Votering, Diskusjoner i møtet, Opplysninger til
saken, Vurdering), then place, date and signature lines. Built with Word's own styles
(Title, Heading 1/2, Table Grid, List Bullet/Number) on A4, so it can be sent unchanged —
or in the body's own Word template (boardroom.documents, shared with the notice).
"""

from __future__ import annotations

from collections import Counter
from io import BytesIO

from docx.shared import Pt
from sqlmodel import Session, select

from .docx_html import add_html
from .documents import case_title as _title, document_filename, labelled as _labelled, new_document
from .documents import write_agenda as _write_agenda, write_attachments as _write_attachments
from .formatting import meeting_when, nb_date, nb_sort_key
from .minutes import MinutesView, assemble, item_number
from .models import AgendaItem, ItemStatus, Meeting, Municipality, VoteChoice
from .participation import join_names

SIGNATURE_LINE = "_" * 32


def protokoll_filename(meeting: Meeting) -> str:
    """'protokoll-styremote-2025-10-16.docx' (ASCII only)."""
    return document_filename("protokoll", meeting)


def build_protokoll(session: Session, meeting: Meeting) -> bytes:
    """The minutes of a meeting loaded by ``boardroom.minutes.load_meeting``, as DOCX bytes.

    Runs a fixed number of queries (attendance lists, vote municipalities), however many
    cases the meeting has.
    """
    view = assemble(session, meeting)
    voters = _municipality_names(session, meeting)
    doc = new_document(meeting.body, f"Protokoll {meeting.title} {nb_date(meeting.starts_at)}")
    _write_heading(doc, meeting, view)
    _write_agenda(doc, meeting.items)
    cost_tables = _cost_tables(session, meeting)
    for item in meeting.items:
        _write_case(doc, item, voters)
        _write_cost_shares(doc, item, cost_tables.get(item.id, []))
    _write_signatures(doc, meeting)
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
        ("Ikke til stede", view.absent_text),
        ("Sted", meeting.place),
    ):
        if value:
            _labelled(doc, name, value)
    _write_attachments(doc, meeting.attachments)


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


def _cost_tables(session: Session, meeting: Meeting) -> dict:
    """The cost-share tables of the meeting's cases, as decided on the meeting's day (boardroom.cost_shares)."""
    from .cost_shares import tables_for_items

    return tables_for_items(session, [item.id for item in meeting.items])


def _write_cost_shares(doc, item: AgendaItem, tables) -> None:
    """Under the case: each cost's shares as the reference prints them (Kommune, Antall innbyggere,
    Fordelt etter innbyggertall, Totalt pr kommune, Sum), computed so that the rows add up."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .cost_shares import COLUMNS, key_text, sharing_text
    from .docx_html import mark_header_row, shade
    from .formatting import nb_number, nok

    if item.case.exempt:
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
        ] + [("Sum", nb_number(table.population), nok(table.per_inhabitant), nok(table.total))]
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


# --------------------------------------------------------------------------- texts


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
