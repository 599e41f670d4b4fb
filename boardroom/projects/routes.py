"""Projects: participation in joint decisions, projects, costs and their shares, benefits and
follow-up actions. Read pages are public where the material is; every change needs the
secretary or the administrator, a CSRF token and valid input (else 400 with the message
next to the field, and nothing saved)."""

from __future__ import annotations

import csv
import io
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlmodel import select

from boardroom.core.access import can_edit, editor_required, is_signed_in
from boardroom.core.cache import cached
from boardroom.costs.tables import key_text, save_cost, save_cost_key, sharing_text
from boardroom.core.db import get_session
from boardroom.core.formatting import nb_sort_key
from boardroom.meetings.minutes import item_number
from boardroom.models import (
    AgendaItem,
    Benefit,
    Body,
    Cost,
    CostKey,
    CostSharing,
    FollowUp,
    FollowUpStatus,
    Health,
    Membership,
    Municipality,
    Person,
    Project,
    ProjectDecision,
    ProjectPhase,
)
from boardroom.projects import portfolio
from boardroom.projects.projects import (
    CsvImportError,
    InputError,
    add_benefit,
    add_grant,
    add_status_report,
    benefits_csv,
    create_decision,
    create_follow_up,
    find_item,
    follow_up_rows,
    format_amount,
    import_benefits,
    load_decision,
    net,
    open_follow_ups_for,
    record_answer,
    save_project,
    today,
    update_follow_up,
    add_follow_up_case,
    FOLLOW_UP_CASE_TITLE,
)
from boardroom.projects.forms import (
    NONE_CHOSEN,
    AnswerForm,
    BenefitForm,
    BenefitImportForm,
    CostForm,
    CostKeyForm,
    DecisionForm,
    FollowUpEditForm,
    FollowUpForm,
    GrantForm,
    ProjectForm,
    SelectChoice,
    StatusReportForm,
    bulk_answer_form,
)

bp = Blueprint("projects", __name__)
CSV_MIMETYPE = "text/csv; charset=utf-8"


def cached_daily(view):
    """``boardroom.cache.cached`` with today's date in the key, for pages that mark overdue follow-ups."""
    inner = cached(lambda day, **kwargs: view(**kwargs))

    @wraps(view)
    def wrapper(**kwargs):
        return inner(day=today().isoformat(), **kwargs)

    return wrapper


# --------------------------------------------------------------------------- template helpers


@bp.app_template_global()
def open_follow_ups(meeting):
    """For templates/projects/_follow_ups.html: the actions the meeting follows up, as the viewer may see them."""
    rows = open_follow_ups_for(get_session(), meeting)
    return portfolio.visible_follow_ups(rows, public=not is_signed_in())


@bp.app_template_global()
def case_extras(item):
    """For templates/projects/_case_extras.html: the case's cost shares (as decided) and follow-ups."""
    from boardroom.costs.tables import tables_for_items

    session = get_session()
    public = not is_signed_in()
    tables = tables_for_items(session, [item.id]).get(item.id, [])
    if public and not portfolio.published(item):
        tables = []
    rows = follow_up_rows(session, FollowUp.agenda_item_id == item.id)
    return {"tables": tables, "follow_ups": portfolio.visible_follow_ups(rows, public)}


bp.add_app_template_global(can_edit, "can_edit")
bp.add_app_template_global(key_text, "key_text")
bp.add_app_template_global(sharing_text, "sharing_text")
bp.add_app_template_global(net, "benefit_net")


def csv_response(rows: list[list[str]], filename: str) -> Response:
    """Semicolon-separated UTF-8 with a byte-order mark, so Excel reads æ, ø and å."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return csv_text_response(out.getvalue(), filename)


def csv_text_response(text: str, filename: str) -> Response:
    return Response("\ufeff" + text, mimetype=None, content_type=CSV_MIMETYPE,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def render_form(form, title: str, cancel: str, template: str = "projects/form.html", **context):
    """The form page: 200 on GET, 400 when a posted form has errors (what was typed is kept)."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, title=title, cancel=cancel, **context), status


