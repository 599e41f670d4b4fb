"""The registers: bodies and their standard cases, municipalities and their population,
persons and their memberships. Only the secretary and the administrator come here.

Views load, validate the form, call a function in ``boardroom.registers.registers`` and redirect with
a message; a form that fails validation comes back with status 400 and what was typed.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlmodel import select

from boardroom.core import vocabularies
from boardroom.core.access import editor_required
from boardroom.core.db import get_session
from boardroom.core.formatting import by_name, nb_date
from boardroom.core.inputs import InputError
from boardroom.core.labels import members_word
from boardroom.core.orgs import current_organisation_id, here
from boardroom.core.views import base_url, form_page, get_or_404, or_404, saved
from boardroom.members.pages import latest_population
from boardroom.models import Body, MemberKind, Membership, Municipality, Person, PopulationFigure, StandardCase, User
from boardroom.registers import registers
from boardroom.registers import vocabularies as terms_admin
from boardroom.registers.forms import (
    BodyForm,
    ConfirmForm,
    MembershipForm,
    MoveForm,
    MunicipalityForm,
    PersonForm,
    PopulationForm,
    StandardCaseForm,
    TermForm,
)
from boardroom.registers.registers import InUse
from boardroom.registers.vocabularies import TermInUse

bp = Blueprint("registers", __name__, url_prefix="/registers")


@bp.before_request
@editor_required
def only_editors():
    """Every page here: log-in page for visitors, 403 for members and readers."""


def confirm_delete(row, what: str, back_url: str, done_url: str, done: str, consequence: str = ""):
    """Ask before deleting (GET), delete on the confirming POST; 409 while the row is in use."""
    session = get_session()
    try:
        registers.ensure_deletable(session, row)
    except InUse as exc:
        return render_template("registers/in_use.html", message=exc.description, back_url=back_url), 409
    form = ConfirmForm()
    if form.validate_on_submit():
        registers.delete(session, row)
        return saved(done, done_url)
    return render_template("registers/confirm_delete.html", form=form, what=what, back_url=back_url,
                           consequence=consequence)


@bp.get("/")
def index():
    session = get_session()
    counts = {model.__name__: session.exec(select(func.count()).select_from(model)
                                           .where(here(model.organisation_id))).one()
              for model in (Body, Municipality, Person)}
    return render_template("registers/index.html", counts=counts, base_url=base_url())


# --------------------------------------------------------------------------- bodies


@bp.get("/bodies")
def bodies():
    rows = by_name(get_session().exec(select(Body).where(here(Body.organisation_id))
                                      .options(selectinload(Body.standard_cases))).all())
    return render_template("registers/bodies.html", bodies=rows, format_example=registers.format_example)


@bp.get("/bodies/format-example")
def body_format_example():
    """The example number for a format being typed (the body form updates it as you type)."""
    return jsonify(example=registers.format_example(request.args.get("format")))


def body_page(form: BodyForm, body: Body | None):
    """The body's form with the example number of its format (and its standard cases)."""
    example = registers.format_example(form.case_number_format.data)
    return form_page("registers/body.html", form, body=body, example=example,
                     groups=registers.standard_cases_by_place(body) if body else None)


@bp.route("/bodies/new", methods=["GET", "POST"])
def body_new():
    form = BodyForm()
    if form.validate_on_submit():
        registers.create_body(get_session(), organisation_id=current_organisation_id(), **form.values())
        return saved("Organet er lagret.", url_for(".bodies"))
    return body_page(form, None)


@bp.route("/bodies/<int:body_id>", methods=["GET", "POST"])
def body_edit(body_id: int):
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    form = BodyForm(current=body)
    if form.validate_on_submit():
        registers.save(get_session(), body, **form.values())
        return saved("Organet er lagret.", url_for(".bodies"))
    return body_page(form, body)


@bp.route("/bodies/<int:body_id>/delete", methods=["GET", "POST"])
def body_delete(body_id: int):
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    return confirm_delete(body, f"organet «{body.name}»", url_for(".body_edit", body_id=body.id),
                          url_for(".bodies"), "Organet er slettet.",
                          "Standardsakene og vervene i organet slettes også.")


def standard_cases_url(body: Body) -> str:
    return url_for(".body_edit", body_id=body.id, _anchor="standardsaker")


@bp.route("/bodies/<int:body_id>/standard-cases/new", methods=["GET", "POST"])
def standard_case_new(body_id: int):
    body = get_or_404(Body, body_id, "Organet finnes ikke.")
    form = StandardCaseForm()
    if form.validate_on_submit():
        registers.save_standard_case(get_session(), body, StandardCase(), **form.values())
        return saved("Standardsaken er lagret.", standard_cases_url(body))
    return form_page("registers/standard_case.html", form, body=body, case=None)


