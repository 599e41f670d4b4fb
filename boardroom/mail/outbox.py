"""The outbox: every e-mail is stored in the database first, then delivered by a worker.

``enqueue`` only writes a row, so a request that sends mail never waits for (or fails because
of) the mail server. Account mail is stored whole; a meeting's notice, update or cancellation
is stored as a small row (``boardroom.mail.notice.queue_notices``) and built by the worker when
it first delivers it (innkalling.docx once per meeting per pass); the built message is kept on
the row, so a retry sends the same message and the row records what was sent.

``deliver_due`` is one pass of the worker: it claims due rows one at a time (``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL, then an atomic claiming UPDATE that also serialises
SQLite), commits the claim, builds the message if need be, sends, and records what the server
said. Several workers (several servers, or ``boardroom outbox run`` beside ``serve``) never send
a row twice; a row left ``sending`` by a worker that died is taken again after ``STALE_CLAIM``.

A failure is retried with growing backoff (1, 2, 4 … minutes, at most an hour) and never given
up; an address the server refuses for good (5xx) is marked rejected. Without
BOARDROOM_SMTP_URL the row is kept as ``unconfigured`` and goes out once mail is set up. A
meeting mail that no longer applies when its turn comes is marked ``dropped``, saying why.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from boardroom.models import OutboxMessage, OutboxStatus, utcnow

STALE_CLAIM = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=1)
NOT_CONFIGURED = "ikke sendt – e-post er ikke satt opp"
DUE = (OutboxStatus.queued, OutboxStatus.retry, OutboxStatus.unconfigured)


class MailConfigError(ValueError):
    """BOARDROOM_SMTP_URL cannot be used; the message says why."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: bool  # smtps://: TLS from the first byte; smtp://: STARTTLS
    username: str = ""
    password: str = ""

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailConfigError("BOARDROOM_SMTP_URL må se ut som smtp://bruker:passord@vert:587 eller smtps://…:465.")
        tls = parts.scheme == "smtps"
        return cls(parts.hostname, parts.port or (465 if tls else 587), tls,
                   unquote(parts.username or ""), unquote(parts.password or ""))


def smtp_settings(config) -> SmtpSettings | None:
    url = config.get("SMTP_URL") or ""
    return SmtpSettings.from_url(url) if url else None


def sender_address(config) -> str:
    return config.get("MAIL_FROM") or "boardroom@localhost"


def stamp(message: EmailMessage, config) -> EmailMessage:
    """Give ``message`` its Message-ID and Date, unless it has them."""
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain=parseaddr(sender_address(config))[1].partition("@")[2] or None)
    if "Date" not in message:
        message["Date"] = formatdate(localtime=False)
    return message


def enqueue(session: Session, config, message: EmailMessage, kind: str, *, meeting_id: int | None = None,
            person_id: int | None = None) -> OutboxMessage:
    """Store ``message`` for delivery (flush, no commit). Nothing is sent here."""
    stamp(message, config)
    configured = bool(config.get("SMTP_URL"))
    row = OutboxMessage(meeting_id=meeting_id, person_id=person_id, kind=kind, recipient=message["To"],
                        subject=str(message["Subject"] or "")[:300],
                        message=message.as_bytes(policy=SMTP_POLICY),  # CRLF line ends, as SMTP wants
                        status=OutboxStatus.queued if configured else OutboxStatus.unconfigured,
                        last_error="" if configured else NOT_CONFIGURED)
    session.add(row)
    return row


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim_next(engine: Engine, token: str, now: datetime) -> int | None:
    """Claim one due row for this worker; its id, or None when nothing is due.

    PostgreSQL: the row is locked with FOR UPDATE SKIP LOCKED, so concurrent workers each get a
    different row without waiting. SQLite: one UPDATE … WHERE id = (SELECT …) RETURNING id, a
    single statement, so two processes can never both claim a row."""
    due = or_(OutboxMessage.status.in_(DUE),
              (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.claimed_at < now - STALE_CLAIM))
    candidate = select(OutboxMessage.id).where(due, OutboxMessage.next_attempt_at <= now).order_by(
        OutboxMessage.id).limit(1)
    claim = dict(status=OutboxStatus.sending, claim=token, claimed_at=now)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            row_id = conn.execute(candidate.with_for_update(skip_locked=True)).scalar()
            if row_id is not None:
                conn.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**claim))
            return row_id
        return conn.execute(update(OutboxMessage).where(OutboxMessage.id == candidate.scalar_subquery())
                            .values(**claim).returning(OutboxMessage.id)).scalar()


