"""Log-in throttling per account and per address, in the database so that it holds across
every app server that shares it.

A failed log-in counts against the e-mail address typed (whether or not it has an account, so
that a pause tells nothing about which addresses exist) and against the client's address. When
either reaches its limit within the window (``LOGIN_LOCKOUT_MINUTES``), further log-ins for it are
refused with 429 and Retry-After until the pause of the same length has passed, even with the
right password. A successful log-in clears the account's count, never the address's.

The counts are changed with single UPDATE statements (``failures = failures + 1``), so servers
writing at once never lose a failure, and on their own connection and transaction, so they are
kept although the request that failed is answered with an error and rolled back.

Written here rather than with Flask-Limiter: its storage backends are memory, Redis, Memcached
and MongoDB, not the SQL database every boardroom already has; and it counts requests, where
this counts failures and clears an account's count on success.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from boardroom.core import audit
from boardroom.core.db import get_engine
from boardroom.models import LoginThrottle, utcnow

TABLE = LoginThrottle.__table__


def now() -> datetime:
    """The clock throttling is measured by; tests move it."""
    return utcnow()


def keys(email: str, address: str | None) -> dict[str, int]:
    """The throttle keys of a log-in attempt, with the limit of each."""
    config = current_app.config
    return {f"konto:{(email or '').strip().lower()[:200]}": config["LOGIN_MAX_FAILURES_ACCOUNT"],
            f"adresse:{address or 'ukjent'}": config["LOGIN_MAX_FAILURES_ADDRESS"]}


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])


def retry_after(attempt_keys: dict[str, int]) -> int:
    """Seconds until a log-in for these keys may be tried again; 0 when it may be tried now."""
    moment = now()
    with get_engine().connect() as conn:
        rows = conn.execute(sa.select(TABLE.c.blocked_until).where(
            TABLE.c.key.in_(list(attempt_keys)), TABLE.c.blocked_until > moment)).scalars().all()
    return max((math.ceil((until - moment).total_seconds()) for until in rows), default=0)


def _insert_missing(conn, key: str, moment: datetime) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(TABLE).values(key=key, failures=0, window_start=moment).on_conflict_do_nothing())


def record_failure(attempt_keys: dict[str, int], *, email: str, user_id: int | None, address: str | None,
                   reason: str) -> None:
    """Count a failed log-in against each key, pause the keys that reached their limit, and write
    the failure to the audit log, all in one transaction of its own."""
    moment = now()
    cutoff = moment - _window()
    with get_engine().begin() as conn:
        for key, limit in attempt_keys.items():
            _insert_missing(conn, key, moment)
            counted = conn.execute(sa.update(TABLE).where(TABLE.c.key == key, TABLE.c.window_start >= cutoff)
                                   .values(failures=TABLE.c.failures + 1))
            if counted.rowcount == 0:  # the window had passed: this failure starts a new one
                conn.execute(sa.update(TABLE).where(TABLE.c.key == key)
                             .values(failures=1, window_start=moment, blocked_until=None))
            if limit:
                conn.execute(sa.update(TABLE).where(
                    TABLE.c.key == key, TABLE.c.failures >= limit,
                    sa.or_(TABLE.c.blocked_until.is_(None), TABLE.c.blocked_until <= moment),
                ).values(blocked_until=moment + _window()))
        audit.record(conn, user=(email or "").strip().lower() or "(tom)", table_name="user", row_id=user_id or 0,
                     action="login", field="failed", after=f"{reason}; adresse {address or 'ukjent'}")


def clear_account(attempt_keys: dict[str, int]) -> None:
    """After a successful log-in: the account's count starts again (the address's does not)."""
    account = [key for key in attempt_keys if key.startswith("konto:")]
    with get_engine().begin() as conn:
        conn.execute(sa.delete(TABLE).where(TABLE.c.key.in_(account)))