@bp.route("/bodies/<int:body_id>/standard-cases/<int:case_id>", methods=["GET", "POST"])
def standard_case_edit(body_id: int, case_id: int):
    case = get_or_404(StandardCase, case_id, "Standardsaken finnes ikke.", body_id=body_id)
    form = StandardCaseForm(current=case)
    if form.validate_on_submit():
        registers.save_standard_case(get_session(), case.body, case, **form.values())
        return saved("Standardsaken er lagret.", standard_cases_url(case.body))
    return form_page("registers/standard_case.html", form, body=case.body, case=case)


@bp.post("/bodies/<int:body_id>/standard-cases/<int:case_id>/move")
def standard_case_move(body_id: int, case_id: int):
    case = get_or_404(StandardCase, case_id, "Standardsaken finnes ikke.", body_id=body_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400, "Velg om saken skal flyttes opp eller ned.")
    registers.move_standard_case(get_session(), case, form.direction.data)
    return saved("Rekkefølgen er endret.", standard_cases_url(case.body))


@bp.route("/bodies/<int:body_id>/standard-cases/<int:case_id>/delete", methods=["GET", "POST"])
def standard_case_delete(body_id: int, case_id: int):
    case = get_or_404(StandardCase, case_id, "Standardsaken finnes ikke.", body_id=body_id)
    return confirm_delete(case, f"standardsaken «{case.title}»", standard_cases_url(case.body),
                          standard_cases_url(case.body), "Standardsaken er slettet.",
                          "Møter som allerede har saken på sakslisten, beholder den.")


# --------------------------------------------------------------------------- municipalities


@bp.get("/municipalities")
def municipalities():
    rows = by_name(get_session().exec(
        select(Municipality).where(here(Municipality.organisation_id))
        .options(selectinload(Municipality.populations))).all())
    return render_template("registers/municipalities.html", rows=[(m, latest_population(m)) for m in rows],
                           word=members_word(rows, capital=True))


def saved_text(member: Municipality) -> str:
    return "Kommunen er lagret." if member.kind == MemberKind.municipality else "Medlemmet er lagret."


@bp.route("/municipalities/new", methods=["GET", "POST"])
def municipality_new():
    form = MunicipalityForm()
    if form.validate_on_submit():
        member = registers.save_member(get_session(), Municipality(organisation_id=current_organisation_id()),
                                       **form.values())
        return saved(saved_text(member), url_for(".municipalities"))
    return form_page("registers/municipality.html", form, municipality=None)


@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
def municipality_edit(municipality_id: int):
    municipality = get_or_404(Municipality, municipality_id, "Kommunen finnes ikke.")
    form = MunicipalityForm(current=municipality)
    if form.validate_on_submit():
        registers.save_member(get_session(), municipality, **form.values())
        return saved(saved_text(municipality), url_for(".municipalities"))
    figures = sorted(municipality.populations, key=lambda p: p.as_of, reverse=True)
    return form_page("registers/municipality.html", form, municipality=municipality, figures=figures)


@bp.route("/municipalities/<int:municipality_id>/delete", methods=["GET", "POST"])
def municipality_delete(municipality_id: int):
    municipality = get_or_404(Municipality, municipality_id, "Kommunen finnes ikke.")
    return confirm_delete(municipality, f"kommunen {municipality.name} ({municipality.number})",
                          url_for(".municipality_edit", municipality_id=municipality.id),
                          url_for(".municipalities"), "Kommunen er slettet.", "Folketallene slettes også.")


def population_url(municipality_id: int) -> str:
    return url_for(".municipality_edit", municipality_id=municipality_id, _anchor="folketall")


@bp.route("/municipalities/<int:municipality_id>/population/new", methods=["GET", "POST"])
def population_new(municipality_id: int):
    municipality = get_or_404(Municipality, municipality_id, "Kommunen finnes ikke.")
    form = PopulationForm(municipality_id=municipality.id)
    if form.validate_on_submit():
        registers.save(get_session(), PopulationFigure(municipality_id=municipality.id), **form.values())
        return saved("Folketallet er lagret.", population_url(municipality.id))
    return form_page("registers/population.html", form, municipality=municipality, figure=None)


@bp.route("/municipalities/<int:municipality_id>/population/<int:figure_id>", methods=["GET", "POST"])
def population_edit(municipality_id: int, figure_id: int):
    figure = get_or_404(PopulationFigure, figure_id, "Folketallet finnes ikke.", municipality_id=municipality_id)
    form = PopulationForm(current=figure, municipality_id=municipality_id)
    if form.validate_on_submit():
        registers.save(get_session(), figure, **form.values())
        return saved("Folketallet er lagret.", population_url(municipality_id))
    return form_page("registers/population.html", form, municipality=figure.municipality, figure=figure)


