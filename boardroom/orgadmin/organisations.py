"""Organisations as the administrator sets them up: a new one, and its identity (name, short
name, organisasjonsnummer, logo). Its bodies, members, people and seats are then added in its
own registers (``/<slug>/registers/``) or loaded from a file (``boardroom.orgadmin.onboarding``).

Plain functions that check, change rows and flush, never commit (the request commits once).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, select

from boardroom.core import files
from boardroom.core.inputs import Invalid
from boardroom.core.orgs import orgnr_error, slug_error
from boardroom.documents.parts import set_logo
from boardroom.models import Body, Membership, Municipality, Organisation, Person


def clean_number(number: str | None) -> str:
    return re.sub(r"\s", "", number or "")


def number_problem(number: str | None) -> str | None:
    """Why ``number`` cannot be the organisation's organisasjonsnummer (empty is allowed: not known)."""
    return orgnr_error(clean_number(number)) if clean_number(number) else None


def slug_problem(session: Session, slug: str | None, current: Organisation | None = None) -> str | None:
    """Why ``slug`` cannot be the address of a new organisation (or of ``current``)."""
    problem = slug_error(slug or "")
    if problem:
        return problem
    other = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if other is not None and other is not current:
        return f"Kortadressen «{slug}» er allerede i bruk av {other.name}."
    return None


def check_identity(session: Session, values: dict, current: Organisation | None = None) -> dict:
    """The identity fields, cleaned; raises Invalid naming each problem by its field."""
    values = dict(values)
    errors = {}
    values["name"] = (values.get("name") or "").strip()
    values["short_name"] = (values.get("short_name") or "").strip()
    if not values["name"]:
        errors["name"] = "Oppgi navnet på organisasjonen."
    elif len(values["name"]) > 200:
        errors["name"] = "Navnet kan ha høyst 200 tegn."
    if len(values["short_name"]) > 50:
        errors["short_name"] = "Kortnavnet kan ha høyst 50 tegn."
    values["number"] = clean_number(values.get("number"))
    if number_problem(values["number"]):
        errors["number"] = number_problem(values["number"])
    if current is None or "slug" in values:
        values["slug"] = (values.get("slug") or "").strip()
        if slug_problem(session, values["slug"], current):
            errors["slug"] = slug_problem(session, values["slug"], current)
    if errors:
        raise Invalid(errors)
    return values


def create_organisation(session: Session, name: str, slug: str, short_name: str = "", number: str = "") -> Organisation:
    """A new organisation with no bodies, members or people yet; raises Invalid (by field)."""
    values = check_identity(session, dict(name=name, slug=slug, short_name=short_name, number=number))
    organisation = Organisation(**values)
    session.add(organisation)
    session.flush()
    return organisation


def update_identity(session: Session, organisation: Organisation, **values) -> Organisation:
    """Change the name, short name or number (the address stays); raises Invalid (by field)."""
    values = check_identity(session, values, current=organisation)
    for name in ("name", "short_name", "number"):
        setattr(organisation, name, values[name])
    session.add(organisation)
    session.flush()
    return organisation


def change_logo(session: Session, organisation: Organisation, filename: str, data: bytes) -> None:
    """Make an uploaded PNG or JPEG the organisation's logo; raises Invalid (field "logo") otherwise."""
    try:
        set_logo(session, organisation, filename, data)
    except files.FileRejected as exc:
        message = str(exc) if "kan ikke leses" in str(exc) else "Logoen må være en PNG- eller JPEG-fil."
        raise Invalid({"logo": message}) from exc


def remove_logo(session: Session, organisation: Organisation) -> None:
    organisation.logo_id = None
    session.add(organisation)
    session.flush()


def organisations_with_counts(session: Session) -> list[tuple[Organisation, dict[str, int]]]:
    """Every organisation of the installation (first made first) with how many bodies, members,
    people and seats it has; the same four queries however many there are."""
    organisations = session.exec(select(Organisation).order_by(Organisation.id)).all()

    def count_by(column, *joins):
        query = sa.select(column, sa.func.count()).group_by(column)
        for join in joins:
            query = query.join(*join)
        return dict(session.execute(query).all())

    counts = {
        "bodies": count_by(Body.organisation_id),
        "members": count_by(Municipality.organisation_id),
        "people": count_by(Person.organisation_id),
        "seats": dict(session.execute(sa.select(Body.organisation_id, sa.func.count(Membership.id))
                                      .join(Membership, Membership.body_id == Body.id)
                                      .group_by(Body.organisation_id)).all()),
    }
    return [(o, {name: found.get(o.id, 0) for name, found in counts.items()}) for o in organisations]
