"""Demo data of a second, smaller organisation: a health trust (helseforetak) owned by the four
regional health authorities, with case numbers carrying a four-digit year ("01-2026") and one
approved meeting.

Its members are its four owners, regional health authorities identified by organisasjonsnummer
and weighted by ownership share (eierandel); its board has an employee representative who
represents no member. The case that starts the archive platform shares its cost by ownership.
Its follow-ups and assignments use statuses of its own (Nytt, Justert, Videreført uten endringer,
and the closed Avsluttet) instead of the built-in ones.
Idempotent like ``boardroom.demo.load_demo``: rows are found by their natural keys.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from boardroom.core.formatting import OSLO
from boardroom.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    Case,
    CaseKind,
    Cost,
    CostKey,
    DecisionMethod,
    FollowUp,
    ItemStatus,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MemberKind,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Person,
    SeatKind,
    VocabularyTerm,
)
from boardroom.registers.registers import default_standard_cases

NAME = "Felles IKT-tjenester HF"
SLUG = "felles-ikt"
ORGNR = "923456783"  # made up, with a valid mod-11 check digit
BODY = "Styret i Felles IKT-tjenester HF"
NUMBER_FORMAT = "{seq:02d}-{year}"
MEETING_DAY = date(2026, 2, 12)

# (code, organisasjonsnummer, name, ownership share in per cent): the owners
OWNERS = [
    ("HN", "883658752", "Helse Nord RHF", Decimal("15")),
    ("HMN", "983658776", "Helse Midt-Norge RHF", Decimal("17.5")),
    ("HV", "983658725", "Helse Vest RHF", Decimal("20")),
    ("HSO", "991324968", "Helse Sør-Øst RHF", Decimal("47.5")),
]
# (person, owner code or None for an employee representative, role)
BOARD = [
    ("Marit Lund", "HSO", MembershipRole.chair),
    ("Jon Egil Fossum", "HN", MembershipRole.member),
    ("Ragnhild Sæther", "HMN", MembershipRole.member),
    ("Øystein Vik", "HV", MembershipRole.member),
    ("Lise Berg", None, MembershipRole.member),
]
OWNERSHIP_KEY = "Eierandel"
ARCHIVE_COST = ("Felles plattform for journalarkiv, forprosjekt", Decimal("1200000"))
STAFF = [("Siri Holm", "administrerende direktør", MembershipRole.staff)]
CO_SIGNER = "Jon Egil Fossum"
D, I = CaseKind.decision, CaseKind.information
CASES = [
    (1, "Godkjenning av innkalling og saksliste", D, "Styret godkjenner innkalling og saksliste."),
    (2, "Virksomhetsrapport januar 2026", I, "Styret tar virksomhetsrapporten til orientering."),
    (3, "Felles plattform for journalarkiv", D, "Styret ber administrerende direktør om å starte anskaffelsen. "
     "Forprosjektet (1 200 000 kr) fordeles på eierne etter eierandel."),
]

# the trust's own words for the status of follow-ups and assignments (oppdrag): (key, label, closed)
STATUSES = [
    ("nytt", "Nytt", False),
    ("justert", "Justert", False),
    ("viderefort", "Videreført uten endringer", False),
    ("avsluttet", "Avsluttet", True),
]
# (case number, text, responsible person or owner code, due date, status key): assignments from the meeting
FOLLOW_UPS = [
    (3, "Utarbeide konkurransegrunnlag for felles journalarkiv", "Siri Holm", date(2026, 4, 30), "nytt"),
    (3, "Avklare fordelingen av forprosjektet med eierne", "HN", date(2026, 3, 15), "justert"),
    (2, "Legge fram tiltak mot sykefravær i virksomhetsrapporten", "Siri Holm", date(2026, 6, 1), "viderefort"),
    (2, "Oppdatere risikovurderingen for driften", "Marit Lund", date(2026, 3, 1), "avsluttet"),
]


def load_health_trust(loader) -> Organisation:
    """The health trust, its board, owners, people, and the approved meeting of 12 February 2026."""
    org = loader.get_or_create(Organisation, slug=SLUG, defaults=dict(name=NAME, short_name="FIKT", number=ORGNR))
    loader.use(org)
    body = loader.get_or_create(Body, name=BODY, defaults=dict(
        organisation=NAME, short_name="FIKT", case_number_format=NUMBER_FORMAT, default_place="Oslo"))
    default_standard_cases(body)
    owners = {code: loader.get_or_create(Municipality, number=number, defaults=dict(
        name=name, kind=MemberKind.health_authority, ownership_share=share))
              for code, number, name, share in OWNERS}
    people = {}
    for name, code, role in BOARD:
        person = people[name] = loader.get_or_create(
            Person, name=name, defaults=dict(affiliation="" if code else "ansattrepresentant"))
        loader.get_or_create(Membership, body_id=body.id, person_id=person.id, role=role, defaults=dict(
            municipality_id=owners[code].id if code else None, voting=True,
            kind=SeatKind.member if code else SeatKind.employee))
    for name, title, role in STAFF:
        person = people[name] = loader.get_or_create(Person, name=name,
                                                     defaults=dict(title=title, affiliation="FIKT"))
        loader.get_or_create(Membership, body_id=body.id, person_id=person.id, role=role, defaults=dict(voting=False))
    starts_at = datetime.combine(MEETING_DAY, time(10), tzinfo=OSLO)
    ends_at = datetime.combine(MEETING_DAY, time(13), tzinfo=OSLO)
    meeting = loader.get_or_create(Meeting, body_id=body.id, starts_at=starts_at, defaults=dict(
        ends_at=ends_at, title="Styremøte", place="Oslo og Teams", mode=MeetingMode.hybrid,
        status=MeetingStatus.approved, chair_id=people[BOARD[0][0]].id, co_signer_id=people[CO_SIGNER].id,
        minutes_taker_id=people[STAFF[0][0]].id, approved_by="demo",
    ))
    for position, (name, code, _role) in enumerate(BOARD + [(n, None, r) for n, _t, r in STAFF]):
        loader.get_or_create(Attendance, meeting_id=meeting.id, person_id=people[name].id, defaults=dict(
            position=position, invited=True, status=AttendanceStatus.present,
            municipality_id=owners[code].id if code else None))
    items = []
    for position, (seq, title, kind, decision) in enumerate(CASES):
        case = loader.get_or_create(Case, body_id=body.id, title=title)
        items.append(loader.get_or_create(AgendaItem, body_id=body.id, number_year=MEETING_DAY.year, number_seq=seq, defaults=dict(
            meeting_id=meeting.id, case_id=case.id, position=position, kind=kind, status=ItemStatus.treated,
            case_handler_id=people[STAFF[0][0]].id, proposal=decision, decision=decision,
            decided_by=DecisionMethod.unanimous if kind == D else DecisionMethod.none,
        )))
    for position, (term_key, word, closed) in enumerate(STATUSES):
        loader.get_or_create(VocabularyTerm, vocabulary="followup_status", key=term_key,
                             defaults=dict(label=word, closed=closed, position=position))
    for seq, text, responsible, due, status in FOLLOW_UPS:
        loader.get_or_create(FollowUp, agenda_item_id=items[seq - 1].id, text=text, defaults=dict(
            responsible_person_id=people[responsible].id if responsible in people else None,
            responsible_municipality_id=owners[responsible].id if responsible in owners else None,
            due_date=due, status=status))
    key = loader.get_or_create(CostKey, body_id=body.id, name=OWNERSHIP_KEY,
                               defaults=dict(ownership_percent=Decimal("100")))
    description, total = ARCHIVE_COST
    loader.get_or_create(Cost, body_id=body.id, description=description, defaults=dict(
        year=MEETING_DAY.year, total=total, cost_key_id=key.id, population_date=MEETING_DAY,
        agenda_item_id=items[-1].id))
    return org
