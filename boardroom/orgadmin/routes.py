"""The administrator's organisations: the list with a form for a new one, and each one's identity.
Only the administrator (whose role covers the whole installation) comes here.

A new organisation starts empty; the administrator lands in its registers (``/<slug>/registers/``),
where its bodies, members, people and seats are added, or loads them from a file.
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from sqlmodel import select

from boardroom.core.access import admin_required
from boardroom.core.db import get_session
from boardroom.core.inputs import Invalid
from boardroom.core.orgs import site_root
from boardroom.core.views import form_page, get_or_404, saved
from boardroom.models import Organisation
from boardroom.orgadmin import onboarding, organisations
from boardroom.orgadmin.forms import EditOrganisationForm, ImportForm, NewOrganisationForm

bp = Blueprint("orgadmin", __name__, url_prefix="/organisations")


@bp.before_request
@admin_required
def only_the_administrator():
    """Every page here: log-in page for visitors, 403 for every account but the administrator's."""


def registers_address(organisation: Organisation) -> str:
    return f"{site_root()}/{organisation.slug}/registers/"


def index_page(form: NewOrganisationForm):
    rows = organisations.organisations_with_counts(get_session())
    return form_page("orgadmin/index.html", form, rows=rows, registers_address=registers_address)


@bp.get("/")
def index():
    return index_page(NewOrganisationForm())


@bp.post("/")
def create():
    form = NewOrganisationForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            organisation = organisations.create_organisation(
                session, form.name.data, form.slug.data, form.short_name.data or "", form.number.data or "")
            logo = form.uploaded_logo()
            if logo:
                organisations.change_logo(session, organisation, *logo)
        except Invalid as invalid:
            form.add_invalid(invalid)  # the 400 rolls back the organisation made above
        else:
            return saved(f"{organisation.name} er opprettet. Registrer organene, medlemmene og personene.",
                         registers_address(organisation))
    return index_page(form)


@bp.route("/<int:organisation_id>", methods=["GET", "POST"])
def edit(organisation_id: int):
    session = get_session()
    organisation = get_or_404(Organisation, organisation_id, "Organisasjonen finnes ikke.")
    form = EditOrganisationForm(current=organisation)
    if form.validate_on_submit():
        try:
            organisations.update_identity(session, organisation, name=form.name.data,
                                          short_name=form.short_name.data or "", number=form.number.data or "")
            logo = form.uploaded_logo()
            if logo:
                organisations.change_logo(session, organisation, *logo)
            elif form.remove_logo.data:
                organisations.remove_logo(session, organisation)
        except Invalid as invalid:
            form.add_invalid(invalid)
        else:
            return saved(f"{organisation.name} er lagret.", url_for(".index"))
    return form_page("orgadmin/edit.html", form, organisation=organisation,
                     registers_address=registers_address(organisation))


@bp.route("/import", methods=["GET", "POST"])
def import_file():
    """Load an organisation's bodies, members, people and seats from a spreadsheet; a file with a
    bad row is refused whole (422, every problem with its sheet and line) and nothing is saved."""
    session = get_session()
    form = ImportForm(organisations=session.exec(select(Organisation).order_by(Organisation.id)).all())
    problems: list[str] = []
    if form.validate_on_submit():
        into = session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        try:
            loaded = onboarding.load_organisation(session, onboarding.read_upload(form.uploads()), into)
        except onboarding.ImportRefused as refused:
            problems = refused.problems
        else:
            return saved(loaded.summary(), registers_address(loaded.organisation))
    status = 422 if problems else (400 if form.is_submitted() else 200)
    return render_template("orgadmin/import.html", form=form, problems=problems), status
