"""Organisations: which one a request is about, and what belongs to it.

An address whose first segment is an organisation's slug (``/felles-ikt/meetings``) is about
that organisation: the middleware below moves the slug into ``SCRIPT_NAME``, so routing sees
``/meetings`` and ``url_for`` builds ``/felles-ikt/…`` by itself (static files too). An address
without a known slug is about the first organisation, so every address that existed before
organisations keeps working, and an installation with one organisation looks as it did.

Rows made without an organisation get one when flushed (``_fill_organisation``): a body,
person or municipality the request's (or the session's) organisation, else the first one;
a project, cost or key its body's. The first organisation is made from the body's
``organisation`` name when there is none yet (a new installation's first body).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from stdnum.exceptions import InvalidChecksum
from stdnum.no import orgnr as stdnum_orgnr

from boardroom.models import Body, Cost, CostKey, Municipality, Organisation, Person, Project

ORGANISATION = Organisation.__table__
BODY = Body.__table__
ENVIRON_KEY = "boardroom.organisation_id"

# first path segments of the application's own addresses: never an organisation's slug
RESERVED_SLUGS = frozenset({
    "account", "api", "attachments", "benefits", "bodies", "calendar", "calendar.ics", "cases", "cost-keys",
    "costs", "decisions", "figurer", "follow-ups", "forfall", "login", "logout", "markdown-preview", "meetings",
    "min-kommune", "min-side", "municipalities", "outbox", "participation", "participation.csv", "persons",
    "projects", "registers", "static", "organisations", "admin", "logo",
})
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$")


# --------------------------------------------------------------------------- identifiers


def orgnr_error(value: str) -> str | None:
    """Why ``value`` is not a valid organisasjonsnummer (nine digits, the last a mod-11 check
    digit with weights 3 2 7 6 5 4 3 2, as Brønnøysundregistrene gives them), or None. The check
    digit is python-stdnum's (``stdnum.no.orgnr``); a remainder of 1 gives no valid number."""
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"[0-9]{9}", digits):
        return "Organisasjonsnummeret må være ni siffer."
    try:
        stdnum_orgnr.validate(digits)
    except InvalidChecksum:
        return "Organisasjonsnummeret har feil kontrollsiffer."
    except ValueError:  # any other fault stdnum finds
        return "Organisasjonsnummeret er ikke gyldig."
    return None


def valid_orgnr(value: str) -> bool:
    return orgnr_error(value) is None


def slug_error(slug: str) -> str | None:
    """Why ``slug`` cannot be an organisation's address segment, or None."""
    if not SLUG_PATTERN.match(slug or ""):
        return "Kortadressen kan bare ha små bokstaver a–z, sifre og bindestrek (høyst 50 tegn)."
    if slug in RESERVED_SLUGS:
        return f"Kortadressen «{slug}» er opptatt av en side i boardroom; velg en annen."
    return None


def slugify(name: str) -> str:
    text = (name or "").lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.replace(a, b)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:50].strip("-") or "organisasjon"
    return slug if slug not in RESERVED_SLUGS else f"{slug}-org"


# --------------------------------------------------------------------------- lookup


def first_organisation_id(connection) -> int | None:
    return connection.execute(sa.select(sa.func.min(ORGANISATION.c.id))).scalar()


def create_first_organisation(connection, name: str = "") -> int:
    name = name or "Organisasjonen"
    result = connection.execute(sa.insert(ORGANISATION).values(
        name=name, short_name="", number="", slug=slugify(name),
        created_at=sa.func.current_timestamp(), modified_at=sa.func.current_timestamp()))
    return result.inserted_primary_key[0]


def request_organisation_id() -> int | None:
    """The organisation the current request is about, when known without a query."""
    if not has_request_context():
        return None
    return g.get("organisation_id") or prefixed_organisation_id()


# --------------------------------------------------------------------------- rows without an organisation


@event.listens_for(OrmSession, "before_flush")
def _fill_organisation(session, _flush_context, _instances):
    new = [o for o in session.new if isinstance(o, (Body, Person, Municipality, Project, Cost, CostKey))
           and getattr(o, "organisation_id", None) is None]
    if not new:
        return
    connection = session.connection()
    chosen = session.info.get("organisation_id") or request_organisation_id()
    for row in new:
        if isinstance(row, (Project, Cost, CostKey)) and row.body_id is not None:
            row.organisation_id = connection.execute(
                sa.select(BODY.c.organisation_id).where(BODY.c.id == row.body_id)).scalar()
            if row.organisation_id is not None:
                continue
        if chosen is None:
            chosen = first_organisation_id(connection)
        if chosen is None:
            chosen = create_first_organisation(
                connection, (getattr(row, "organisation", "") or getattr(row, "name", "")) if isinstance(row, Body) else "")
        row.organisation_id = chosen


