"""Projects: saving a project, its grants and its status reports.

Functions validate, change the models and flush; the request commits. Bad input raises
``InputError`` with a Norwegian message and the form field it belongs to.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from boardroom.core import vocabularies
from boardroom.core.formatting import nb_date
from boardroom.core.inputs import InputError
from boardroom.models import AgendaItem, Body, Grant, Health, Project, StatusReport

PROJECT_FIELDS = ("name", "short_name", "description", "phase", "health", "health_reason", "owner", "lead",
                  "start", "planned_end")


def needs_reason(session: Session, health, organisation_id: int | None = None) -> bool:
    """Whether a health level is one that must say why (yellow or red, or a term that means one)."""
    return vocabularies.means(session, "health", health, organisation_id) in (Health.yellow, Health.red)


def check_project(session: Session, values: dict, organisation_id: int | None = None) -> None:
    if not (values.get("name") or "").strip():
        raise InputError("Prosjektet må ha et navn.", "name")
    start, end = values.get("start"), values.get("planned_end")
    if start and end and end < start:
        raise InputError(f"Planlagt slutt ({nb_date(end)}) kan ikke være før start ({nb_date(start)}).", "planned_end")
    if needs_reason(session, values.get("health"), organisation_id) and not (values.get("health_reason") or "").strip():
        raise InputError("Skriv hvorfor prosjektet er gult eller rødt.", "health_reason")


def save_project(session: Session, project: Project | None, body_id: int, **values) -> Project:
    """Create a project (``project`` None) or change one; fields as in PROJECT_FIELDS."""
    body = session.get(Body, body_id)
    check_project(session, values, body.organisation_id if body else None)
    if project is None:
        project = Project(body_id=body_id, name=values["name"])
        session.add(project)
    for name in PROJECT_FIELDS:
        if name in values:
            value = values[name]
            setattr(project, name, value.strip() if isinstance(value, str) else value)
    session.flush()
    return project


def add_grant(session: Session, project: Project, purpose: str, funder: str, amount: Decimal, year: int) -> Grant:
    if amount is None or amount < 0:
        raise InputError("Beløpet kan ikke være negativt.", "amount")
    grant = Grant(body_id=project.body_id, project_id=project.id, purpose=purpose.strip(), funder=funder.strip(),
                  amount=amount, year=year, position=1000)
    session.add(grant)
    session.flush()
    return grant


def add_status_report(
    session: Session, project: Project, reported_on: date, title: str, text: str,
    phase: str | None = None, health: str | None = None, agenda_item: AgendaItem | None = None,
) -> StatusReport:
    """A dated status; when it is the newest, its phase and health become the project's."""
    report = StatusReport(
        project_id=project.id, reported_on=reported_on, title=title.strip(), text=text or "",
        phase=phase, health=health, agenda_item_id=agenda_item.id if agenda_item else None,
    )
    session.add(report)
    newest = session.exec(
        select(StatusReport.reported_on).where(StatusReport.project_id == project.id)
        .order_by(StatusReport.reported_on.desc()).limit(1)
    ).first()
    if newest is None or reported_on >= newest:
        if phase is not None:
            project.phase = phase
        if health is not None:
            project.health = health
    session.flush()
    return report
