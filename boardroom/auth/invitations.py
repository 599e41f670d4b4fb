"""Accounts by e-mail: the secretary invites a person (a one-time link to choose a password), and
anyone with an account can have a reset link sent. No password is ever sent by mail.

A link names the account and the last characters of its password hash, so it stops working as
soon as the password is set (and it is marked used besides). Invitations last a week, reset links
two hours. Asking for a reset answers the same whether the address has an account or not.
"""

from __future__ import annotations

import secrets
from email.message import EmailMessage
from email.utils import formataddr

from sqlmodel import Session
from werkzeug.security import generate_password_hash

from boardroom.auth.accounts import AccountError, find_user, grant_home_role, set_password
from boardroom.mail.outbox import enqueue, sender_address
from boardroom.mail.tokens import LinkError, make_link_token, read_link_token, use_link_token
from boardroom.models import Person, User, UserRole

MAX_AGE = {"invitation": 7 * 24 * 3600, "reset": 2 * 3600}
PATH = {"invitation": "/account/invitation/", "reset": "/account/reset/"}


def link(config, user: User, purpose: str) -> str:
    token = make_link_token(config["SECRET_KEY"], purpose, u=user.id, h=user.password_hash[-12:])
    return config["BASE_URL"].rstrip("/") + PATH[purpose] + token


def _mail(session: Session, config, user: User, name: str, purpose: str, person_id: int | None) -> None:
    url = link(config, user, purpose)
    message = EmailMessage()
    message["From"] = sender_address(config)
    message["To"] = formataddr((name, user.email))
    if purpose == "invitation":
        message["Subject"] = "Du er invitert til boardroom"
        body = [f"Hei {name},", "", "Sekretariatet har laget en konto til deg i boardroom, der du finner møter, "
                "sakspapirer og protokoller.", "", "Velg passordet ditt her (lenken virker i 7 dager, én gang):", url,
                "", f"Brukernavnet ditt er {user.email}."]
    else:
        message["Subject"] = "Nytt passord i boardroom"
        body = [f"Hei {name},", "", "Noen (forhåpentligvis du) har bedt om å få sette nytt passord i boardroom.", "",
                "Velg et nytt passord her (lenken virker i 2 timer, én gang):", url, "",
                "Har du ikke bedt om dette, kan du se bort fra e-posten; passordet ditt er ikke endret."]
    message.set_content("\n".join(body + ["", "Vennlig hilsen", "Sekretariatet"]) + "\n")
    enqueue(session, config, message, purpose, person_id=person_id)


def invite_person(session: Session, config, person: Person) -> User:
    """Make a member account for ``person`` (no usable password yet) and mail the invitation.

    Raises AccountError when the person has no e-mail address or already has an account."""
    address = (person.email or "").strip().lower()
    if "@" not in address:
        raise AccountError(f"{person.name} har ingen e-postadresse. Legg den inn først.")
    if find_user(session, address) is not None:
        raise AccountError(f"Det finnes allerede en konto for {address}.")
    user = User(email=address, password_hash=generate_password_hash(secrets.token_urlsafe(32)),
                role=UserRole.member, person_id=person.id)
    session.add(user)
    session.flush()
    grant_home_role(session, user)  # a member of the person's organisation, not of the first one
    _mail(session, config, user, person.name, "invitation", person.id)
    return user


def request_reset(session: Session, config, email: str) -> None:
    """Mail a reset link when ``email`` belongs to an active account; silently nothing otherwise."""
    user = find_user(session, email)
    if user is not None and user.active:
        person = session.get(Person, user.person_id) if user.person_id else None
        _mail(session, config, user, person.name if person else user.email, "reset", user.person_id)


def account_of_link(session: Session, config, purpose: str, token: str) -> tuple[User, dict]:
    """The account a valid link is for; LinkError (4xx, Norwegian) for a wrong, expired or used one."""
    payload = read_link_token(session, config["SECRET_KEY"], purpose, token, MAX_AGE[purpose])
    user = session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None or not user.active:
        raise LinkError("Kontoen lenken gjelder, finnes ikke eller er deaktivert.", 404)
    if user.password_hash[-12:] != payload.get("h"):
        raise LinkError("Lenken er allerede brukt: passordet er satt etter at den ble sendt.", 410)
    return user, payload


def set_password_by_link(session: Session, purpose: str, user: User, payload: dict, password: str) -> None:
    """Set the password and use up the link; every session of the account ends."""
    set_password(session, user, password)
    use_link_token(session, purpose, payload)
