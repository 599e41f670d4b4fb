"""Routes for follow-up actions: the list, new and changed actions, and the follow-up case on
the next meeting's agenda.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from boardroom.core import vocabularies
from boardroom.core.access import editor_required, reads_everything
from boardroom.core.cache import cached_daily
from boardroom.core.db import get_session
from boardroom.core.forms import Form
from boardroom.core.inputs import InputError
from boardroom.core.views import form_page, get_or_404, municipality_choices, or_404, person_choices, saved, term_arg
from boardroom.followups.followups import (
    FOLLOW_UP_CASE_TITLE,
    add_follow_up_case,
    create_follow_up,
    follow_up_rows,
    open_follow_ups_for,
    organisation_items,
    update_follow_up,
    visible_follow_ups,
)
from boardroom.followups.forms import FollowUpEditForm, FollowUpForm
from boardroom.meetings.lookup import case_or_error, items_by_id
from boardroom.meetings.minutes import item_number, load_meeting
from boardroom.models import AgendaItem, FollowUp

bp = Blueprint("followups", __name__)


@bp.get("/follow-ups")
@cached_daily
def follow_ups():
    """Every action (cached for the day: 'overdue' changes with the date)."""
    session = get_session()
    wanted = request.args.get("status", "")
    statuses = vocabularies.terms(session, "followup_status")
    status = term_arg(statuses, "status") if wanted and wanted != "alle" else None  # 400 before any query

    def rows(condition=None):
        where = organisation_items() if condition is None else organisation_items() & condition
        return visible_follow_ups(follow_up_rows(session, where), public=not reads_everything())

    # the closed ones (years of them) are read only when asked for; a key the organisation no
    # longer lists is judged by its built-in word, after the query
    if wanted == "alle":
        shown = rows()
        open_rows = [r for r in shown if not r.closed]
    else:
        open_rows = [r for r in rows(FollowUp.status.not_in([t.key for t in statuses if t.closed])) if not r.closed]
        shown = rows(FollowUp.status == status) if status else open_rows
    return render_template("followups/follow_ups.html", rows=shown, status=wanted, statuses=statuses,
                           overdue=sum(r.overdue for r in open_rows))  # only an open action is overdue


def fill_follow_up_form(session, form: FollowUpForm) -> None:
    form.responsible_person.choices = person_choices(session)
    form.responsible_municipality.choices = municipality_choices(session, blank=True)


@bp.route("/cases/<int:agenda_item_id>/follow-ups/new", methods=["GET", "POST"])
@editor_required
def new_follow_up(agenda_item_id: int):
    session = get_session()
    item = or_404(items_by_id(session, [agenda_item_id]).get(agenda_item_id), "Saken finnes ikke.")
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
    return form_page("_form_page.html", form, title=f"Nytt oppfølgingspunkt fra sak {item_number(item)}",
                     cancel=url_for("meetings.case", agenda_item_id=item.id))


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_follow_up(follow_up_id: int):
    session = get_session()
    found = get_or_404(FollowUp, follow_up_id, "Oppfølgingspunktet finnes ikke.")
    item = or_404(items_by_id(session, [found.agenda_item_id]).get(found.agenda_item_id), "Saken finnes ikke.")
    form = FollowUpEditForm(obj=found)
    form.status.keep(found.status)
    fill_follow_up_form(session, form)
    if not form.is_submitted():
        form.responsible_person.data = found.responsible_person_id
        form.responsible_municipality.data = found.responsible_municipality_id
        closing = session.get(AgendaItem, found.closed_by_item_id) if found.closed_by_item_id else None
        form.closed_by.data = item_number(closing) if closing else ""
    if form.validate_on_submit():
        try:
            closed_by = case_or_error(session, form.closed_by.data, "closed_by", at_hand=item.body_id)
            update_follow_up(session, found, text=form.text.data, person_id=form.responsible_person.data,
                             municipality_id=form.responsible_municipality.data, due_date=form.due_date.data,
                             status=form.status.data, closed_by=closed_by)
        except InputError as error:
            form.add_error(error)
        else:
            return saved("Oppfølgingspunktet er lagret.", url_for(".follow_ups"))
    return form_page("_form_page.html", form, title=f"Rediger oppfølgingspunkt fra sak {item_number(item)}",
                     cancel=url_for(".follow_ups"))

@bp.route("/meetings/<int:meeting_id>/follow-up-case", methods=["GET", "POST"])
@editor_required
def follow_up_case(meeting_id: int):
    """Put the open actions on the meeting's agenda as an information case (after a confirmation)."""
    session = get_session()
    meeting = or_404(load_meeting(session, meeting_id), "Møtet finnes ikke.")
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
    return form_page("followups/follow_up_case.html", form, meeting=meeting, rows=rows, title=FOLLOW_UP_CASE_TITLE)
