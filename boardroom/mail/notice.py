"""The notice (innkalling) by e-mail, with a calendar invitation (iTIP, RFC 5546).

Each invited person gets one message: plain text and HTML with the saksliste and the link to
the meeting page, ``innkalling.docx`` attached, and a ``text/calendar; method=REQUEST`` part
whose VEVENT has the meeting's UID and SEQUENCE, ORGANIZER the secretary and ATTENDEE the
person with RSVP, so Outlook and Google offer "Godta/Avslå". A moved meeting sends the same
UID with its higher SEQUENCE ("update"); a cancelled one METHOD:CANCEL. The notice and the
update carry a signed link for reporting absence (forfall) without logging in.

Messages are only queued here (``boardroom.mail.outbox``), as a small row per person; the worker
builds each message (``build_meeting_mail``) when it delivers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

import icalendar
from markupsafe import escape
from sqlalchemy.orm import object_session
from sqlmodel import Session

from boardroom.calendar.ical import meeting_event, meeting_url, oslo_timezone
from boardroom.core.formatting import meeting_when
from boardroom.core.labels import label
from boardroom.core.orgs import address_prefix
from boardroom.documents.innkalling import build_innkalling, innkalling_filename
from boardroom.mail.outbox import NOT_CONFIGURED, sender_address, stamp
from boardroom.mail.tokens import make_link_token
from boardroom.meetings.minutes import item_number
from boardroom.models import Attendance, AttendanceStatus, Meeting, MeetingStatus, OutboxMessage, OutboxStatus, utcnow

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ABSENCE_PURPOSE = "absence"
SUBJECT = {"notice": "Innkalling", "update": "Endret", "cancel": "Avlyst"}
INTRO = {
    "notice": "Du er innkalt til {title} i {body}.",
    "update": "Tid, sted eller møteform for {title} i {body} er endret. Kalenderen din oppdateres når du godtar.",
    "cancel": "{title} i {body} er avlyst.",
}


@dataclass
class QueuedNotice:
    """What queueing the notice did: how many messages, and who has no e-mail address."""

    queued: int = 0
    without_email: list[str] = field(default_factory=list)
    configured: bool = True


def recipients(meeting: Meeting, kind: str, only: list[Attendance] | None = None) -> list[Attendance]:
    """Who gets the message: everyone invited or called in; a notice or an update not to those
    who reported absence (they are told of a cancellation all the same)."""
    rows = only if only is not None else [a for a in meeting.attendances if a.invited or a.substitute_for_id]
    if kind != "cancel":
        rows = [a for a in rows if a.status != AttendanceStatus.absent_notice]
    return rows


def organizer_of(config, account_email: str | None, account_name: str | None) -> tuple[str, str]:
    """(name, address) of the organiser: the sending secretary's account, else the configured sender."""
    name, address = parseaddr(sender_address(config))
    if account_email:
        return account_name or account_email, account_email
    return name or "Sekretariatet", address


