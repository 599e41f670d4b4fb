"""The JSON of follow-up actions.
"""

from __future__ import annotations

from boardroom.core.labels import label
from boardroom.core.serialising import iso
from boardroom.core.vocabularies import key
from boardroom.followups.followups import FollowUpRow
from boardroom.meetings.serialisers import case_ref


def follow_up_json(row: FollowUpRow, public: bool = False) -> dict:
    f = row.follow_up
    return {
        "id": f.id, "text": f.text, "case": case_ref(row.item, public),
        "responsible_person": row.person or None, "responsible_municipality": row.municipality or None,
        "due_date": iso(f.due_date), "status": key(f.status), "status_label": label(f.status),
        "overdue": row.overdue, "closed_by": case_ref(row.closed_by, public),
    }