def saved(message: str, target: str):
    flash(message, "info")
    return redirect(target)


def first_body(session) -> Body:
    body = session.exec(select(Body).order_by(Body.id).limit(1)).first()
    if body is None:
        abort(400, "Det finnes ikke noe styre ennå. Opprett styret først.")
    return body


def get_or_404(session, model, row_id: int, message: str):
    row = session.get(model, row_id)
    if row is None:
        abort(404, message)
    return row


def municipality_choices(session, blank: bool = False) -> list[SelectChoice]:
    towns = sorted(session.exec(select(Municipality)), key=lambda m: nb_sort_key(m.name))
    return ([NONE_CHOSEN] if blank else []) + [SelectChoice(m.id, m.name) for m in towns]


def project_choices(session) -> list[SelectChoice]:
    projects = session.exec(select(Project).order_by(Project.position, Project.name))
    return [NONE_CHOSEN] + [SelectChoice(p.id, p.name) for p in projects]


def person_choices(session) -> list[SelectChoice]:
    """The people who hold a seat (board, staff, observers), by name."""
    people = session.exec(select(Person).where(Person.id.in_(select(Membership.person_id)))).all()
    return [NONE_CHOSEN] + [SelectChoice(p.id, p.name) for p in sorted(people, key=lambda p: nb_sort_key(p.name))]


def case_or_error(session, number: str, field: str) -> AgendaItem | None:
    """The case a form names by number (None when the field is empty); InputError on that field."""
    if not number:
        return None
    try:
        return find_item(session, number)
    except InputError as error:
        raise InputError(str(error), field) from None


def enum_arg(enum_cls, name: str):
    value = request.args.get(name, "")
    try:
        return enum_cls(value) if value else None
    except ValueError:
        abort(400, f"Ukjent verdi «{value}» for {name}.")


# --------------------------------------------------------------------------- participation


def matrix_filters():
    return dict(region=request.args.get("region", ""), phase=enum_arg(ProjectPhase, "fase"),
                health=enum_arg(Health, "helse"))


@bp.get("/participation")
@cached
def participation():
    data = portfolio.matrix(get_session(), **matrix_filters())
    return render_template("projects/participation.html", data=data, rows=data.rows,
                           municipalities=data.municipalities, phases=list(ProjectPhase), healths=list(Health))


@bp.get("/participation.csv")
@cached
def participation_csv():
    data = portfolio.matrix(get_session(), **matrix_filters())
    return csv_response(portfolio.matrix_csv_rows(data), "deltakelse.csv")


def decision_or_404(session, decision_id: int):
    """The project decision with its answers; 404 with a Norwegian message when there is none."""
    found = load_decision(session, decision_id)
    if found is None:
        abort(404, "Vedtaket finnes ikke.")
    return found


@bp.get("/decisions/<int:decision_id>")
@cached
def decision(decision_id: int):
    session = get_session()
    found = decision_or_404(session, decision_id)
    return render_template("projects/decision.html", view=portfolio.decision_view(session, found))


def get_decision_or_404(session, decision_id: int) -> ProjectDecision:
    found = load_decision(session, decision_id)
    if found is None:
        abort(404, "Vedtaket finnes ikke.")
    return found


@bp.route("/decisions/<int:decision_id>/answers/new", methods=["GET", "POST"])
@editor_required
def new_answer(decision_id: int):
    session = get_session()
    found = get_decision_or_404(session, decision_id)
    form = AnswerForm()
    form.municipality.choices = municipality_choices(session, blank=True)
    if not form.is_submitted():
        form.answered_on.data = today()
    if form.validate_on_submit():
        try:
            source_item = case_or_error(session, form.source_case.data, "source_case")
            town = session.get(Municipality, form.municipality.data)
            record_answer(session, found, town, form.answer.data, form.answered_on.data, form.source.data,
                          source_item, form.remark.data)
        except InputError as error:
            form.add_error(error)
        else:
            return saved(f"Svaret fra {town.name} er registrert.", url_for(".decision", decision_id=found.id))
    return render_form(form, f"Registrer svar: {found.title}", url_for(".decision", decision_id=found.id))