def invitation(meeting: Meeting, attendance: Attendance, base_url: str, organizer: tuple[str, str],
               method: str, *, address: str | None = None, sequence: int | None = None) -> bytes:
    """A one-event iTIP calendar (REQUEST or CANCEL) for one attendee (at ``address``, else their
    address now), with ``sequence`` if given, else the meeting's."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//boardroom//Innkalling//NB")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(oslo_timezone())
    event = meeting_event(meeting, base_url)
    event.pop("dtstamp")
    event.add("dtstamp", utcnow())  # iTIP: when this message was made
    if sequence is not None:  # the SEQUENCE when the message was queued
        event.pop("sequence")
        event.add("sequence", sequence)
    if method == "CANCEL":
        event.pop("status")
        event.add("status", "CANCELLED")
    organizer_name, organizer_address = organizer
    event.add("organizer", f"mailto:{organizer_address}", parameters={"CN": organizer_name})
    event.add("attendee", f"mailto:{address or attendance.person.email}", parameters={
        "CN": attendance.person.name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE" if method == "REQUEST" else "FALSE", "CUTYPE": "INDIVIDUAL"})
    cal.add_component(event)
    return cal.to_ical()


def agenda_lines(meeting: Meeting) -> list[str]:
    return [f"{item_number(item)} {item.case.title}".strip() for item in meeting.items]


def texts(meeting: Meeting, attendance: Attendance, kind: str, url: str, absence_url: str | None):
    """(subject, plain text, HTML) of one message."""
    values = dict(title=meeting.title, body=meeting.body.name)
    subject = subject_of(meeting, kind)
    facts = [("Tid", meeting_when(meeting)), ("Sted", meeting.place or "Ikke fastsatt"),
             ("Møteform", label(meeting.mode))]
    if kind == "cancel" and meeting.cancelled_reason:
        facts.append(("Begrunnelse", meeting.cancelled_reason))
    agenda = agenda_lines(meeting) if kind != "cancel" else []
    plain = [f"Hei {attendance.person.name},", "", INTRO[kind].format(**values), ""]
    plain += [f"{name}: {value}" for name, value in facts]
    if attendance.substitute_for is not None and kind != "cancel":
        plain += ["", f"Du er kalt inn som vara for {attendance.substitute_for.name}."]
    if agenda:
        plain += ["", "Saksliste:"] + [f"  {line}" for line in agenda]
    plain += ["", f"Sakspapirene: {url}"]
    if kind != "cancel":
        plain += ["Innkallingen ligger ved som Word-dokument, og møtet ligger ved som kalenderinvitasjon."]
    if absence_url:
        plain += ["", f"Kan du ikke møte? Meld forfall her (ingen innlogging): {absence_url}"]
    plain += ["", "Vennlig hilsen", "Sekretariatet"]

    html = [f"<p>Hei {escape(attendance.person.name)},</p>", f"<p>{escape(INTRO[kind].format(**values))}</p>",
            "<table>" + "".join(f"<tr><th align='left'>{escape(n)}</th><td>{escape(v)}</td></tr>" for n, v in facts)
            + "</table>"]
    if attendance.substitute_for is not None and kind != "cancel":
        html.append(f"<p>Du er kalt inn som vara for {escape(attendance.substitute_for.name)}.</p>")
    if agenda:
        html.append("<h2>Saksliste</h2><ul>" + "".join(f"<li>{escape(line)}</li>" for line in agenda) + "</ul>")
    html.append(f'<p><a href="{escape(url)}">Sakspapirene på møtesiden</a></p>')
    if absence_url:
        html.append(f'<p>Kan du ikke møte? <a href="{escape(absence_url)}">Meld forfall</a> (ingen innlogging).</p>')
    html.append("<p>Vennlig hilsen<br>Sekretariatet</p>")
    return subject, "\n".join(plain) + "\n", "<!DOCTYPE html><html lang='nb'><body>" + "".join(html) + "</body></html>"


def site_of(config, meeting: Meeting) -> str:
    """The address the meeting's links start with: the site's, and its organisation's prefix."""
    session = object_session(meeting)
    prefix = address_prefix(session.connection(), meeting.body.organisation_id) if session is not None else ""
    return config["BASE_URL"].rstrip("/") + prefix


def absence_link(config, attendance: Attendance, site: str | None = None) -> str:
    token = make_link_token(config["SECRET_KEY"], ABSENCE_PURPOSE, a=attendance.id)
    return f"{site or config['BASE_URL'].rstrip('/')}/forfall/{token}"


def subject_of(meeting: Meeting, kind: str) -> str:
    return f"{SUBJECT[kind]}: {meeting.title} {meeting_when(meeting)} – {meeting.body.name}"


