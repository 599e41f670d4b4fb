"""Sessions that end.

What the session cookie (and a remember-me cookie) holds for a signed-in account is a token
"<user id>:<session version>:<log-in time>". The user loader accepts it only while

- the account exists and is active,
- its ``session_version`` is still the one in the token: log-out, a password change and
  deactivation raise it, which ends every session of the account, on every device and every
  copied cookie at once;
- the log-in is younger than ``SESSION_LIFETIME_HOURS`` (the absolute lifetime).

On top of that a session ends after ``SESSION_IDLE_MINUTES`` without a request (the idle
timeout, kept in the session as the time last seen and refreshed at most once a minute).
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import current_app, flash, session
from flask_login import logout_user

from boardroom.models import User

SEEN = "seen_at"
REFRESH_SECONDS = 60  # how stale "last seen" may be before the cookie is written again


def now() -> float:
    """The clock sessions are measured by (seconds since the epoch); tests move it."""
    return time.time()


def make_token(user_id: int, version: int) -> str:
    return f"{user_id}:{version}:{int(now())}"


def parse_token(token: str) -> tuple[int, int, int] | None:
    """(user id, version, log-in time), or None for anything else (an old or forged cookie)."""
    parts = (token or "").split(":")
    if len(parts) != 3 or not all(p.isdigit() and len(p) < 19 for p in parts):
        return None
    user_id, version, issued = (int(p) for p in parts)
    return user_id, version, issued


def lifetime_seconds() -> int:
    return current_app.config["SESSION_LIFETIME_HOURS"] * 3600


def idle_seconds() -> int:
    return current_app.config["SESSION_IDLE_MINUTES"] * 60


def token_valid(user: User | None, version: int, issued: int) -> bool:
    age = now() - issued
    return (user is not None and user.active and user.session_version == version
            and -REFRESH_SECONDS <= age <= lifetime_seconds())


def end_all_sessions(connection, user_id: int) -> None:
    """Raise the account's session version: every session signed with the old one stops working.

    A Core UPDATE on the request's connection: it commits with the request, and, not being a
    change to anything a page shows, leaves the response cache alone.
    """
    table = User.__table__
    connection.execute(sa.update(table).where(table.c.id == user_id)
                       .values(session_version=table.c.session_version + 1))


def start() -> None:
    """After a log-in: the idle clock of the new session starts now."""
    session[SEEN] = now()


def check_idle() -> None:
    """Before each request: end the session when it has been idle too long, else note the time."""
    if "_user_id" not in session:
        return
    seen, moment = session.get(SEEN), now()
    if seen is not None and moment - seen > idle_seconds():
        logout_user()
        session.pop(SEEN, None)
        flash("Du har vært inaktiv en stund og er logget ut. Logg inn igjen.", "info")
    elif seen is None or moment - seen > REFRESH_SECONDS:
        session[SEEN] = moment