def _send(settings: SmtpSettings, sender: str, recipient: str, data: bytes) -> dict:
    """Hand one message to the server; the refused recipients (empty when all were taken)."""
    context = ssl.create_default_context()
    if settings.tls:
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=30, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    with smtp:
        smtp.ehlo()
        if not settings.tls and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        elif not settings.tls and settings.username:
            raise smtplib.SMTPException("tjeneren tilbyr ikke STARTTLS; passordet sendes ikke ukryptert")
        if settings.username:
            smtp.login(settings.username, settings.password)
        return smtp.sendmail(sender, [recipient], data)


def _outcome(exc: Exception) -> tuple[OutboxStatus, str]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        reason = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        return (OutboxStatus.rejected if 500 <= code < 600 else OutboxStatus.retry), f"Adressen ble avvist: {reason}"
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return OutboxStatus.retry, f"E-posttjeneren svarte {exc.smtp_code} {msg}"
    if isinstance(exc, (OSError, socket.timeout)):
        return OutboxStatus.retry, f"Fikk ikke kontakt med e-posttjeneren ({exc.__class__.__name__}: {exc})"
    return OutboxStatus.retry, f"Sendingen feilet: {exc}"


def build(session: Session, config, row: OutboxMessage, cache: dict) -> None:
    """Build the message of a row queued unbuilt (a meeting mail), and keep it and its subject."""
    from boardroom.mail.notice import build_meeting_mail

    message = build_meeting_mail(session, config, row, cache.setdefault("docx", {}))
    row.message = message.as_bytes(policy=SMTP_POLICY)  # CRLF line ends, as SMTP wants
    row.subject = str(message["Subject"] or "")[:300]
    row.recipient = str(message["To"])[:200]


def deliver_one(engine: Engine, config, row_id: int, token: str, cache: dict | None = None) -> OutboxStatus:
    """Deliver one claimed row (building it first if it was queued unbuilt). ``cache`` is shared
    by the rows of one pass (innkalling.docx per meeting)."""
    from boardroom.mail.notice import NotApplicable

    settings = smtp_settings(config)
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.claim != token:
            return OutboxStatus.sending
        row.attempts += 1
        try:
            if settings is None:
                row.status, row.last_error, row.attempts = OutboxStatus.unconfigured, NOT_CONFIGURED, row.attempts - 1
            else:
                if row.message is None:
                    build(session, config, row, {} if cache is None else cache)
                refused = _send(settings, parseaddr(sender_address(config))[1], parseaddr(row.recipient)[1],
                                row.message)
                if refused:
                    raise smtplib.SMTPRecipientsRefused(refused)
                row.status, row.sent_at, row.last_error = OutboxStatus.sent, utcnow(), ""
        except NotApplicable as exc:  # nothing to send: say why, never try again
            row.status, row.last_error = OutboxStatus.dropped, str(exc)[:1000]
        except Exception as exc:  # noqa: BLE001 — whatever happened, the row is kept and says why
            row.status, row.last_error = _outcome(exc)
            row.last_error = row.last_error[:1000]
            row.next_attempt_at = utcnow() + backoff(row.attempts)
        row.claim = ""
        session.commit()
        return row.status


def deliver_due(engine: Engine, config, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """One pass: send every due message (at most ``limit``); counts per resulting status.

    Without a mail server configured nothing is claimed: the rows stay, marked unconfigured.
    Building a meeting's mail reads stored files (the body's Word template, figures), so run it
    inside an app context (``worker.run_once`` and ``boardroom outbox run`` do)."""
    counts: dict[str, int] = {}
    if smtp_settings(config) is None:
        return counts
    token = uuid.uuid4().hex
    cache: dict = {}  # innkalling.docx once per meeting in this pass
    for _ in range(limit):
        row_id = _claim_next(engine, token, now or utcnow())
        if row_id is None:
            break
        status = deliver_one(engine, config, row_id, token, cache)
        counts[status.value] = counts.get(status.value, 0) + 1
    return counts


def meeting_messages(session: Session, meeting_id: int) -> list[OutboxMessage]:
    """What was sent (or is waiting) for a meeting, newest first, without the message bodies."""
    from sqlalchemy.orm import defer

    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.meeting_id == meeting_id)
                                .options(defer(OutboxMessage.message))
                                .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())))


def undelivered(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """Messages not (yet) accepted by the mail server, oldest first, for the secretary."""
    from sqlalchemy.orm import defer

    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status != OutboxStatus.sent)
                                .options(defer(OutboxMessage.message))
                                .order_by(OutboxMessage.id).limit(limit)))
