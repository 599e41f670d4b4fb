"""Accounts: create, authenticate, change the password, deactivate. Passwords are hashed with
Werkzeug (scrypt)."""

from __future__ import annotations

from functools import cache

from flask_login import UserMixin
from sqlmodel import Session, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from boardroom.models import Organisation, OrganisationRole, Person, User, UserRole

ROLE_NAMES = {"admin": UserRole.admin, "secretary": UserRole.secretary, "member": UserRole.member,
              "reader": UserRole.reader}
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """Bad account data; the message is Norwegian."""


class SignedInUser(UserMixin):
    """What Flask-Login keeps for the request: plain values, no database session needed."""

    def __init__(self, user: User, token: str, role: UserRole | None, seat_bodies=frozenset()):
        self.id = user.id
        self.email = user.email
        self.role = role  # in the request's organisation (boardroom.core.access.account_with_role)
        self.person_id = user.person_id
        self.reads_restricted = user.reads_restricted
        self.seat_bodies = seat_bodies  # a board member's (boardroom.core.access.seat_bodies)
        self.token = token  # what the session cookie holds (boardroom.auth.sessions)

    def get_id(self) -> str:
        return self.token


def create_user(session: Session, email: str, password: str, role: str, person_id: int | None = None,
                organisation_id: int | None = None) -> User:
    """A new account with its role in ``organisation_id`` (by default its person's organisation,
    else the first one; see ``grant_home_role``)."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 200:
        raise AccountError("Oppgi en gyldig e-postadresse.")
    if role not in ROLE_NAMES:
        raise AccountError(f"Ukjent rolle «{role}». Velg admin, secretary, member eller reader.")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.")
    if session.exec(select(User).where(User.email == email)).first():
        raise AccountError(f"Det finnes allerede en konto for {email}.")
    if ROLE_NAMES[role] == UserRole.member and person_id is None:
        raise AccountError("En styremedlemskonto må knyttes til en person (--person).")
    if person_id is not None and session.get(Person, person_id) is None:
        raise AccountError(f"Fant ingen person med id {person_id}.")
    user = User(email=email, password_hash=generate_password_hash(password), role=ROLE_NAMES[role],
                person_id=person_id)
    session.add(user)
    session.flush()
    grant_home_role(session, user, organisation_id)
    return user


def grant_home_role(session: Session, user: User, organisation_id: int | None = None) -> None:
    """An account's role in its organisation: its person's, else the first one (none for the
    administrator, whose role covers every organisation, or while there is no organisation)."""
    if user.role == UserRole.admin:
        return
    person = session.get(Person, user.person_id) if user.person_id else None
    if organisation_id is None:
        organisation_id = person.organisation_id if person is not None else \
            session.exec(select(func.min(Organisation.id))).one()
    if organisation_id is not None:
        session.add(OrganisationRole(user_id=user.id, organisation_id=organisation_id, role=user.role))
        session.flush()


def signature(session: Session, user) -> str:
    """How an account signs what it does in the minutes: its person's name, else its e-mail."""
    person = session.get(Person, user.person_id) if user.person_id else None
    return person.name if person is not None else user.email


@cache
def _dummy_hash() -> str:
    """A hash to check against when there is no account, so that unknown addresses take as long
    as known ones (the time of an answer must not tell which addresses have accounts)."""
    return generate_password_hash("ingen konto har dette passordet")


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == (email or "").strip().lower())).first()


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    matches = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password or "")
    if user is None or not user.active or not matches:
        return None
    return user


def check_new_password(password: str, repeated: str | None = None) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.")
    if repeated is not None and password != repeated:
        raise AccountError("De to nye passordene er ikke like.")


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; the caller ends the account's other sessions (boardroom.auth.sessions)."""
    check_new_password(password)
    user.password_hash = generate_password_hash(password)
    user.session_version += 1
    session.flush()


def grant_restricted(session: Session, user: User, granted: bool = True) -> None:
    """The administrator's grant to a reader: drafts and exempt cases in every body, as the
    secretary reads them (or, ``granted`` false, no longer). Written to the audit log."""
    if user.role != UserRole.reader:
        raise AccountError("Bare en konto med rollen leser kan få denne tilgangen. Sekretær og administrator har "
                           "den alltid, et styremedlem i organene der det har sete.")
    user.reads_restricted = granted
    session.flush()


def deactivate(session: Session, user: User) -> None:
    """The account can no longer log in, and every session it has ends now."""
    user.active = False
    user.session_version += 1
    session.flush()
