"""The co-signer, marking the meeting held, approving the minutes, and recorded corrections:
the only change approved minutes accept (who, when, what, why).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from boardroom.core.formatting import nb_date, nb_datetime
from boardroom.core.inputs import Invalid
from boardroom.meetings.minutes import item_number
from boardroom.meetings.workflow import Locked, ensure_editable, move_to
from boardroom.models import AgendaItem, Attendance, AttendanceStatus, Correction, Meeting, MeetingStatus, utcnow

CO_SIGNER_CASE = "valg av person til å undertegne protokoll"


def co_signer_candidates(meeting: Meeting) -> list[Attendance]:
    """Present members (and deputies attending for one): those who represent a municipality."""
    return [a for a in meeting.attendances if a.status == AttendanceStatus.present and a.municipality_id]


def suggested_co_signer(meeting: Meeting) -> int | None:
    """The chosen co-signer; else the present person the case 'Valg av person til å undertegne
    protokoll …' names in its decision."""
    if meeting.co_signer_id:
        return meeting.co_signer_id
    decisions = [i.decision.casefold() for i in meeting.items
                 if i.case.title.casefold().startswith(CO_SIGNER_CASE) and i.decision]
    for att in co_signer_candidates(meeting):
        if any(att.person.name.casefold() in text for text in decisions):
            return att.person_id
    return None


def choose_co_signer(session: Session, meeting: Meeting, person_id: int) -> None:
    ensure_editable(meeting)
    if person_id not in {a.person_id for a in co_signer_candidates(meeting)}:
        raise Invalid({"person": "Velg et styremedlem som er til stede i møtet."})
    meeting.co_signer_id = person_id
    session.flush()


def mark_held(session: Session, meeting: Meeting, now: datetime | None = None) -> None:
    """The meeting has taken place (gjennomført); its minutes can now be approved. Raises Locked (409)
    for a meeting that has not begun yet."""
    ensure_editable(meeting)
    if meeting.status != MeetingStatus.held and meeting.starts_at > (now or utcnow()):
        start = nb_date(meeting.starts_at) if meeting.all_day else nb_datetime(meeting.starts_at)
        raise Locked(f"Møtet begynner {start} og kan ikke markeres som gjennomført før det har "
                     "begynt.")
    move_to(meeting, MeetingStatus.held)
    session.flush()


def approve_minutes(session: Session, meeting: Meeting, who: str, when: datetime | None = None) -> None:
    """Approve the minutes (who, when), lock the meeting and its cases, and store them as approved
    (version 1 of the minutes, boardroom.archive)."""
    from boardroom.archive.versions import freeze  # the archive builds on this package

    ensure_editable(meeting)
    if meeting.co_signer_id is None:
        raise Invalid({"co_signer": "Velg protokollunderskriver før protokollen godkjennes."})
    move_to(meeting, MeetingStatus.approved)
    meeting.approved_at = when or utcnow()
    meeting.approved_by = who
    session.flush()
    freeze(session, meeting, who)


ITEM_FIELDS = {
    "decision": "Vedtak", "discussion": "Diskusjoner i møtet", "background": "Opplysninger til saken",
    "assessment": "Vurdering", "proposal": "Forslag til vedtak",
}


MEETING_FIELDS = {"title": "Tittel", "place": "Sted", "purpose": "Formål"}


MEETING_FIELD_LENGTH = {"title": 200, "place": 200, "purpose": 500}


def ensure_correctable(meeting: Meeting) -> None:
    """Raise Locked unless the minutes are approved: before that, texts are changed directly."""
    if meeting.status != MeetingStatus.approved:
        raise Locked("Rettelser føres bare i godkjente protokoller. Endre teksten direkte.")


def correct(session: Session, meeting: Meeting, item: AgendaItem | None, field: str, text: str, reason: str,
            who: str) -> Correction:
    """Amend approved minutes: record who, when, what (before and after) and why, then apply the text.

    The only change approved minutes accept. ``item`` None corrects the meeting itself.
    """
    ensure_correctable(meeting)
    fields = ITEM_FIELDS if item is not None else MEETING_FIELDS
    errors = {}
    if item is not None and item.meeting_id != meeting.id:
        errors["item"] = "Saken hører ikke til dette møtet."
    if field not in fields:
        errors["field"] = ("Velg et felt i saken." if item is not None else "Velg et felt i møtet (tittel, sted, formål)"
                           " eller velg en sak.")
    text, reason = text.strip(), reason.strip()
    if not text:
        errors["text"] = "Skriv den rettede teksten."
    elif item is None and field in MEETING_FIELD_LENGTH and len(text) > MEETING_FIELD_LENGTH[field]:
        errors["text"] = f"Teksten kan være høyst {MEETING_FIELD_LENGTH[field]} tegn."
    if not reason:
        errors["reason"] = "Skriv hvorfor protokollen rettes."
    target = item if item is not None else meeting
    if not errors and (getattr(target, field) or "").strip() == text:
        errors["text"] = "Den nye teksten er lik den som står i protokollen."
    if errors:
        raise Invalid(errors)
    from boardroom.archive.versions import store_correction  # the archive builds on this package

    row = Correction(meeting_id=meeting.id, agenda_item_id=item.id if item else None, field=field,
                     before=getattr(target, field) or "", after=text, reason=reason, made_by=who)
    setattr(target, field, text)
    session.add(row)
    session.flush()
    store_correction(session, meeting, row, correction_subject(row, meeting))
    return row


def current_text(meeting: Meeting, item: AgendaItem | None, field: str) -> str:
    """The text a correction starts from: the field as it stands now (Markdown for the case texts)."""
    fields = ITEM_FIELDS if item is not None else MEETING_FIELDS
    if field not in fields:
        return ""
    return getattr(item if item is not None else meeting, field) or ""


def correction_subject_for(meeting: Meeting, item: AgendaItem | None, field: str) -> str:
    """'Sak 39-25, Vedtak' or 'Møtet, Sted', before the correction is made."""
    return correction_subject(Correction(meeting_id=meeting.id, agenda_item_id=item.id if item else None,
                                         field=field, reason="", made_by=""), meeting)


def load_corrections(session: Session, meeting: Meeting) -> list[Correction]:
    return list(session.exec(select(Correction).where(Correction.meeting_id == meeting.id)
                             .order_by(Correction.created_at, Correction.id)))


def correction_subject(row: Correction, meeting: Meeting) -> str:
    """'Sak 39-25, Vedtak' or 'Møtet, Sted'"""
    item = next((i for i in meeting.items if i.id == row.agenda_item_id), None)
    if item is None:
        return f"Møtet, {MEETING_FIELDS.get(row.field, row.field)}"
    number = item_number(item)
    return f"{'Sak ' + number if number else item.case.title}, {ITEM_FIELDS.get(row.field, row.field)}"
