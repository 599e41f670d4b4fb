"""Routes for projects, grants, status reports and benefits. Read pages are public where the
material is; every change needs the secretary or the administrator, a CSRF token and valid
input (else 400 with the message next to the field, and nothing saved).
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from sqlmodel import select

from boardroom.core import vocabularies
from boardroom.core.access import editor_required, reads_everything
from boardroom.core.cache import cached
from boardroom.core.db import get_session
from boardroom.core.inputs import InputError, today
from boardroom.core.views import csv_response, first_body, form_page, municipality_choices, or_404, saved, term_arg
from boardroom.costs.tables import key_text, sharing_text
from boardroom.meetings.lookup import case_or_error
from boardroom.models import Benefit, Municipality
from boardroom.participation.answers import create_decision
from boardroom.participation.forms import DecisionForm
from boardroom.projects.benefits import CsvImportError, add_benefit, benefits_rows, import_benefits, net
from boardroom.projects.forms import BenefitForm, BenefitImportForm, GrantForm, ProjectForm, StatusReportForm
from boardroom.projects.pages import benefit_overview, load_project, project_rows, project_view
from boardroom.projects.projects import add_grant, add_status_report, save_project

bp = Blueprint("projects", __name__)
# pure helpers for the project and cost templates (they read what the view loaded, never the database)
bp.add_app_template_global(key_text, "key_text")
bp.add_app_template_global(sharing_text, "sharing_text")
bp.add_app_template_global(net, "benefit_net")



@bp.get("/projects")
@cached
def index():
    session = get_session()
    phases = vocabularies.terms(session, "phase")
    phase = term_arg(phases, "fase")
    return render_template("projects/index.html", rows=project_rows(session, phase),
                           phase=phase, phases=phases)


@bp.get("/projects/<int:project_id>")
@cached
def project(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    return render_template("projects/project.html",
                           view=project_view(session, found, public=not reads_everything()))


def project_values(form: ProjectForm) -> dict:
    return {name: form[name].data for name in ("name", "short_name", "description", "phase", "health",
                                                "health_reason", "owner", "lead", "start", "planned_end")}


@bp.route("/projects/new", methods=["GET", "POST"])
@editor_required
def new_project():
    session = get_session()
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            created = save_project(session, None, first_body(session).id, **project_values(form))
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Prosjektet er opprettet.", url_for(".project", project_id=created.id))
    return form_page("_form_page.html", form, title="Nytt prosjekt", cancel=url_for(".index"))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_project(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    form = ProjectForm(obj=found)
    form.phase.keep(found.phase)
    form.health.keep(found.health)
    if form.validate_on_submit():
        try:
            save_project(session, found, found.body_id, **project_values(form))
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Prosjektet er lagret.", url_for(".project", project_id=found.id))
    return form_page("_form_page.html", form, title=f"Rediger {found.name}",
                     cancel=url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/decisions/new", methods=["GET", "POST"])
@editor_required
def new_decision(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    form = DecisionForm()
    if not form.is_submitted():
        form.title.data = found.name
    if form.validate_on_submit():
        try:
            item = case_or_error(session, form.case.data, "case")
            created = create_decision(session, found, form.title.data, form.decided_on.data, form.decided_text.data,
                                      item, form.remark.data)
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Vedtaket er registrert. Registrer kommunenes svar.",
                         url_for("participation.answers", decision_id=created.id))
    return form_page("_form_page.html", form, title=f"Nytt prosjektvedtak: {found.name}",
                     cancel=url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/grants/new", methods=["GET", "POST"])
@editor_required
def new_grant(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    form = GrantForm()
    if not form.is_submitted():
        form.purpose.data, form.year.data = found.name, today().year
    if form.validate_on_submit():
        try:
            add_grant(session, found, form.purpose.data, form.funder.data, form.amount.data, form.year.data)
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Tilskuddet er registrert.", url_for(".project", project_id=found.id) + "#tilskudd")
    return form_page("_form_page.html", form, title=f"Nytt eksternt tilskudd: {found.name}",
                     cancel=url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/status-reports/new", methods=["GET", "POST"])
@editor_required
def new_status_report(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    form = StatusReportForm()
    if not form.is_submitted():
        form.reported_on.data, form.title.data = today(), f"Status {found.name}"
    if form.validate_on_submit():
        try:
            item = case_or_error(session, form.case.data, "case")
            add_status_report(session, found, form.reported_on.data, form.title.data, form.text.data,
                              form.phase.data, form.health.data, item)
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Statusrapporten er lagret.", url_for(".project", project_id=found.id) + "#status")
    return form_page("_form_page.html", form, title=f"Ny statusrapport: {found.name}",
                     cancel=url_for(".project", project_id=found.id))


@bp.get("/benefits")
@cached
def benefits():
    return render_template("projects/benefits.html", view=benefit_overview(get_session()))


@bp.route("/projects/<int:project_id>/benefits/new", methods=["GET", "POST"])
@editor_required
def new_benefit(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    form = BenefitForm()
    form.municipality.choices = municipality_choices(session, blank=True)
    if form.validate_on_submit():
        try:
            add_benefit(session, found, session.get(Municipality, form.municipality.data), form.kind.data,
                        amount=form.amount.data, hours=form.hours.data, cost=form.cost.data,
                        period=form.period.data, description=form.description.data, as_of=form.as_of.data)
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Gevinsten er registrert.", url_for(".project", project_id=found.id) + "#gevinster")
    return form_page("_form_page.html", form, title=f"Ny gevinst: {found.name}",
                     cancel=url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/benefits/import", methods=["GET", "POST"])
@editor_required
def import_benefits_view(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    form = BenefitImportForm()
    row_errors: list[str] = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")  # Excel on Windows saves "CSV" in this encoding
        try:
            rows = import_benefits(session, found, text, list(session.exec(select(Municipality).where(
                Municipality.organisation_id == found.organisation_id))), form.replace.data)
        except CsvImportError as error:
            row_errors = error.errors
            form.file.errors = [*form.file.errors, "Filen ble ikke lest inn. Rett radene under og prøv igjen."]
        else:
            return saved(f"{len(rows)} gevinster er lest inn.", url_for(".project", project_id=found.id) + "#gevinster")
    return form_page("_form_page.html", form, title=f"Les inn gevinster: {found.name}",
                     cancel=url_for(".project", project_id=found.id), multipart=True, row_errors=row_errors)


@bp.get("/projects/<int:project_id>/benefits.csv")
@cached
def benefits_export(project_id: int):
    session = get_session()
    found = or_404(load_project(session, project_id), "Prosjektet finnes ikke.")
    rows = list(session.exec(select(Benefit).where(Benefit.project_id == found.id).order_by(Benefit.id)))
    names = dict(session.exec(select(Municipality.id, Municipality.name)
                              .where(Municipality.organisation_id == found.organisation_id)).all())
    return csv_response(benefits_rows(rows, names), f"gevinster-{found.id}.csv")