@bp.route("/decisions/<int:decision_id>/answers", methods=["GET", "POST"])
@editor_required
def answers(decision_id: int):
    """Answers of many municipalities at once: the members on the decision's date."""
    session = get_session()
    found = get_decision_or_404(session, decision_id)
    view = portfolio.decision_view(session, found)
    members = sorted(view.status.members, key=lambda m: nb_sort_key(m.name))
    form = bulk_answer_form(members, request.form if request.method == "POST" else None)
    if not form.is_submitted():
        form.answered_on.data = today()
    if form.validate_on_submit():
        chosen = [(m, form[f"answer_{m.id}"].data, form[f"remark_{m.id}"].data) for m in members
                  if form[f"answer_{m.id}"].data is not None]
        try:
            if not chosen:
                raise InputError("Velg et svar for minst én kommune.")
            source_item = case_or_error(session, form.source_case.data, "source_case")
            for town, answer, remark in chosen:
                record_answer(session, found, town, answer, form.answered_on.data, form.source.data, source_item,
                              remark)
        except InputError as error:
            form.add_error(error)
        else:
            return saved(f"{len(chosen)} svar er registrert.", url_for(".decision", decision_id=found.id))
    return render_form(form, f"Registrer svar: {found.title}", url_for(".decision", decision_id=found.id),
                       template="projects/answers_form.html", view=view, members=members)


# --------------------------------------------------------------------------- projects


@bp.get("/projects")
@cached
def index():
    phase = enum_arg(ProjectPhase, "fase")
    return render_template("projects/index.html", rows=portfolio.project_rows(get_session(), phase),
                           phase=phase, phases=list(ProjectPhase))


def get_project_or_404(session, project_id: int) -> Project:
    found = portfolio.load_project(session, project_id)
    if found is None:
        abort(404, "Prosjektet finnes ikke.")
    return found


