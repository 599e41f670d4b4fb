"""What the pages and the minutes show of a meeting's decisions beside the cases' own texts
(vote results, disqualifications, deferrals, corrections), loaded by the view in a fixed number
of queries and handed to the template or the document builder."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from boardroom.decisions.approval import correction_subject, load_corrections
from boardroom.decisions.deferral import deferral_note, deferred_to
from boardroom.decisions.disqualification import disqualification_texts
from boardroom.decisions.votes import VoteResult, event_result, municipality_names
from boardroom.models import AgendaItem, Correction, Meeting, VoteEvent


@dataclass
class MinutesExtras:
    """What the minutes print beside the cases' own texts, loaded in a fixed number of queries."""

    names: dict[int, str]  # municipality id → name
    disqualified: dict[int, list[str]]  # agenda item id → '… erklærte seg inhabil …'
    deferred_to: dict[int, AgendaItem] = field(default_factory=dict)  # agenda item id → its later treatment
    corrections: list[Correction] = field(default_factory=list)

    def result(self, event: VoteEvent, item: AgendaItem) -> VoteResult:
        """The computed result line of a recorded vote."""
        return event_result(event, item.meeting, self.names)

    def disqualified_lines(self, item: AgendaItem) -> list[str]:
        return self.disqualified.get(item.id, [])

    def deferral_text(self, item: AgendaItem) -> str:
        """'Saken ble utsatt til møtet 20. mars 2026.' for a deferred case."""
        later = self.deferred_to.get(item.id)
        return f"{deferral_note(later)}." if later else "Saken ble utsatt."

    def correction_rows(self, meeting: Meeting) -> list[tuple[str, Correction]]:
        """(subject, correction) of the approved minutes, oldest first."""
        return [(correction_subject(c, meeting), c) for c in self.corrections]


def minutes_extras(session: Session, meeting: Meeting) -> MinutesExtras:
    return MinutesExtras(municipality_names(session), disqualification_texts(session, meeting),
                         deferred_to(session, meeting.items), load_corrections(session, meeting))


def case_extras(session: Session, item: AgendaItem) -> MinutesExtras:
    """What one case's page shows of its treatment: vote results and disqualifications."""
    return MinutesExtras(municipality_names(session), disqualification_texts(session, item.meeting))