@bp.route("/municipalities/<int:municipality_id>/population/<int:figure_id>/delete", methods=["GET", "POST"])
def population_delete(municipality_id: int, figure_id: int):
    figure = get_or_404(PopulationFigure, figure_id, "Folketallet finnes ikke.", municipality_id=municipality_id)
    return confirm_delete(figure, f"folketallet for {figure.municipality.name} per {nb_date(figure.as_of)}",
                          population_url(municipality_id), population_url(municipality_id),
                          "Folketallet er slettet.")


# --------------------------------------------------------------------------- persons and memberships


def memberships_query():
    return select(Membership).options(selectinload(Membership.municipality)).order_by(Membership.id)


def body_names() -> dict[int, str]:
    return dict(get_session().exec(select(Body.id, Body.name).where(here(Body.organisation_id))).all())


@bp.get("/persons")
def persons():
    session = get_session()
    people = by_name(session.exec(select(Person).where(here(Person.organisation_id))).all())
    all_seats = session.exec(memberships_query().where(Membership.person_id.in_(p.id for p in people))).all()
    seats: dict[int, list[Membership]] = {}
    for seat in all_seats:
        seats.setdefault(seat.person_id, []).append(seat)
    return render_template("registers/persons.html", people=people, seats=seats, bodies=body_names(),
                           stands_in_for=registers.stands_in_for(session, all_seats))


@bp.route("/persons/new", methods=["GET", "POST"])
def person_new():
    form = PersonForm()
    if form.validate_on_submit():
        registers.save(get_session(), Person(organisation_id=current_organisation_id()), **form.values())
        return saved("Personen er lagret.", url_for(".persons"))
    return form_page("registers/person.html", form, person=None)


@bp.route("/persons/<int:person_id>", methods=["GET", "POST"])
def person_edit(person_id: int):
    person = get_or_404(Person, person_id, "Personen finnes ikke.")
    form = PersonForm(current=person)
    if form.validate_on_submit():
        registers.save(get_session(), person, **form.values())
        return saved("Personen er lagret.", url_for(".persons"))
    seats = get_session().exec(memberships_query().where(Membership.person_id == person.id)).all()
    account = get_session().exec(select(User).where(User.person_id == person.id)).first()
    return form_page("registers/person.html", form, person=person, seats=seats, bodies=body_names(),
                     stands_in_for=registers.stands_in_for(get_session(), seats), account=account)


@bp.route("/persons/<int:person_id>/delete", methods=["GET", "POST"])
def person_delete(person_id: int):
    person = get_or_404(Person, person_id, "Personen finnes ikke.")
    return confirm_delete(person, f"personen {person.name}", url_for(".person_edit", person_id=person.id),
                          url_for(".persons"), "Personen er slettet.", "Vervene til personen slettes også.")


def membership_form(**kw) -> MembershipForm:
    session = get_session()
    return MembershipForm(
        bodies=by_name(session.exec(select(Body).where(here(Body.organisation_id))).all()),
        municipalities=session.exec(select(Municipality).where(here(Municipality.organisation_id))).all(),
        seats=registers.member_seats(session),
        **kw,
    )


def memberships_url(person_id: int) -> str:
    return url_for(".person_edit", person_id=person_id, _anchor="verv")


@bp.route("/persons/<int:person_id>/memberships/new", methods=["GET", "POST"])
def membership_new(person_id: int):
    person = get_or_404(Person, person_id, "Personen finnes ikke.")
    form = membership_form()
    if not form.body_id.choices:
        return saved("Registrer et organ før du gir personen et verv.", url_for(".body_new"))
    if form.validate_on_submit():
        registers.save(get_session(), Membership(person_id=person.id), **form.values())
        return saved("Vervet er lagret.", memberships_url(person.id))
    return form_page("registers/membership.html", form, person=person, seat=None)


@bp.route("/persons/<int:person_id>/memberships/<int:membership_id>", methods=["GET", "POST"])
def membership_edit(person_id: int, membership_id: int):
    seat = get_or_404(Membership, membership_id, "Vervet finnes ikke.", person_id=person_id)
    form = membership_form(current=seat)
    if form.validate_on_submit():
        registers.save(get_session(), seat, **form.values())
        return saved("Vervet er lagret.", memberships_url(person_id))
    return form_page("registers/membership.html", form, person=seat.person, seat=seat)


@bp.route("/persons/<int:person_id>/memberships/<int:membership_id>/delete", methods=["GET", "POST"])
def membership_delete(person_id: int, membership_id: int):
    seat = get_or_404(Membership, membership_id, "Vervet finnes ikke.", person_id=person_id)
    return confirm_delete(seat, f"vervet til {seat.person.name} i {body_names().get(seat.body_id, '')}",
                          memberships_url(person_id), memberships_url(person_id), "Vervet er slettet.",
                          "Sett heller en sluttdato hvis personen har hatt vervet; da blir historikken riktig.")


