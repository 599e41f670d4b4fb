"""The secret key that every app server on one database must share, checked when a server starts.

The key signs the session cookies, the forms' CSRF tokens and the links in e-mails. Servers with
different keys would each refuse what the others signed: a user sent by the load balancer to
another server would find themselves logged out, and their forms refused. So the database keeps
a fingerprint of the key (an HMAC of a fixed text under it, which does not reveal the key), and
``boardroom serve`` refuses to start with another key, saying what to do. The first server to
start records it; ``boardroom db secret-key`` records a new one after the key is changed on purpose.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlmodel import Session

from boardroom.models import SharedSetting, utcnow

NAME = "secret_key_fingerprint"


class SecretKeyMismatch(RuntimeError):
    """This server's secret key is not the one the other servers on the database use (Norwegian message)."""


def fingerprint(key: str) -> str:
    return hmac.new(key.encode(), b"boardroom: the secret key shared by every app server", hashlib.sha256).hexdigest()


def record(session: Session, key: str) -> bool:
    """Record ``key`` as the one every server must have; returns whether it differs from the one before. Flushes."""
    setting = session.get(SharedSetting, NAME)
    changed = setting is not None and setting.value != fingerprint(key)
    if setting is None:
        setting = SharedSetting(name=NAME, value=fingerprint(key), changed_at=utcnow())
    elif changed:
        setting.value, setting.changed_at = fingerprint(key), utcnow()
    session.add(setting)
    session.flush()
    return changed


def check(session: Session, key: str) -> None:
    """Raise SecretKeyMismatch when another key is recorded; record this one when none is. Flushes."""
    setting = session.get(SharedSetting, NAME)
    if setting is None:
        record(session, key)
    elif not hmac.compare_digest(setting.value, fingerprint(key)):
        raise SecretKeyMismatch(
            "Denne serveren har en annen BOARDROOM_SECRET_KEY enn serverne som bruker samme database (sist "
            f"registrert {setting.changed_at:%Y-%m-%d %H:%M} UTC). Med ulike nøkler blir brukerne logget ut og "
            "skjemaene avvist når de havner på en annen server. Gi alle serverne samme BOARDROOM_SECRET_KEY. "
            "Er nøkkelen byttet med vilje, kjør «boardroom db secret-key» med den nye nøkkelen (alle blir da "
            "logget ut) og start serverne med den.")
