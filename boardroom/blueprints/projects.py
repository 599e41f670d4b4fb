"""Projects: which member municipalities take part in each joint project decision."""

from flask import Blueprint, render_template

from ..db import get_session
from ..participation import overview

bp = Blueprint("projects", __name__)


@bp.get("/participation")
def participation():
    municipalities, statuses = overview(get_session())
    return render_template("projects/participation.html", municipalities=municipalities, statuses=statuses)
