"""The notice (innkalling) of a meeting as a DOCX document.

"Innkalling til Styremøte", Tid, Sted, Møteform, Innkalt, Vedlegg, the saksliste as a
table, then each case: "Sak NN-YY Tittel" with Opplysninger til saken, Vurdering and
Forslag til vedtak as real Word formatting. An exempt case shows only its public title and
legal basis, as in the minutes. Same set-up as the minutes (boardroom.documents).
"""

from __future__ import annotations

from io import BytesIO

from sqlmodel import Session

from boardroom.core.access import exemption_text, public_texts
from boardroom.core.formatting import meeting_when, nb_date
from boardroom.core.labels import label
from boardroom.documents.docx_html import add_html
from boardroom.documents.parts import (
    case_heading,
    document_filename,
    labelled,
    new_document,
    template_bytes,
    write_agenda,
    write_attachments,
)
from boardroom.meetings.minutes import assemble
from boardroom.models import AgendaItem, Meeting

CASE_TEXTS = (
    ("Opplysninger til saken", "background_html"),
    ("Vurdering", "assessment_html"),
    ("Forslag til vedtak", "proposal_html"),
)


def innkalling_filename(meeting: Meeting) -> str:
    """'innkalling-styremote-2025-10-16.docx' (ASCII only)."""
    return document_filename("innkalling", meeting)


def build_innkalling(session: Session, meeting: Meeting) -> bytes:
    """The notice of a meeting loaded by ``boardroom.meetings.minutes.load_meeting``, as DOCX bytes."""
    title = f"Innkalling til {meeting.title}"
    doc = new_document(meeting.body, f"{title} {nb_date(meeting.starts_at)}", template_bytes(meeting.body))
    doc.add_paragraph(title, style="Title")
    doc.add_paragraph(meeting.body.name, style="Subtitle")
    labelled(doc, "Tid", meeting_when(meeting))
    labelled(doc, "Sted", meeting.place or "Ikke fastsatt")
    labelled(doc, "Møteform", label(meeting.mode))
    invited = assemble(session, meeting).invited_text
    if invited:
        labelled(doc, "Innkalt", invited)
    write_attachments(doc, meeting.attachments)
    write_agenda(doc, meeting.items)
    for item in meeting.items:
        _write_case(doc, item)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _write_case(doc, item: AgendaItem) -> None:
    doc.add_heading(case_heading(item), level=1)
    if not public_texts(item):
        doc.add_paragraph(exemption_text(item.case))
        return
    for heading, field in CASE_TEXTS:
        html = getattr(item, field)
        if html:
            doc.add_heading(heading, level=2)
            add_html(doc, html)
    write_attachments(doc, item.attachments)
