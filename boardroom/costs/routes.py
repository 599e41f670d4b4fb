"""Routes for costs and cost keys: the cost list, one cost with its shares and CSV, and the
forms for new and changed costs and keys.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from boardroom.core.access import editor_required, reads_everything
from boardroom.core.cache import cached
from boardroom.core.db import get_session
from boardroom.core.fields import NONE_CHOSEN
from boardroom.core.formatting import by_name
from boardroom.core.inputs import InputError, today
from boardroom.core.orgs import here
from boardroom.core.parsing import format_amount
from boardroom.core.views import csv_response, first_body, form_page, or_404, project_choices, saved
from boardroom.core.years import asked_year
from boardroom.costs.forms import CostForm, CostKeyForm
from boardroom.costs.pages import cost_list, cost_versions, load_cost
from boardroom.costs.tables import key_text, save_cost, save_cost_key
from boardroom.meetings.lookup import case_or_error
from boardroom.meetings.minutes import item_number
from boardroom.models import CostKey, CostSharing

bp = Blueprint("costs", __name__)


@bp.get("/costs")
@cached
def costs():
    listed = cost_list(get_session(), public=not reads_everything(), asked=asked_year(request.args))
    return render_template("costs/costs.html", listed=listed)


@bp.get("/costs/<int:cost_id>")
@cached
def cost(cost_id: int):
    session = get_session()
    found = or_404(load_cost(session, cost_id, public=not reads_everything()), "Kostnaden finnes ikke.")
    return render_template("costs/cost.html", cost=found, versions=cost_versions(session, found))


@bp.get("/costs/<int:cost_id>.csv")
@cached
def cost_csv(cost_id: int):
    session = get_session()
    found = or_404(load_cost(session, cost_id, public=not reads_everything()), "Kostnaden finnes ikke.")
    table = cost_versions(session, found)[0]
    if table.error:
        abort(409, table.error)
    amount = format_amount
    own = table.by_ownership  # a column for the part by ownership share (eierandel)
    who = "kommune" if table.all_municipalities else "medlem"
    rows = [[who.capitalize(), "Antall innbyggere", "Fordelt etter innbyggertall",
             *(["Fordelt etter eierandel"] if own else []), "Flat del", f"Totalt pr {who}"]]
    rows += [[m.name, str(s.population), amount(s.per_inhabitant), *([amount(s.ownership)] if own else []),
              amount(s.flat), amount(s.total)] for m, s in table.rows]
    rows.append(["Sum", str(table.population), amount(table.per_inhabitant), *([amount(table.ownership)] if own else []),
                 amount(table.total - table.per_inhabitant - table.ownership), amount(table.total)])
    return csv_response(rows, f"kostnadsfordeling-{found.id}.csv")


def fill_cost_form(session, form: CostForm) -> None:
    keys = by_name(session.exec(select(CostKey).where(here(CostKey.organisation_id))).all())
    form.cost_key.choices = [NONE_CHOSEN] + [SelectChoice(k.id, f"{k.name} ({key_text(k)})") for k in keys]
    form.project.choices = project_choices(session)


def cost_values(session, form: CostForm, body_id: int) -> dict:
    item = case_or_error(session, form.case.data, "case")
    return dict(body_id=body_id, description=form.description.data, year=form.year.data, total=form.total.data,
                sharing=form.sharing.data, population_date=form.population_date.data,
                project_id=form.project.data, agenda_item_id=item.id if item else None)


@bp.route("/costs/new", methods=["GET", "POST"])
@editor_required
def new_cost():
    session = get_session()
    form = CostForm()
    fill_cost_form(session, form)
    if not form.is_submitted():
        form.year.data = today().year + 1
        form.project.data = request.args.get("project", type=int)
        if form.project.data:
            form.sharing.data = CostSharing.participants
    if form.validate_on_submit():
        try:
            key = session.get(CostKey, form.cost_key.data)
            created = save_cost(session, None, key, **cost_values(session, form, first_body(session).id))
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Kostnaden er registrert.", url_for(".cost", cost_id=created.id))
    return form_page("_form_page.html", form, title="Ny kostnad", cancel=url_for(".costs"))


@bp.route("/costs/<int:cost_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_cost(cost_id: int):
    session = get_session()
    found = or_404(load_cost(session, cost_id, public=not reads_everything()), "Kostnaden finnes ikke.")
    form = CostForm(obj=found)
    fill_cost_form(session, form)
    if not form.is_submitted():
        form.cost_key.data, form.project.data = found.cost_key_id, found.project_id
        form.case.data = item_number(found.agenda_item) if found.agenda_item else ""
    if form.validate_on_submit():
        try:
            key = session.get(CostKey, form.cost_key.data)
            save_cost(session, found, key, **cost_values(session, form, found.body_id))
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Kostnaden er lagret.", url_for(".cost", cost_id=found.id))
    return form_page("_form_page.html", form, title=f"Rediger {found.description}",
                     cancel=url_for(".cost", cost_id=found.id))


@bp.route("/cost-keys/new", methods=["GET", "POST"])
@editor_required
def new_cost_key():
    session = get_session()
    form = CostKeyForm()
    form.project.choices = project_choices(session)
    if not form.is_submitted():
        form.project.data = request.args.get("project", type=int)
    if form.validate_on_submit():
        try:
            save_cost_key(session, first_body(session).id, form.name.data, project_id=form.project.data,
                          **form.key_values())
        except InputError as error:
            form.add_error(error)
        else:
            target = (url_for("projects.project", project_id=form.project.data) if form.project.data
                      else url_for(".costs")) + "#nokler"
            return saved("Fordelingsnøkkelen er lagret.", target)
    return form_page("_form_page.html", form, title="Ny fordelingsnøkkel", cancel=url_for(".costs"))