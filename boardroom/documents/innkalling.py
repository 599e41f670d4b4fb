"""The notice (innkalling) of a meeting as a DOCX document.

"Innkalling til Styremøte", Tid, Sted, Møteform, Møtelenke (digital and hybrid meetings),
Innkalt, Forfall meldes til, Innkalling sendt, Vedlegg (the meeting's and every case's), the
saksliste as a table, then each case: "Sak NN-YY Tittel" with Opplysninger til saken, Vurdering and
Forslag til vedtak as real Word formatting. An exempt case shows only its public title and
legal basis, as in the minutes. Same set-up as the minutes (boardroom.documents).
"""

from __future__ import annotations

from io import BytesIO

from sqlmodel import Session

from boardroom.core.access import exemption_text, public_texts
from boardroom.core.formatting import meeting_when, nb_date
from boardroom.core.labels import label
from boardroom.core.vocabularies import case_kind_means
from boardroom.decisions.votes import majority_text
from boardroom.documents.docx_html import add_html, heading, styled
from boardroom.documents.parts import (
    case_heading,
    document_filename,
    figure_files,
    labelled,
    logo_bytes,
    new_document,
    template_bytes,
    write_agenda,
    write_attachments,
)
from boardroom.meetings.minutes import assemble, item_number
from boardroom.models import AgendaItem, CaseKind, Meeting, MeetingMode

DECIDED_KINDS = (CaseKind.decision, CaseKind.election)  # the notice says what majority their decision needs

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
    doc = new_document(meeting.body, f"{title} {nb_date(meeting.starts_at)}", template_bytes(meeting.body),
                       logo_bytes(meeting.body))
    styled(doc, title, "Title")
    styled(doc, meeting.body.name, "Subtitle")
    labelled(doc, "Tid", meeting_when(meeting))
    labelled(doc, "Sted", meeting.place or "Ikke fastsatt")
    labelled(doc, "Møteform", label(meeting.mode))
    if meeting.mode != MeetingMode.physical:
        labelled(doc, "Møtelenke", meeting.video_link or "Sendes ut før møtet")
    invited = assemble(session, meeting).invited_text
    if invited:
        labelled(doc, "Innkalt", invited)
    contact = apologies_contact(meeting)
    if contact:
        labelled(doc, "Forfall meldes til", contact)
    if meeting.called_at:
        labelled(doc, "Innkalling sendt", nb_date(meeting.called_at))
    write_attachments(doc, notice_attachments(meeting))
    write_agenda(doc, meeting.items)
    figures = figure_files(session, meeting)
    for item in meeting.items:
        _write_case(doc, item, figures)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def apologies_contact(meeting: Meeting) -> str:
    """'Hilde Rafaelsen (daglig leder), hilde@example.org': the referent, who keeps the attendance."""
    person = meeting.minutes_taker
    if person is None:
        return ""
    name = f"{person.name} ({person.title})" if person.title else person.name
    return f"{name}, {person.email}" if person.email else name


class _Listed:
    """An attachment as the notice lists it: a case's file is named with its case number."""

    def __init__(self, attachment, prefix: str):
        self.exempt, self.exemption_basis = attachment.exempt, attachment.exemption_basis
        self.title = f"{prefix}{attachment.title}"


def notice_attachments(meeting: Meeting) -> list:
    """Every paper the notice comes with: the meeting's own, then each case's ("Sak 40-25: Budsjett 2026").
    Figures shown in the case texts are not listed, nor the files of an exempt case (as in its text)."""
    listed = list(meeting.attachments)
    for item in meeting.items:
        if item.case.exempt:
            continue
        number = item_number(item)
        prefix = f"Sak {number}: " if number else f"{item.case.title}: "
        listed += [_Listed(a, prefix) for a in item.attachments if not a.alt_text]
    return listed


def _write_case(doc, item: AgendaItem, figures: dict[int, bytes]) -> None:
    heading(doc, case_heading(item), 1)
    if not public_texts(item):
        doc.add_paragraph(exemption_text(item.case))
        return
    for title, field in CASE_TEXTS:
        html = getattr(item, field)
        if html:
            heading(doc, title, 2)
            add_html(doc, html, figures=figures)
    if case_kind_means(item) in DECIDED_KINDS:
        labelled(doc, "Flertallskrav", majority_text(item))
    write_attachments(doc, [a for a in item.attachments if not a.alt_text])