# --------------------------------------------------------------------------- addresses


class OrganisationPrefix:
    """WSGI middleware: ``/<slug>/rest`` becomes SCRIPT_NAME ``…/<slug>``, PATH_INFO ``/rest`` when
    ``slug`` is an organisation's; the organisation's id is left in the environ. Other addresses
    pass untouched (the first organisation). One small query per request, however many
    organisations there are."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        segment = path.lstrip("/").split("/", 1)[0]
        if segment and segment not in RESERVED_SLUGS and SLUG_PATTERN.match(segment):
            engine = self.app.extensions["boardroom.engine"]
            try:
                with engine.connect() as connection:
                    found = connection.execute(
                        sa.select(ORGANISATION.c.id).where(ORGANISATION.c.slug == segment)).scalar()
            except sa.exc.SQLAlchemyError:
                found = None  # no schema yet: nothing to prefix
            if found is not None:
                rest = path.lstrip("/")[len(segment):]
                if not rest:  # "/slug" -> "/slug/"
                    start_response("308 Permanent Redirect",
                                   [("Location", environ.get("SCRIPT_NAME", "") + f"/{segment}/"),
                                    ("Content-Length", "0")])
                    return [b""]
                environ = dict(environ, SCRIPT_NAME=environ.get("SCRIPT_NAME", "") + f"/{segment}",
                               PATH_INFO=rest)
                environ[ENVIRON_KEY] = found
        return self.wsgi_app(environ, start_response)


def prefixed_organisation_id() -> int | None:
    """The organisation named by the address's first segment, if it had one."""
    return request.environ.get(ENVIRON_KEY) if has_request_context() else None


def site_root() -> str:
    """Where the site's addresses start, without the request's organisation prefix ("" at the
    root): ``site_root() + "/<slug>/registers/"`` is another organisation's address."""
    root = request.script_root
    return root.rsplit("/", 1)[0] if prefixed_organisation_id() is not None else root


def current_organisation_id() -> int | None:
    """The organisation the request is about: by its slug, else the first (None: there is none)."""
    if not has_request_context():
        return None
    if "organisation_id" not in g:
        wanted = prefixed_organisation_id()
        if wanted is None:
            from boardroom.core.db import get_session

            wanted = first_organisation_id(get_session().connection())
        g.organisation_id = wanted
    return g.organisation_id


def first_organisation_expr():
    """The first organisation's id as an SQL subquery (the bare addresses' organisation)."""
    return sa.select(sa.func.min(ORGANISATION.c.id)).scalar_subquery()


def organisation_expr():
    """The request's organisation id as an SQL expression: a literal when the address named it,
    else the first organisation's id as a subquery, so scoping a query costs no query of its own.
    Outside a request (the command line) it is the first organisation."""
    if not has_request_context():
        return first_organisation_expr()
    if "organisation_id" in g:
        return sa.literal(g.organisation_id)
    wanted = prefixed_organisation_id()
    if wanted is not None:
        return sa.literal(wanted)
    return first_organisation_expr()


def organisation_param(named: bool):
    """``organisation_expr`` in a statement built once and run again and again: the parameter
    "organisation" when an organisation is named (pass ``prefixed_organisation_id()`` or the id
    wanted), else the first organisation, as a subquery."""
    return sa.bindparam("organisation") if named else first_organisation_expr()


def current_organisation() -> Organisation | None:
    if "organisation" not in g:
        from boardroom.core.db import get_session

        org_id = current_organisation_id()
        g.organisation = get_session().get(Organisation, org_id) if org_id is not None else None
    return g.organisation


def init_app(app) -> None:
    app.wsgi_app = OrganisationPrefix(app, app.wsgi_app)


def here(column):
    """``column`` is the request's organisation (the first one outside a request)."""
    return column == organisation_expr()


def address_prefix(connection, organisation_id: int | None) -> str:
    """Where an organisation's addresses start below the site's: "" for the first organisation (its
    bare addresses), else "/<slug>". For links built outside a request (mail, the command line)."""
    if organisation_id is None:
        return ""
    first, slug = connection.execute(
        sa.select(first_organisation_expr(), ORGANISATION.c.slug)
        .where(ORGANISATION.c.id == organisation_id)).first() or (None, None)
    return "" if first is None or first == organisation_id else f"/{slug}"
