"""The JSON of meetings: a meeting in the list, its saksliste item by item with texts as the
viewer may read them, its attachments and attendance. Exempt cases show only their number,
public title and legal basis; times are ISO 8601 with the Europe/Oslo offset."""

from __future__ import annotations

from boardroom.calendar.ical import meeting_url
from boardroom.core.access import EXEMPT_TITLE, can_see_attachment, can_see_case, can_see_minutes, shown_title
from boardroom.core.formatting import local, meeting_when
from boardroom.core.labels import label
from boardroom.core.vocabularies import key
from boardroom.meetings.lookup import case_title
from boardroom.meetings.minutes import item_number
from boardroom.models import AgendaItem, Attachment, Attendance, Meeting

TEXT_FIELDS = ("proposal", "decision", "discussion", "background")
MINUTES_FIELDS = ("decision", "discussion")  # published with the approved minutes


def meeting_summary(meeting: Meeting, site: str, cases: int | None = None) -> dict:
    """``cases``: the number of its cases, when counted without loading them (else its items are counted)."""
    url = meeting_url(meeting, site)
    return {
        "id": meeting.id,
        "body": {"id": meeting.body.id, "name": meeting.body.name, "short_name": meeting.body.short_name},
        "title": meeting.title,
        "start": local(meeting.starts_at).isoformat(),
        "end": local(meeting.ends_at).isoformat(),
        "all_day": meeting.all_day,
        "when": meeting_when(meeting),
        "place": meeting.place,
        "mode": meeting.mode.value,
        "mode_label": label(meeting.mode),
        "status": meeting.status.value,
        "status_label": label(meeting.status),
        "url": url,
        "protokoll_url": f"{url}/protokoll.docx",
        "cases": len(meeting.items) if cases is None else cases,
    }


def attachment_json(attachment: Attachment) -> dict:
    if not can_see_attachment(attachment):
        return {"title": EXEMPT_TITLE, "exempt": True, "exemption_basis": attachment.exemption_basis}
    return {"title": attachment.title, "filename": attachment.filename, "exempt": False}


def agenda_item_json(item: AgendaItem, site: str) -> dict:
    number = {"number": item_number(item), "number_year": item.number_year, "number_seq": item.number_seq}
    if not can_see_case(item):
        return {
            **number,
            "title": shown_title(item),
            "public_title": shown_title(item),
            "exempt": True,
            "exemption_basis": item.case.exemption_basis,
        }
    earlier = item.deferred_from
    return {
        "id": item.id,
        **number,
        "title": item.case.title,
        "exempt": item.case.exempt,
        "exemption_basis": item.case.exemption_basis,
        "kind": key(item.kind),
        "kind_label": label(item.kind),
        "case_handler": item.case_handler.name if item.case_handler else None,
        "status": item.status.value,
        "status_label": label(item.status),
        **{name: {"markdown": getattr(item, name), "html": getattr(item, f"{name}_html")}
           for name in TEXT_FIELDS if can_see_minutes(item.meeting) or name not in MINUTES_FIELDS},
        "deferred_from": (
            {"id": earlier.id, "number": item_number(earlier), "meeting_id": earlier.meeting_id}
            if earlier else None
        ),
        "attachments": [attachment_json(a) for a in item.attachments],
        "url": f"{site.rstrip('/')}/cases/{item.id}",
    }


def attendance_json(att: Attendance) -> dict:
    town = att.municipality
    return {
        "name": att.person.name,
        "municipality": {"number": town.number, "name": town.name} if town else None,
        "invited": att.invited,
        "status": att.status.value,
        "status_label": label(att.status),
        "substitute_for": att.substitute_for.name if att.substitute_for else None,
    }


def case_ref(item, public: bool = False) -> dict | None:
    if item is None:
        return None
    return {"id": item.id, "number": item_number(item), "title": case_title(item, public),
            "meeting_id": item.meeting_id, "url": f"/cases/{item.id}"}