def queue_notices(session: Session, meeting: Meeting, config, kind: str, organizer: tuple[str, str],
                  only: list[Attendance] | None = None) -> QueuedNotice:
    """Queue the notice ("notice"), the update ("update") or the cancellation ("cancel") of a
    meeting loaded with its attendances, to everyone it concerns (or ``only`` those).

    Only a small row per person is stored (who, which meeting, which kind, the SEQUENCE now,
    the organiser, the subject as it reads now); the worker builds the message when it delivers
    it (``build_meeting_mail``), so the request does not wait for 25 MIME messages."""
    result = QueuedNotice(configured=bool(config.get("SMTP_URL")))
    subject = subject_of(meeting, kind)[:300]
    status = OutboxStatus.queued if result.configured else OutboxStatus.unconfigured
    error = "" if result.configured else NOT_CONFIGURED
    rows = []
    for attendance in recipients(meeting, kind, only):
        address = (attendance.person.email or "").strip()
        if "@" not in address:
            result.without_email.append(attendance.person.name)
            continue
        rows.append(OutboxMessage(meeting_id=meeting.id, person_id=attendance.person_id, kind=kind,
                                  recipient=formataddr((attendance.person.name, address))[:200], subject=subject,
                                  sequence=meeting.sequence, organizer_name=organizer[0][:200],
                                  organizer_address=organizer[1][:200], status=status, last_error=error))
    session.add_all(rows)
    session.flush()
    result.queued = len(rows)
    return result


class NotApplicable(Exception):
    """A queued meeting mail that no longer applies; the message says why (kept on the row)."""


def build_meeting_mail(session: Session, config, row: OutboxMessage, docx_cache: dict[int, bytes]) -> EmailMessage:
    """The message of a queued notice, update or cancellation, built from the meeting as it is
    now, with the SEQUENCE and organiser stored when it was queued. ``docx_cache`` holds
    innkalling.docx per meeting id for one worker pass (built once, not once per person).

    Raises NotApplicable when the meeting is gone, a notice or update is for a meeting that has
    since been cancelled (the cancellation goes out instead), or the person is no longer among
    those the message is for."""
    from boardroom.meetings.minutes import load_meeting

    meeting = load_meeting(session, row.meeting_id) if row.meeting_id is not None else None
    if meeting is None:
        raise NotApplicable("Ikke sendt: møtet er slettet.")
    if row.kind != "cancel" and meeting.status == MeetingStatus.cancelled:
        raise NotApplicable("Ikke sendt: møtet er avlyst, og avlysningen sendes i stedet.")
    attendance = next((a for a in recipients(meeting, row.kind) if a.person_id == row.person_id), None)
    if attendance is None:
        raise NotApplicable("Ikke sendt: personen er ikke lenger innkalt til møtet, eller har meldt forfall.")
    address = parseaddr(row.recipient)[1]
    organizer = (row.organizer_name, row.organizer_address) if row.organizer_address else \
        organizer_of(config, None, None)
    sequence = row.sequence if row.sequence is not None else meeting.sequence
    docx = None
    if row.kind != "cancel":
        if meeting.id not in docx_cache:
            docx_cache[meeting.id] = build_innkalling(session, meeting)
        docx = docx_cache[meeting.id]
    return compose(meeting, attendance, config, row.kind, organizer, address, sequence, docx)


def compose(meeting: Meeting, attendance: Attendance, config, kind: str, organizer: tuple[str, str], address: str,
            sequence: int, docx: bytes | None) -> EmailMessage:
    """One person's message: text, HTML, the iTIP invitation and (not for a cancellation) the DOCX."""
    base_url = site_of(config, meeting)
    url = meeting_url(meeting, base_url)
    method = "CANCEL" if kind == "cancel" else "REQUEST"
    absence_url = absence_link(config, attendance, base_url) if kind != "cancel" else None
    subject, plain, html = texts(meeting, attendance, kind, url, absence_url)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender_address(config)
    message["To"] = formataddr((attendance.person.name, address))
    if organizer[1] and organizer[1] != parseaddr(sender_address(config))[1]:
        message["Reply-To"] = str(Address(organizer[0], addr_spec=organizer[1]))
    message.set_content(plain)
    message.add_alternative(html, subtype="html")
    message.add_alternative(invitation(meeting, attendance, base_url, organizer, method, address=address,
                                       sequence=sequence).decode(),
                            subtype="calendar", params={"method": method})
    if docx is not None:
        message.add_attachment(docx, maintype="application", subtype=DOCX.partition("/")[2],
                               filename=innkalling_filename(meeting))
    stamp(message, config)
    return message


def was_called(meeting: Meeting) -> bool:
    """Whether the notice went out, so that later changes are mailed too."""
    return meeting.called_at is not None and meeting.status in (MeetingStatus.called, MeetingStatus.cancelled)
