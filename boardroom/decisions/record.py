"""What the minutes print of a meeting's decisions beside the cases' own texts, loaded in a
fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from boardroom.decisions.approval import load_corrections
from boardroom.decisions.deferral import deferred_to
from boardroom.decisions.disqualification import disqualification_texts
from boardroom.decisions.votes import municipality_names
from boardroom.models import (
    AgendaItem,
    Correction,
    Meeting,
)


@dataclass
class MinutesExtras:
    """What the minutes print beside the cases' own texts, loaded in a fixed number of queries."""

    names: dict[int, str]  # municipality id → name
    disqualified: dict[int, list[str]]  # agenda item id → '… erklærte seg inhabil …'
    deferred_to: dict[int, AgendaItem]  # agenda item id → its later treatment
    corrections: list[Correction]


def minutes_extras(session: Session, meeting: Meeting) -> MinutesExtras:
    return MinutesExtras(municipality_names(session), disqualification_texts(session, meeting),
                         deferred_to(session, meeting.items), load_corrections(session, meeting))
