"""Signed one-use links: absence reports from the notice e-mail, and setting or resetting a password.

A link carries a payload signed with the app's secret (itsdangerous), a purpose (the salt: a
password link can never be used as an absence link) and a random ``jti``. It expires after
``max_age``; once used, its jti is stored in ``UsedToken`` and the link is refused from then on
(the primary key makes a second use fail even when two requests race).
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from boardroom.models import UsedToken


class LinkError(Exception):
    """A link that cannot be used; ``message`` is Norwegian, ``status`` the HTTP status to answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message, self.status = message, status


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"boardroom-{purpose}")


def make_link_token(secret: str, purpose: str, **payload) -> str:
    return _serializer(secret, purpose).dumps({**payload, "jti": secrets.token_urlsafe(16)})


def read_link_token(session: Session, secret: str, purpose: str, token: str, max_age: int) -> dict:
    """The payload of a valid, unexpired, unused link; LinkError otherwise (nothing is marked used)."""
    try:
        payload = _serializer(secret, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkError("Lenken er utløpt. Be om en ny.", 410) from None
    except BadSignature:
        raise LinkError("Lenken er ugyldig. Kontroller at hele lenken ble med.", 404) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("jti"), str):
        raise LinkError("Lenken er ugyldig. Kontroller at hele lenken ble med.", 404)
    if session.get(UsedToken, payload["jti"]) is not None:
        raise LinkError("Lenken er allerede brukt. Den kan bare brukes én gang.", 410)
    return payload


def use_link_token(session: Session, purpose: str, payload: dict) -> None:
    """Mark the link used, in its own savepoint; LinkError (410) when another request used it first."""
    try:
        with session.begin_nested():
            session.add(UsedToken(jti=payload["jti"], purpose=purpose))
    except IntegrityError:
        raise LinkError("Lenken er allerede brukt. Den kan bare brukes én gang.", 410) from None
