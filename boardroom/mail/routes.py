"""The outbox page: e-mail not (yet) accepted by the mail server, for the secretary."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from boardroom.core.access import editor_required
from boardroom.core.db import get_session
from boardroom.mail.outbox import undelivered

bp = Blueprint("mail", __name__)


@bp.get("/outbox")
@editor_required
def index():
    return render_template("mail/outbox.html", messages=undelivered(get_session()),
                           configured=bool(current_app.config.get("SMTP_URL")))