@bp.get("/projects/<int:project_id>")
@cached
def project(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
    return render_template("projects/project.html",
                           view=portfolio.project_view(session, found, public=not is_signed_in()))


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
    return render_form(form, "Nytt prosjekt", url_for(".index"))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_project(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
    form = ProjectForm(obj=found)
    if form.validate_on_submit():
        try:
            save_project(session, found, found.body_id, **project_values(form))
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Prosjektet er lagret.", url_for(".project", project_id=found.id))
    return render_form(form, f"Rediger {found.name}", url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/decisions/new", methods=["GET", "POST"])
@editor_required
def new_decision(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
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
                         url_for(".answers", decision_id=created.id))
    return render_form(form, f"Nytt prosjektvedtak: {found.name}", url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/grants/new", methods=["GET", "POST"])
@editor_required
def new_grant(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
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
    return render_form(form, f"Nytt eksternt tilskudd: {found.name}", url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/status-reports/new", methods=["GET", "POST"])
@editor_required
def new_status_report(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
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
    return render_form(form, f"Ny statusrapport: {found.name}", url_for(".project", project_id=found.id))


# --------------------------------------------------------------------------- benefits


@bp.get("/benefits")
@cached
def benefits():
    return render_template("projects/benefits.html", view=portfolio.benefit_overview(get_session()))


@bp.route("/projects/<int:project_id>/benefits/new", methods=["GET", "POST"])
@editor_required
def new_benefit(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
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
    return render_form(form, f"Ny gevinst: {found.name}", url_for(".project", project_id=found.id))


@bp.route("/projects/<int:project_id>/benefits/import", methods=["GET", "POST"])
@editor_required
def import_benefits_view(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
    form = BenefitImportForm()
    row_errors: list[str] = []
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")  # Excel on Windows saves "CSV" in this encoding
        try:
            rows = import_benefits(session, found, text, list(session.exec(select(Municipality))), form.replace.data)
        except CsvImportError as error:
            row_errors = error.errors
            form.file.errors = [*form.file.errors, "Filen ble ikke lest inn. Rett radene under og prøv igjen."]
        else:
            return saved(f"{len(rows)} gevinster er lest inn.", url_for(".project", project_id=found.id) + "#gevinster")
    return render_form(form, f"Les inn gevinster: {found.name}", url_for(".project", project_id=found.id),
                       multipart=True, row_errors=row_errors)


@bp.get("/projects/<int:project_id>/benefits.csv")
@cached
def benefits_export(project_id: int):
    session = get_session()
    found = get_project_or_404(session, project_id)
    rows = list(session.exec(select(Benefit).where(Benefit.project_id == found.id).order_by(Benefit.id)))
    names = dict(session.exec(select(Municipality.id, Municipality.name)).all())
    return csv_text_response(benefits_csv(rows, names), f"gevinster-{found.id}.csv")


# --------------------------------------------------------------------------- costs


@bp.get("/costs")
@cached
def costs():
    rows, keys = portfolio.cost_list(get_session(), public=not is_signed_in())
    return render_template("projects/costs.html", rows=rows, keys=keys)


def get_cost_or_404(session, cost_id: int) -> Cost:
    found = portfolio.load_cost(session, cost_id)
    if found is None or (not is_signed_in() and not portfolio.published(found.agenda_item)):
        abort(404, "Kostnaden finnes ikke.")
    return found


@bp.get("/costs/<int:cost_id>")
@cached
def cost(cost_id: int):
    session = get_session()
    found = get_cost_or_404(session, cost_id)
    return render_template("projects/cost.html", cost=found, versions=portfolio.cost_versions(session, found))


@bp.get("/costs/<int:cost_id>.csv")
@cached
def cost_csv(cost_id: int):
    session = get_session()
    found = get_cost_or_404(session, cost_id)
    table = portfolio.cost_versions(session, found)[0]
    if table.error:
        abort(409, table.error)
    amount = format_amount
    rows = [["Kommune", "Antall innbyggere", "Fordelt etter innbyggertall", "Flat del", "Totalt pr kommune"]]
    rows += [[m.name, str(s.population), amount(s.per_inhabitant), amount(s.flat), amount(s.total)]
             for m, s in table.rows]
    rows.append(["Sum", str(table.population), amount(table.per_inhabitant), amount(table.total - table.per_inhabitant),
                 amount(table.total)])
    return csv_response(rows, f"kostnadsfordeling-{found.id}.csv")


def fill_cost_form(session, form: CostForm) -> None:
    keys = session.exec(select(CostKey).order_by(CostKey.name)).all()
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
    return render_form(form, "Ny kostnad", url_for(".costs"))


@bp.route("/costs/<int:cost_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_cost(cost_id: int):
    session = get_session()
    found = get_cost_or_404(session, cost_id)
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
    return render_form(form, f"Rediger {found.description}", url_for(".cost", cost_id=found.id))


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
            target = (url_for(".project", project_id=form.project.data) if form.project.data
                      else url_for(".costs")) + "#nokler"
            return saved("Fordelingsnøkkelen er lagret.", target)
    return render_form(form, "Ny fordelingsnøkkel", url_for(".costs"))


# --------------------------------------------------------------------------- follow-up


@bp.get("/follow-ups")
@cached_daily
def follow_ups():
    """Every action (cached for the day: 'overdue' changes with the date)."""
    wanted = request.args.get("status", "")
    rows = portfolio.visible_follow_ups(follow_up_rows(get_session()), public=not is_signed_in())
    if wanted == "alle":
        shown = rows
    elif wanted:
        status = enum_arg(FollowUpStatus, "status")
        shown = [r for r in rows if r.follow_up.status == status]
    else:
        shown = [r for r in rows if r.follow_up.status != FollowUpStatus.done]
    return render_template("projects/follow_ups.html", rows=shown, status=wanted, statuses=list(FollowUpStatus),
                           overdue=sum(r.overdue for r in rows))


def fill_follow_up_form(session, form: FollowUpForm) -> None:
    form.responsible_person.choices = person_choices(session)
    form.responsible_municipality.choices = municipality_choices(session, blank=True)


def get_item_or_404(session, item_id: int) -> AgendaItem:
    item = session.exec(select(AgendaItem).where(AgendaItem.id == item_id)
                        .options(*portfolio.item_options())).first()
    if item is None:
        abort(404, "Saken finnes ikke.")
    return item


@bp.route("/cases/<int:agenda_item_id>/follow-ups/new", methods=["GET", "POST"])
@editor_required
def new_follow_up(agenda_item_id: int):
    session = get_session()
    item = get_item_or_404(session, agenda_item_id)
    form = FollowUpForm()
    fill_follow_up_form(session, form)
    if form.validate_on_submit():
        try:
            create_follow_up(session, item, form.text.data, person_id=form.responsible_person.data,
                             municipality_id=form.responsible_municipality.data, due_date=form.due_date.data,
                             status=form.status.data)
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Oppfølgingspunktet er registrert.", url_for(".follow_ups"))
    return render_form(form, f"Nytt oppfølgingspunkt fra sak {item_number(item)}",
                       url_for("meetings.case", agenda_item_id=item.id))


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_follow_up(follow_up_id: int):
    session = get_session()
    found = get_or_404(session, FollowUp, follow_up_id, "Oppfølgingspunktet finnes ikke.")
    item = get_item_or_404(session, found.agenda_item_id)
    form = FollowUpEditForm(obj=found)
    fill_follow_up_form(session, form)
    if not form.is_submitted():
        form.responsible_person.data = found.responsible_person_id
        form.responsible_municipality.data = found.responsible_municipality_id
        closing = session.get(AgendaItem, found.closed_by_item_id) if found.closed_by_item_id else None
        form.closed_by.data = item_number(closing) if closing else ""
    if form.validate_on_submit():
        try:
            closed_by = case_or_error(session, form.closed_by.data, "closed_by")
            update_follow_up(session, found, text=form.text.data, person_id=form.responsible_person.data,
                             municipality_id=form.responsible_municipality.data, due_date=form.due_date.data,
                             status=form.status.data, closed_by=closed_by)
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Oppfølgingspunktet er lagret.", url_for(".follow_ups"))
    return render_form(form, f"Rediger oppfølgingspunkt fra sak {item_number(item)}", url_for(".follow_ups"))


@bp.route("/meetings/<int:meeting_id>/follow-up-case", methods=["GET", "POST"])
@editor_required
def follow_up_case(meeting_id: int):
    """Put the open actions on the meeting's agenda as an information case (after a confirmation)."""
    from boardroom.core.forms import Form
    from boardroom.meetings.minutes import load_meeting

    session = get_session()
    meeting = load_meeting(session, meeting_id)
    if meeting is None:
        abort(404, "Møtet finnes ikke.")
    form = Form()
    rows = open_follow_ups_for(session, meeting)
    if form.validate_on_submit():
        try:
            item = add_follow_up_case(session, meeting)
        except InputError as error:
            form.form_errors.append(str(error))
        else:
            return saved(f"«{FOLLOW_UP_CASE_TITLE}» er lagt til på sakslisten.",
                         url_for("meetings.case", agenda_item_id=item.id))
    status = 400 if request.method == "POST" else 200
    return render_template("projects/follow_up_case.html", form=form, meeting=meeting, rows=rows,
                           title=FOLLOW_UP_CASE_TITLE), status
