"""The co-signer, marking the meeting held, approving the minutes, and recorded corrections:
the only change approved minutes accept (who, when, what, why).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from boardroom.core.formatting import local, nb_date, nb_datetime
from boardroom.core.inputs import Invalid
from boardroom.core.vocabularies import case_kind_means
from boardroom.meetings.minutes import board_members, item_number
from boardroom.meetings.workflow import Locked, ensure_editable, move_to
from boardroom.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CaseKind,
    Correction,
    ItemStatus,
    Meeting,
    MeetingStatus,
    utcnow,
)

CO_SIGNER_CASE = "valg av person til å undertegne protokoll"


def co_signer_candidates(session: Session, meeting: Meeting) -> list[Attendance]:
    """Who may co-sign: board members present (or deputies attending for one), never the chair,
    who signs anyway. A seat need not represent a municipality."""
    board = {s.person_id for s in board_members(session, meeting.body_id, local(meeting.starts_at).date())}
    return [a for a in meeting.attendances if a.status == AttendanceStatus.present and a.person_id != meeting.chair_id
            and (a.person_id in board or a.substitute_for_id or a.municipality_id)]


def co_signer_ids(meeting: Meeting) -> list[int]:
    """The chosen co-signers, in order."""
    return [i for i in (meeting.co_signer_id, meeting.second_co_signer_id) if i]


def suggested_co_signers(session: Session, meeting: Meeting) -> list[int]:
    """The chosen co-signers; else the present members the case 'Valg av person til å undertegne
    protokoll …' names in its decision, in the order the decision names them (never the chair)."""
    if co_signer_ids(meeting):
        return co_signer_ids(meeting)
    decisions = [i.decision.casefold() for i in meeting.items
                 if i.case.title.casefold().startswith(CO_SIGNER_CASE) and i.decision]
    named = []
    for att in co_signer_candidates(session, meeting):
        places = [text.find(att.person.name.casefold()) for text in decisions]
        found = [p for p in places if p >= 0]
        if found:
            named.append((min(found), att.person_id))
    return [person_id for _, person_id in sorted(named)][: meeting.body.co_signers]


def suggested_co_signer(session: Session, meeting: Meeting) -> int | None:
    found = suggested_co_signers(session, meeting)
    return found[0] if found else None


def choose_co_signers(session: Session, meeting: Meeting, person_ids: list[int]) -> None:
    """Choose the body's number of co-signers (one or two), each once, among members present."""
    ensure_editable(meeting)
    needed = meeting.body.co_signers
    ids = [i for i in person_ids if i]
    allowed = {a.person_id for a in co_signer_candidates(session, meeting)}
    if meeting.chair_id in ids:
        raise Invalid({"person": "Møtelederen undertegner protokollen uansett og kan ikke også være "
                                 "protokollunderskriver."})
    if len(ids) != needed:
        raise Invalid({"person": "Velg ett styremedlem som er til stede i møtet." if needed == 1 else
                                 "Velg to styremedlemmer som er til stede i møtet."})
    if len(set(ids)) != len(ids):
        raise Invalid({"person": "Velg to forskjellige personer."})
    if not set(ids) <= allowed:
        raise Invalid({"person": "Velg et styremedlem som er til stede i møtet."})
    meeting.co_signer_id, meeting.second_co_signer_id = ids[0], ids[1] if needed == 2 else None
    session.flush()


def choose_co_signer(session: Session, meeting: Meeting, person_id: int) -> None:
    choose_co_signers(session, meeting, [person_id])


DECIDED_KINDS = (CaseKind.decision, CaseKind.election)  # or a kind of the organisation's that means one


def undecided(meeting: Meeting) -> list[AgendaItem]:
    """Decision cases treated in the meeting whose way of deciding nobody has recorded yet."""
    return [i for i in meeting.items if case_kind_means(i) in DECIDED_KINDS and i.decided_by is None
            and i.status not in (ItemStatus.deferred, ItemStatus.withdrawn)]


def case_label(item: AgendaItem) -> str:
    number = item_number(item)
    return f"sak {number}" if number else f"«{item.case.title}»"


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
    if len(co_signer_ids(meeting)) < meeting.body.co_signers:
        raise Invalid({"co_signer": "Velg protokollunderskriver før protokollen godkjennes."
                       if meeting.body.co_signers == 1 else "Velg begge protokollunderskriverne før protokollen godkjennes."})
    if meeting.status != MeetingStatus.held:
        move_to(meeting, MeetingStatus.approved)  # only held minutes are approved: this raises Locked
    waiting = undecided(meeting)
    if waiting:
        raise Invalid({"decided_by": "Registrer hvordan sakene ble avgjort (votering, enstemmig eller ingen votering) "
                                     "før protokollen godkjennes: " + ", ".join(case_label(i) for i in waiting) + "."})
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
