"""Helpers every view shares: load a row or answer 404, the form page (200, or 400 with the
errors), a flash and redirect after saving, a CSV download Excel reads (with formulas made
harmless), and the choices of the forms' select lists.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, has_request_context, redirect, render_template, request, url_for
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from boardroom.core.db import get_session
from boardroom.core.fields import NONE_CHOSEN
from boardroom.core.formatting import by_position, nb_sort_key
from boardroom.core.orgs import here
from boardroom.models import Body, Membership, Municipality, Person, Project

CSV_MIMETYPE = "text/csv; charset=utf-8"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# a plain number as boardroom writes them ("-1 234,50", "-12.5", "+47"): it starts with a sign
# but is no formula, so a negative amount stays a number in the spreadsheet
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d \u00a0]*(?:[.,]\d+)?%?")


def spreadsheet_safe(value) -> str:
    """A cell no spreadsheet evaluates: text that starts with =, +, -, @, a tab or a carriage
    return gets an apostrophe in front (Excel, LibreOffice and Google Sheets then show it as
    text), unless it is a plain number."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(rows) -> str:
    """Rows as semicolon-separated text, every cell made spreadsheet-safe."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows([spreadsheet_safe(c) for c in row] for row in rows)
    return out.getvalue()


def csv_response(rows, filename: str) -> Response:
    """A CSV download: semicolon-separated UTF-8 with a byte-order mark, so Excel reads æ, ø and
    å; formulas in cells are neutralised (``spreadsheet_safe``). Every CSV export goes through here."""
    return Response("\ufeff" + csv_text(rows), mimetype=None, content_type=CSV_MIMETYPE,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def form_page(template: str, form, **context):
    """The form's page: 200 when it is shown, 400 when it was posted and is shown again, with the
    errors next to the fields and everything typed kept."""
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


def saved(message: str, target: str):
    flash(message, "info")
    return redirect(target)


def first_body(session) -> Body:
    body = session.exec(select(Body).where(here(Body.organisation_id)).order_by(Body.id).limit(1)).first()
    if body is None:
        abort(400, "Det finnes ikke noe styre ennå. Opprett styret først.")
    return body


def or_404(row, message: str):
    """``row``, or a 404 page saying ``message`` (Norwegian) when there is none. Every view that
    loads something by id or number goes through here."""
    if row is None:
        abort(404, message)
    return row


def get_or_404(model, row_id: int, message: str, **belongs_to):
    """The row with that primary key (and those parent ids), or a 404 page with ``message``."""
    row = get_session().get(model, row_id)
    return or_404(None if row is None or any(getattr(row, k) != v for k, v in belongs_to.items()) else row, message)


def municipality_choices(session, blank: bool = False) -> list[SelectChoice]:
    towns = sorted(session.exec(select(Municipality).where(here(Municipality.organisation_id))), key=lambda m: nb_sort_key(m.name))
    return ([NONE_CHOSEN] if blank else []) + [SelectChoice(m.id, m.name) for m in towns]


def project_choices(session) -> list[SelectChoice]:
    projects = by_position(session.exec(select(Project).where(here(Project.organisation_id))))
    return [NONE_CHOSEN] + [SelectChoice(p.id, p.name) for p in projects]


def person_choices(session) -> list[SelectChoice]:
    """The people who hold a seat (board, staff, observers), by name."""
    people = session.exec(select(Person).where(here(Person.organisation_id),
                                               Person.id.in_(select(Membership.person_id)))).all()
    return [NONE_CHOSEN] + [SelectChoice(p.id, p.name) for p in sorted(people, key=lambda p: nb_sort_key(p.name))]


def enum_arg(enum_cls, name: str):
    value = request.args.get(name, "")
    try:
        return enum_cls(value) if value else None
    except ValueError:
        abort(400, f"Ukjent verdi «{value}» for {name}.")


def term_arg(terms, name: str) -> str | None:
    """The key of one of ``terms`` (an organisation's vocabulary) given as ``?name=``; 400 for another."""
    value = request.args.get(name, "")
    if not value:
        return None
    if value not in {t.key for t in terms}:
        abort(400, f"Ukjent verdi «{value}» for {name}.")
    return value


def safe_next(target: str | None) -> str:
    """Only a path on this site (never another host, never a control character such as CR/LF)
    may be the place to return to."""
    if (target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc
            and not any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in target)):
        return target
    return url_for("main.index")


def base_url() -> str:
    """The site's public address as configured (BOARDROOM_BASE_URL, or the one stored in the
    instance folder at first start), without a trailing slash; never the request's Host.
    ``base_url() + url_for(…)`` is an absolute link (``url_for`` adds the organisation's prefix)."""
    return (current_app.config.get("BASE_URL") or "").rstrip("/")


def organisation_url() -> str:
    """``base_url()`` with the request's organisation prefix (``/<slug>``, empty for the first
    organisation's bare addresses): where links built by hand (``/meetings/7``) start."""
    return base_url() + (request.script_root if has_request_context() else "")
