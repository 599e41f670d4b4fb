"""Demo data for participation, costs, benefits and follow-up (issue 4), from the reference.

- Cost keys on their projects: 40/60 for the shared welfare-technology platform, 20/80 for the
  response centre, and "flatt mellom de deltakende kommunene" for outside help on the EPJ for
  the medical centres (43-25, point 4).
- The RPA table (realised, per month) and the DUO table (planned, per month) of case 41-25, as
  CSV files beside this module in the benefit import's own format. RPA's "Besparelse" is its
  cost minus the table's net figure; DUO's 600 hours a month (3 minutes × 12 000 e-mails) are
  spread over the municipalities in proportion to their savings.
- The follow-up of 43-25: written answers within 14 days after 17 October 2025.

Idempotent like the rest of the demo: rows are found by their natural keys.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import select

from boardroom.models import AgendaItem, Benefit, CostKey, FollowUp, Municipality, Person, Project
from boardroom.projects.benefits import import_benefits

# (key name, flat %, per-inhabitant %, project)
COST_KEYS = [
    ("40/60 felles plattform", 40, 60, "Felles anskaffelse velferdsteknologisk plattform med Rana"),
    ("20/80 responssenter", 20, 80, "Felles responssenter"),
    ("Flatt mellom de deltakende kommunene", 100, 0, "Felles anskaffelse EPJ legesenter"),
]
BENEFIT_TABLES = [("rpa.csv", "RPA"), ("duo.csv", "DUO arkiver automatisering av postmottak")]

FOLLOW_UP_CASE = 43
FOLLOW_UP_TEXT = (
    "Kommuner som ønsker å være med på felles anskaffelse av EPJ legesenter, gir skriftlig tilbakemelding "
    "til Digitale Helgeland og Helsefellesskap Helgeland."
)
FOLLOW_UP_FROM = date(2025, 10, 17)
FOLLOW_UP_DAYS = 14  # "innen 14 dager etter 17. oktober" is 31 October
FOLLOW_UP_RESPONSIBLE = "Eline Monsen"


def load_project_extras(loader, body, projects: dict[str, Project], items: dict[int, AgendaItem],
                        municipalities: dict[str, Municipality], people: dict[str, Person]) -> None:
    from boardroom.demo import read_text

    for name, flat, per_inhabitant, project in COST_KEYS:
        loader.get_or_create(
            CostKey, body_id=body.id, name=name,
            defaults=dict(flat_percent=Decimal(flat), per_inhabitant_percent=Decimal(per_inhabitant),
                          project_id=projects[project].id),
        )
    for filename, project_name in BENEFIT_TABLES:
        project = projects[project_name]
        if loader.session.exec(select(Benefit.id).where(Benefit.project_id == project.id)).first() is None:
            rows = import_benefits(loader.session, project, read_text(filename), list(municipalities.values()))
            loader.created["Benefit"] += len(rows)
    loader.get_or_create(
        FollowUp, agenda_item_id=items[FOLLOW_UP_CASE].id, text=FOLLOW_UP_TEXT,
        defaults=dict(due_date=FOLLOW_UP_FROM + timedelta(days=FOLLOW_UP_DAYS),
                      responsible_person_id=people[FOLLOW_UP_RESPONSIBLE].id),
    )
