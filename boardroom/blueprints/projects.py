"""Projects: which member municipalities take part in each joint project decision."""

from flask import Blueprint, render_template

from ..cache import cached
from ..db import get_session
from ..formatting import nb_sort_key
from ..models import ParticipationAnswer
from ..participation import DecisionStatus, overview

bp = Blueprint("projects", __name__)


def remark_lines(status: DecisionStatus) -> list[str]:
    """Per-municipality remarks in alphabetical order: 'Meløy: Avklart på tlf/epost'."""
    remarks = sorted(status.remarks, key=lambda pair: nb_sort_key(pair[0].name))
    # "Bindal samarbeider sørover på eHelse" needs no "Bindal:" in front
    return [a.remark if a.remark.startswith(m.name) else f"{m.name}: {a.remark}" for m, a in remarks]


def matrix_cells(status: DecisionStatus, municipalities) -> list[str | None]:
    """The current answer of each municipality ('joins', 'declines', 'pending'); None for non-members."""
    member_ids = {m.id for m in status.members}
    cells = []
    for municipality in municipalities:
        answer = status.answer_for(municipality)
        if municipality.id not in member_ids:
            cells.append(None)
        else:
            cells.append((answer.answer if answer else ParticipationAnswer.pending).value)
    return cells


@bp.get("/participation")
@cached
def participation():
    municipalities, statuses = overview(get_session())
    return render_template(
        "projects/participation.html",
        municipalities=municipalities,
        rows=[(s, remark_lines(s), matrix_cells(s, municipalities)) for s in statuses],
    )
