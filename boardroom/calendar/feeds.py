"""Which meetings each feed holds, and the secret tokens of personal and closed feeds.

Feeds: the whole plan of the open bodies (``/calendar.ics``), one body, one person (every
meeting they are invited to, also as a deputy called in for a member), one member
municipality (the meetings of the open bodies where it holds a seat).

A token is ``secrets.token_urlsafe(32)`` (256 bits). Only its SHA-256 is stored; a feed is
found by that hash and the match confirmed with ``hmac.compare_digest``. A new token for an
owner revokes the old one; a revoked token finds nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, select

from boardroom.calendar.ical import changed_at, feed_ics, load_meetings, make_calendar
from boardroom.core.orgs import here
from boardroom.models import Attendance, Body, FeedToken, Meeting, Membership, Municipality, Person, utcnow

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # anything longer is not one of ours, and is not hashed


@dataclass
class Feed:
    name: str  # NAME and X-WR-CALNAME ("" names it after the body its meetings belong to)
    filename: str  # an ASCII name for Content-Disposition
    where: tuple = ()  # which meetings: criteria on Meeting (none: the one meeting below)
    meeting: Meeting | None = None  # a single meeting's .ics, already loaded

    def ics(self, session: Session, base_url: str) -> tuple[bytes, datetime | None]:
        """The feed as iCalendar, and when anything it shows last changed."""
        if self.meeting is not None:
            return make_calendar([self.meeting], base_url, self.name).to_ical(), changed_at(self.meeting)
        return feed_ics(session, self.where, base_url, self.name or None)


def open_bodies(organisation_id: int | None = None):
    """Meetings of the open bodies of the organisation (by default the request's)."""
    org = Body.organisation_id == organisation_id if organisation_id is not None else here(Body.organisation_id)
    return Meeting.body_id.in_(select(Body.id).where(Body.public, org))


def all_open_meetings(organisation_id: int | None = None) -> Feed:
    return Feed("", "moteplan.ics", (open_bodies(organisation_id),))


def body_feed(body: Body) -> Feed:
    return Feed(f"Møteplan – {body.name}", f"moteplan-{body.id}.ics", (Meeting.body_id == body.id,))


def invited_to(person_id: int):
    """Every meeting the person is invited to, or called in to as a deputy."""
    return Meeting.id.in_(
        select(Attendance.meeting_id).where(
            Attendance.person_id == person_id, or_(Attendance.invited, Attendance.substitute_for_id.is_not(None))
        )
    )


def person_meetings(session: Session, person_id: int) -> list[Meeting]:
    return load_meetings(session, invited_to(person_id), light=True)


def person_feed(person: Person) -> Feed:
    return Feed(f"Mine møter – {person.name}", "mine-moter.ics", (invited_to(person.id),))


def municipality_feed(municipality: Municipality) -> Feed:
    """The meetings of the open bodies where the municipality holds (or held) a seat."""
    bodies = select(Membership.body_id).where(Membership.municipality_id == municipality.id)
    return Feed(f"Møteplan – {municipality.name}", f"moteplan-{municipality.number}.ics",
                (Meeting.body_id.in_(bodies), open_bodies()))


def meeting_feed(meeting: Meeting) -> Feed:
    return Feed(f"{meeting.title} – {meeting.body.name}", f"mote-{meeting.id}.ics", meeting=meeting)


# --------------------------------------------------------------------------- tokens


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def owner_filter(person: Person | None, body: Body | None):
    if (person is None) == (body is None):
        raise ValueError("a feed token belongs to a person or to a body")
    return FeedToken.person_id == person.id if person is not None else FeedToken.body_id == body.id


def active_token(session: Session, person: Person | None = None, body: Body | None = None) -> FeedToken | None:
    """The owner's token in use (the newest), if any."""
    return session.exec(
        select(FeedToken).where(owner_filter(person, body), FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.id.desc())
    ).first()


def revoke_tokens(session: Session, person: Person | None = None, body: Body | None = None) -> int:
    """Revoke every token of the owner; their feeds answer 404 from now on."""
    rows = session.exec(select(FeedToken).where(owner_filter(person, body), FeedToken.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = utcnow()
    session.flush()
    return len(rows)


def issue_token(session: Session, person: Person | None = None, body: Body | None = None, by: str = "") -> str:
    """A new secret token for the owner (the old one stops working). Returned once, never stored."""
    revoke_tokens(session, person, body)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(FeedToken(token_hash=token_hash(token), person_id=person.id if person else None,
                          body_id=body.id if body else None, created_by=by))
    session.flush()
    return token


def find_token(session: Session, token: str) -> FeedToken | None:
    """The active token row for ``token``: looked up by its hash, confirmed in constant time."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    row = session.exec(
        select(FeedToken).where(FeedToken.token_hash == digest, FeedToken.revoked_at.is_(None))
    ).first()
    if row is None or not hmac.compare_digest(row.token_hash.encode(), digest.encode()):
        return None
    return row


def token_feed(session: Session, row: FeedToken) -> Feed:
    if row.person_id is not None:
        return person_feed(session.get(Person, row.person_id))
    return body_feed(session.get(Body, row.body_id))


def webcal(url: str) -> str:
    """The same address with the webcal scheme, which opens the subscription dialogue."""
    scheme, sep, rest = url.partition("://")
    return f"webcal://{rest}" if sep and scheme in ("http", "https") else url