# --------------------------------------------------------------------------- vocabularies

# the address segment of each vocabulary
VOCABULARY_SLUGS = {"phases": "phase", "follow-up-statuses": "followup_status", "health": "health",
                    "case-kinds": "case_kind"}
SLUG_OF = {name: slug for slug, name in VOCABULARY_SLUGS.items()}


def vocabulary_or_404(slug: str) -> str:
    return or_404(VOCABULARY_SLUGS.get(slug), "Ordlisten finnes ikke.")


def vocabulary_url(vocabulary: str) -> str:
    return url_for(".vocabulary", slug=SLUG_OF[vocabulary])


def term_or_404(vocabulary: str, key: str):
    return or_404(next((t for t in vocabularies.terms(get_session(), vocabulary) if t.key == key), None),
                  "Ordet finnes ikke i listen.")


@bp.get("/vocabularies")
def vocabulary_index():
    session = get_session()
    return render_template("registers/vocabularies.html", slugs=SLUG_OF, titles=vocabularies.TITLES,
                           lists={name: vocabularies.terms(session, name) for name in vocabularies.VOCABULARIES})


@bp.get("/vocabularies/<slug>")
def vocabulary(slug: str):
    name = vocabulary_or_404(slug)
    session = get_session()
    return render_template("registers/vocabulary.html", name=name, slug=slug, title=vocabularies.TITLES[name],
                           terms=vocabularies.terms(session, name),
                           used=terms_admin.usage(session, current_organisation_id(), name),
                           means=dict(terms_admin.means_choices(name)) if name in vocabularies.MEANS_VOCABULARIES
                           else {}, hint=vocabularies.MEANS_HINTS.get(name, ""))


def term_page(form: TermForm, name: str, slug: str, term=None):
    return form_page("registers/term.html", form, name=name, slug=slug, title=vocabularies.TITLES[name], term=term,
                     hint=vocabularies.MEANS_HINTS.get(name, ""))


@bp.route("/vocabularies/<slug>/new", methods=["GET", "POST"])
def term_new(slug: str):
    name = vocabulary_or_404(slug)
    form = TermForm(name)
    if form.validate_on_submit():
        try:
            terms_admin.add_term(get_session(), current_organisation_id(), name, form.label.data,
                                 closed=form.closed.data, means=form.means.data)
        except InputError as error:
            form.add_error(error)
        else:
            return saved(f"«{form.label.data}» er lagt til.", vocabulary_url(name))
    return term_page(form, name, slug)


@bp.route("/vocabularies/<slug>/<key>", methods=["GET", "POST"])
def term_edit(slug: str, key: str):
    name = vocabulary_or_404(slug)
    term = term_or_404(name, key)
    form = TermForm(name, data=None if request.method == "POST" else
                    {"label": term.label, "closed": term.closed, "means": term.means})
    if form.validate_on_submit():
        try:
            terms_admin.change_term(get_session(), current_organisation_id(), name, key, label=form.label.data,
                                    closed=form.closed.data, means=form.means.data)
        except InputError as error:
            form.add_error(error)
        else:
            return saved(f"«{form.label.data}» er lagret.", vocabulary_url(name))
    return term_page(form, name, slug, term)


@bp.post("/vocabularies/<slug>/<key>/move")
def term_move(slug: str, key: str):
    name = vocabulary_or_404(slug)
    term_or_404(name, key)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400, "Velg om ordet skal flyttes opp eller ned.")
    terms_admin.move_term(get_session(), current_organisation_id(), name, key, form.direction.data)
    return saved("Rekkefølgen er endret.", vocabulary_url(name))


@bp.route("/vocabularies/<slug>/<key>/delete", methods=["GET", "POST"])
def term_delete(slug: str, key: str):
    name = vocabulary_or_404(slug)
    term = term_or_404(name, key)
    back = vocabulary_url(name)
    session = get_session()
    used = terms_admin.usage(session, current_organisation_id(), name).get(key, 0)
    if used:
        return render_template("registers/in_use.html", back_url=back, message=(
            f"«{term.label}» er i bruk ({used} {'registrering' if used == 1 else 'registreringer'}) og kan ikke "
            "slettes. Gi ordet et nytt navn i stedet.")), 409
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            terms_admin.delete_term(session, current_organisation_id(), name, key)
        except InputError as error:
            return render_template("registers/in_use.html", back_url=back, message=str(error),
                                   title="Kan ikke slettes"), 409 if isinstance(error, TermInUse) else 400
        return saved(f"«{term.label}» er slettet.", back)
    return render_template("registers/confirm_delete.html", form=form, what=f"ordet «{term.label}»", back_url=back,
                           consequence="")
