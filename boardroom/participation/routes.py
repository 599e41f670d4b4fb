"""Routes for participation: the matrix and its CSV, one decision, and the answers of the
members. Changes need the secretary or the administrator.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from boardroom.core import vocabularies
from boardroom.core.access import editor_required
from boardroom.core.cache import cached
from boardroom.core.db import get_session
from boardroom.core.formatting import nb_sort_key
from boardroom.core.inputs import InputError, today
from boardroom.core.labels import members_word
from boardroom.core.views import csv_response, form_page, municipality_choices, or_404, saved, term_arg
from boardroom.core.years import asked_year
from boardroom.meetings.lookup import case_or_error
from boardroom.models import Municipality
from boardroom.participation.answers import load_decision, record_answer
from boardroom.participation.forms import AnswerForm, bulk_answer_form
from boardroom.participation.matrix import decision_view, matrix, matrix_csv_rows

bp = Blueprint("participation", __name__)


def matrix_filters():
    session = get_session()
    return dict(region=request.args.get("region", ""), asked=asked_year(request.args),
                phase=term_arg(vocabularies.terms(session, "phase"), "fase"),
                health=term_arg(vocabularies.terms(session, "health"), "helse"))


@bp.get("/participation")
@cached
def participation():
    data = matrix(get_session(), **matrix_filters())
    return render_template("participation/participation.html", data=data, rows=data.rows,
                           municipalities=data.municipalities, phases=vocabularies.terms(get_session(), "phase"),
                           healths=vocabularies.terms(get_session(), "health"),
                           word=members_word(data.municipalities))


@bp.get("/participation.csv")
@cached
def participation_csv():
    data = matrix(get_session(), **matrix_filters())
    return csv_response(matrix_csv_rows(data), "deltakelse.csv")


@bp.get("/decisions/<int:decision_id>")
@cached
def decision(decision_id: int):
    session = get_session()
    found = or_404(load_decision(session, decision_id), "Vedtaket finnes ikke.")
    return render_template("participation/decision.html", view=decision_view(session, found))


@bp.route("/decisions/<int:decision_id>/answers/new", methods=["GET", "POST"])
@editor_required
def new_answer(decision_id: int):
    session = get_session()
    found = or_404(load_decision(session, decision_id), "Vedtaket finnes ikke.")
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
    return form_page("_form_page.html", form, title=f"Registrer svar: {found.title}",
                     cancel=url_for(".decision", decision_id=found.id))


@bp.route("/decisions/<int:decision_id>/answers", methods=["GET", "POST"])
@editor_required
def answers(decision_id: int):
    """Answers of many municipalities at once: the members on the decision's date."""
    session = get_session()
    found = or_404(load_decision(session, decision_id), "Vedtaket finnes ikke.")
    view = decision_view(session, found)
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
    return form_page("participation/answers_form.html", form, title=f"Registrer svar: {found.title}",
                     cancel=url_for(".decision", decision_id=found.id), view=view, members=members)
