"""Demo data: Digitale Helgeland's board, its meeting of 16 October 2025 and the 2026 plan.

Transcribed from the reference minutes (styremøte 16. oktober 2025). The case texts are
Markdown files beside this module, one per case and field (``40-25.background.md``); the
member municipalities are ``medlemskommuner.csv``. The minutes' slips are corrected here:
the second "43-25" is 44-25, "Sak 45" is 45-25, "Frank Nilsen" is Frank Nilssen, and the
hand-made cost table of 40-25 (whose rows do not add up) is replaced by a ``Cost`` with its
key, from which the shares are computed.

``load_demo`` is idempotent: rows are found by their natural keys and only missing ones are
added. It flushes and never commits.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from importlib import resources

from sqlmodel import Session, select

from boardroom.archive.versions import freeze_unversioned
from boardroom.core.formatting import OSLO
from boardroom.demo import health
from boardroom.demo.health import load_health_trust
from boardroom.demo.projects import load_project_extras
from boardroom.models import (
    AgendaItem,
    ApprovedShare,
    Attachment,
    Attendance,
    AttendanceStatus,
    Body,
    Case,
    CaseKind,
    Cost,
    CostKey,
    CostSharing,
    Grant,
    Health,
    ItemStatus,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Participation,
    ParticipationAnswer,
    Person,
    PopulationFigure,
    Project,
    ProjectDecision,
    ProjectPhase,
    StatusReport,
)
from boardroom.registers.registers import default_standard_cases

DATA = resources.files(__name__)
ORGANISATION = "Digitale Helgeland"
SLUG = "digitale-helgeland"
BODY = "Styret i Digitale Helgeland"
YEAR = 2025
MEETING_DAY = date(2025, 10, 16)
POPULATION_DATE = date(2025, 6, 30)
POPULATION_SOURCE = "SSB, 2. kvartal 2025"

# The board in the order of the minutes' "Styremedlemmer" list: (person, municipality).
BOARD = [
    ("Rachel Berg", "Alstahaug"),
    ("Knut Toresen", "Bindal"),
    ("Frank Nilssen", "Brønnøy"),
    ("Tor Henning Jørgensen", "Dønna"),
    ("Børge Steinmo Johnsen", "Grane"),
    ("Asbjørn Engum", "Hattfjelldal"),
    ("Lars Tore Hatten", "Hemnes"),
    ("Henrik Skovly", "Herøy"),
    ("Peter Andre Haaland", "Leirfjord"),
    ("Odd Steinar Viseth", "Nesna"),
    ("Robert Pettersen", "Rana"),
    ("Ben Andre Graven", "Sømna"),
    ("Erlend Eriksen", "Vefsn"),
    ("Brit Skjevling", "Vega"),
    ("Renate Mathisen", "Vevelstad"),
    ("Stian Skjærvik", "Lurøy"),
    ("Arne Johansen", "Meløy"),
    ("Ingebjorg Vamrak", "Træna"),
    ("Harald Einar Erichsen", "Rødøy"),
]
CHAIR = "Robert Pettersen"
CO_SIGNER = "Renate Mathisen"  # chosen in 39-25
DEPUTY = ("Atle Henriksen", "Lurøy", "Stian Skjærvik")  # (deputy, municipality, stands in for)
ABSENT_WITH_NOTICE = {"Stian Skjærvik"}
ABSENT = {"Tor Henning Jørgensen", "Ben Andre Graven", "Ingebjorg Vamrak"}  # Dønna, Sømna, Træna

# (name, title, affiliation, role)
STAFF = [
    ("Hilde Rafaelsen", "daglig leder", "DH", MembershipRole.staff),
    ("Christian Lorentsen", "", "DH", MembershipRole.staff),
    ("Camilla Falch", "", "DH", MembershipRole.staff),
    ("Eline Monsen", "interkommunal samhandlingsleder", "Helsefellesskap Helgeland", MembershipRole.observer),
]

MEETING_ATTACHMENTS = ["Økonomisk analyse eHelse – til deling", "Strategisk rapport eHelse"]

D, I, S, E = CaseKind.decision, CaseKind.information, CaseKind.discussion, CaseKind.other_business
# (sequence number, title, kind, case handler)
CASES = [
    (38, "Godkjenning av innkalling og agenda", D, "Hilde Rafaelsen"),
    (39, "Valg av person til å undertegne protokoll sammen med møteleder", D, "Hilde Rafaelsen"),
    (40, "Budsjett 2026", D, "Hilde Rafaelsen"),
    (41, "Gevinstoppfølging i prosjektene", S, "Hilde Rafaelsen"),
    (42, "Arkivplan og system forvaltning – veien videre", D, "Christian Lorentsen"),
    (43, "Felles anskaffelse av EPJ legesenter", D, "Eline Monsen"),
    (44, "Status prosjekter og vedtak", I, None),
    (45, "Møteplan for 2026", D, None),
    (46, "Lønnspolitikk for ansatte i Digitale Helgeland – egen pott eller følge Brønnøy kommune", D, "Frank Nilssen"),
    (47, "Orientering fra felles KDU møte i Tromsø", I, "Robert Pettersen"),
    (48, "Forberedelse til lønnsforhandlinger", S, "Robert Pettersen"),
    (49, "Eventuelt", E, None),
]
STATUS_CASE = 44  # its background is the projects' status sections, one "#### Status …" each
BUDGET_CASE = 40

P = ProjectPhase
PROJECTS = [
    dict(
        name="ConnectFlow", short_name="ConnectFlow", phase=P.execution, status="Status ConnectFlow prosjekt",
        health=Health.yellow, health_reason="Litt forsinket grunnet finansieringsutfordringer",
        description="Samordnet dokument- og arkivflyt i kommunene: KI i postmottaket (DUO), skjemaadministrator "
        "med integrasjonsserver og RPA i Elements. Går over i ConnectFlow2 – Enhetlig databehandling.",
    ),
    dict(
        name="Felles dokumentasjons- og datasenter", short_name="Dokumentasjonssenter", phase=P.study,
        status="Status felles dokumentasjons- og datasenter på Helgeland",
        description="Utredning av et felles dokumentasjons- og datasenter på Helgeland: felles systemforvaltning, "
        "opplæring, planlegging og bevaring. Driftsform: KO, IKS eller vertskommunesamarbeid.",
    ),
    dict(
        name="ALL inn", short_name="ALL inn", phase=P.execution, status="Status ALL inn prosjekt",
        description="Felles digitale skjema i Altinn Studio, en del av ConnectFlow2. Starter med skjemaene "
        "innenfor næring, natur og landbruk (38 tjenester).",
    ),
    dict(
        name="Digital hjemmeoppfølging", short_name="DHO", phase=P.execution, status="Status Digital Hjemmeoppfølging",
        health=Health.yellow, health_reason="Stoppet opp i enkelte kommuner; for lavt tempo og volum på antall pasienter",
        description="Digital hjemmeoppfølging i kommunene på Helgeland, sammen med Helgelandssykehuset.",
    ),
    dict(
        name="Felles anskaffelse EPJ helse og omsorg", short_name="EPJ PLO", phase=P.procurement,
        status="Status felles anskaffelse EPJ helse og omsorg",
        health=Health.green, health_reason="Følger i hovedsak planlagt fremdrift; lav risiko",
        owner="Daglig leder Digitale Helgeland", lead="Jan Helge Ekeren (KnowIT)",
        description="Felles anskaffelse av elektronisk pasientjournal for pleie- og omsorgstjenestene i "
        "18 Helgelandskommuner.",
    ),
    dict(
        name="Felles anskaffelse EPJ legesenter", short_name="EPJ lege", phase=P.procurement,
        owner="Digitale Helgeland og Brønnøy kommune",
        description="Felles anskaffelse av nytt EPJ for legesenter (sak 43-25).",
    ),
    dict(
        name="Felles responssenter", short_name="Responssenter", phase=P.study, status="Status felles responssenter",
        description="Utredning av et felles responssenter på Helgeland, kjøpt eksternt eller etablert selv, "
        "eventuelt sammen med legevaktssentral (116 117).",
    ),
    dict(
        name="Interkommunalt samarbeid økonomi og regnskap", short_name="Økonomi og regnskap", phase=P.study,
        status="Status Interkommunalt samarbeid økonomi og regnskap",
        description="Fase 1 av «Interkommunalt samarbeid for moderne økonomifunksjoner»: beslutningsgrunnlag "
        "for et tettere samarbeid om regnskap og lønn.",
    ),
    dict(
        name="Digitaliseringsstrategi", short_name="Strategi", phase=P.execution, status="Status ny digitaliseringsstrategi",
        health=Health.yellow,
        health_reason="Nedprioritert på grunn av kapasitetsutfordringer; ferdig versjon til første styremøte i 2026",
        description="Ny digitaliseringsstrategi for Digitale Helgeland.",
    ),
    dict(
        name="RPA", short_name="RPA", phase=P.operation,
        description="Robotisert prosessautomatisering i Elements: en regelstyrt flyt med seks prosesser.",
    ),
    dict(
        name="DUO arkiver automatisering av postmottak", short_name="DUO", phase=P.execution,
        description="Automatisering av postmottaket med KI (DUO); grunntrent, finjusteres og slås på i puljer.",
    ),
    dict(
        name="Felles anskaffelse velferdsteknologisk plattform med Rana", short_name="VTP", phase=P.procurement,
        description="Felles anskaffelse av velferdsteknologisk plattform sammen med Rana kommune, kunngjort juni 2025.",
    ),
]

# "Eksterne tilskudd mottatt i 2025": (purpose, amount, funder, project)
GRANTS = [
    ("Digital hjemmeoppfølging", 1_500_000, "Helsedirektoratet", "Digital hjemmeoppfølging"),
    ("ConnectFlow", 2_600_000, "Statsforvalteren", "ConnectFlow"),
    ("Tilskudd NFK", 1_000_000, "Nordland fylkeskommune (NFK)", None),
    ("Samhandlingsmidler DHO", 5_500_000, "Helse Nord (inkl. 2024-midler)", "Digital hjemmeoppfølging"),
    ("Felles EPJ Helgeland", 1_500_000, "Helsedirektoratet", "Felles anskaffelse EPJ helse og omsorg"),
    ("Tilskudd økonomi og regnskap", 500_000, "Statsforvalteren", "Interkommunalt samarbeid økonomi og regnskap"),
    ("Medlemskap Træna og Rødøy", 300_000, "Træna og Rødøy kommune", None),
    ("Medlemskap Meløy", 300_000, "Meløy kommune", None),
]

BINDAL_SOUTH = {"Bindal": "Bindal samarbeider sørover på eHelse"}
# The table "Styret i Digitale Helgeland har gjort følgende prosjekt vedtak i 2024/2025", in order.
# (project, title, decided_on, decided_text, municipalities that decline or, with only=True,
#  the only ones that join, decision remark, answer remarks, source, sources per municipality)
DECISIONS = [
    dict(project="Felles anskaffelse EPJ helse og omsorg", title="Felles anskaffelse EPJ helse og omsorg",
         decided_on=date(2024, 10, 25), decided_text="25.okt.24", declines=["Bindal"], remarks=BINDAL_SOUTH),
    dict(project="Felles responssenter", title="Felles responssenter",
         decided_on=date(2025, 6, 12), decided_text="12. juni 25",
         remarks={"Meløy": "Avklart på tlf/epost", "Træna": "Avklart på tlf/epost"},
         sources={"Meløy": "telefon/e-post", "Træna": "telefon/e-post"}),
    dict(project="Felles anskaffelse EPJ legesenter", title="Felles EPJ legesenter",
         decided_on=date(2025, 6, 12), decided_text="12. juni 25", declines=["Bindal"], remarks=BINDAL_SOUTH),
    dict(project="ALL inn", title="ALL inn",
         decided_on=date(2025, 3, 21), decided_text="21.mar.25", declines=["Meløy", "Træna"]),
    dict(project="RPA", title="RPA vedtatt pr epost", source="e-post",
         decided_on=date(2024, 12, 11), decided_text="11.des.24", declines=["Meløy", "Rødøy", "Træna"]),
    dict(project="DUO arkiver automatisering av postmottak", title="DUO arkiver automatisering av postmottak",
         decided_on=date(2024, 3, 21), decided_text="21.mar.24", declines=["Meløy", "Rødøy", "Træna"]),
    dict(project="Felles dokumentasjons- og datasenter",
         title="Utarbeidelse av felles dokumentasjons og datasenter",
         decided_on=date(2025, 6, 12), decided_text="12. juni 25", declines=["Meløy", "Rødøy", "Træna"],
         remark="Meløy har ikke Elements i dag, naturlig at Rødøy og Træna blir med"),
    dict(project="Interkommunalt samarbeid økonomi og regnskap",
         title="Interkommunalt samarbeid rundt økonomi og regnskap",
         decided_on=date(2025, 3, 21), decided_text="21.mar.25", declines=["Rødøy", "Træna"]),
    dict(project="Felles anskaffelse velferdsteknologisk plattform med Rana",
         title="Felles anskaffelse Velferdsteknologisk plattform med Rana",
         decided_on=date(2025, 6, 1), decided_text="Kunngjort juni 2025",
         only=["Brønnøy", "Lurøy", "Meløy", "Rana", "Sømna", "Vega", "Vevelstad"],
         remark="Flere kommuner ønsker seg med. Det må vurderes en intensjonskunngjøring for å få flere med "
         "på samme plattform"),
]

# The 2026 meeting plan decided in 45-25: (first day, last day, mode, place, purpose)
PLACE_TBD = "Helgeland (sted avklares)"
PLAN_2026 = [
    (date(2026, 1, 19), date(2026, 1, 20), MeetingMode.physical, PLACE_TBD,
     "Forankring av ny digitaliseringsstrategi og prioritering av prosjektportefølje for 2026"),
    (date(2026, 3, 20), date(2026, 3, 20), MeetingMode.digital, "",
     "Behandle årsrapport og regnskap for 2025"),
    (date(2026, 6, 11), date(2026, 6, 12), MeetingMode.physical, PLACE_TBD, "Status prosjekter"),
    (date(2026, 10, 15), date(2026, 10, 16), MeetingMode.physical, "Bodø",
     "Etter høstkonferansen til KS, budsjettforhandlinger 2027"),
]

BUDGET_KEY = "23 kr per innbygger, resten flatt"
BUDGET_COST = dict(description="Refusjon fra kommunene 2026", year=2026, total=Decimal("4956481.97"))
BUDGET_SUM = Decimal("4921069.18")  # the Sum row of the approved table (its rows add up to 4 921 069,12)


def read_text(name: str) -> str:
    """A data file beside this module ('' when there is none)."""
    path = DATA / name
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def sections(markdown: str, marker: str = "#### ") -> dict[str, str]:
    """Split Markdown at headings starting with ``marker``: {heading: text below it}."""
    result: dict[str, list[str]] = {}
    current = None
    for line in markdown.splitlines():
        if line.startswith(marker):
            current = line[len(marker):].strip()
            result[current] = []
        elif current is not None:
            result[current].append(line)
    return {heading: "\n".join(lines).strip() for heading, lines in result.items()}


def all_day(first: date, last: date) -> tuple[datetime, datetime]:
    """Local midnight of the first day and after the last day, as UTC."""
    def midnight(day):
        return datetime.combine(day, time(), tzinfo=OSLO).astimezone(timezone.utc)

    return midnight(first), midnight(last + timedelta(days=1))


class Loader:
    """Finds rows by natural key and adds the missing ones, counting what it added."""

    def __init__(self, session: Session):
        self.session = session
        self.created: Counter[str] = Counter()
        self.organisation_id: int | None = None  # rows that belong to an organisation are looked up in it

    def use(self, organisation: Organisation) -> None:
        """Look up and make the rows of ``organisation`` from now on."""
        self.organisation_id = organisation.id
        self.session.info["organisation_id"] = organisation.id  # rows made by domain functions

    def get_or_create(self, model, defaults: dict | None = None, **key):
        if self.organisation_id is not None and "organisation_id" in model.model_fields and "organisation_id" not in key:
            key["organisation_id"] = self.organisation_id
        row = self.session.exec(select(model).filter_by(**key)).first()
        if row is None:
            row = model(**key, **(defaults or {}))
            self.session.add(row)
            self.session.flush()
            self.created[model.__name__] += 1
        return row

    def summary(self) -> str:
        if not self.created:
            return f"{ORGANISATION} er allerede lastet; ingenting ble endret."
        parts = [
            f"{self.created[model]} {word}"
            for model, word in (
                ("Municipality", "kommuner"), ("Person", "personer"), ("Case", "saker"), ("Meeting", "møter"),
                ("Project", "prosjekter"), ("ProjectDecision", "prosjektvedtak"), ("Grant", "tilskudd"),
                ("Benefit", "gevinster"), ("FollowUp", "oppfølgingspunkter"),
            )
            if self.created[model]
        ]
        return f"Lastet {ORGANISATION}: " + (", ".join(parts) or f"{sum(self.created.values())} rader") + "."


def load_demo(session: Session, years: int = 0, slug: str = SLUG, name: str = ORGANISATION) -> str:
    """Load Digitale Helgeland's demo data (idempotent); returns a Norwegian summary.

    ``years``: also the generated history of that many years before 2025 (boardroom.demo.history),
    which stores meeting documents and so needs the app (its file store). ``slug`` and ``name``
    load the same data as another organisation (bench/bench_orgs.py measures with several).
    """
    loader = Loader(session)
    loader.use(loader.get_or_create(Organisation, slug=slug, defaults=dict(name=name, short_name="DH")))
    body = loader.get_or_create(Body, name=BODY, defaults=dict(organisation=name, short_name="DH"))
    default_standard_cases(body)  # only when the body has none
    municipalities = load_municipalities(loader)
    people = load_people(loader, body, municipalities)
    meeting = load_meeting(loader, body, municipalities, people)
    items = load_cases(loader, body, meeting, people)
    projects = load_projects(loader, body, items[STATUS_CASE])
    load_grants(loader, body, projects)
    load_decisions(loader, projects, municipalities)
    load_budget(loader, body, items[BUDGET_CASE])
    load_project_extras(loader, body, projects, items, municipalities, people)
    load_plan(loader, body)
    freeze_unversioned(session, "demo")  # the approved minutes, stored as approved
    if years:
        from boardroom.demo.history import load_history

        load_history(loader, body, municipalities, people, years)
    session.info.pop("organisation_id", None)
    return loader.summary()


def load_second_organisation(session: Session) -> str:
    """A second, smaller organisation of another kind, under its own address (/felles-ikt/):
    a health trust with a four-digit-year number format and one approved meeting (idempotent)."""
    trust = Loader(session)
    load_health_trust(trust)
    freeze_unversioned(session, "demo")
    session.info.pop("organisation_id", None)
    if not trust.created:
        return f"{health.NAME} er allerede lastet."
    return f"Lastet {health.NAME} under /{health.SLUG}/."


def load_municipalities(loader: Loader) -> dict[str, Municipality]:
    """The 19 members with their population on 30 June 2025, by name."""
    rows = csv.DictReader(io.StringIO(read_text("medlemskommuner.csv")))
    result = {}
    for row in rows:
        municipality = loader.get_or_create(
            Municipality, number=row["kommunenummer"], defaults=dict(name=row["kommune"], region=row["klynge"])
        )
        loader.get_or_create(
            PopulationFigure, municipality_id=municipality.id, as_of=POPULATION_DATE,
            defaults=dict(population=int(row["innbyggere_2025k2"]), source=POPULATION_SOURCE),
        )
        result[municipality.name] = municipality
    return result


def load_people(loader: Loader, body: Body, municipalities: dict[str, Municipality]) -> dict[str, Person]:
    """Board members, the deputy, staff and observer, with their seats, by name."""
    people, seats = {}, {}
    for name, municipality in BOARD:
        person = people[name] = loader.get_or_create(Person, name=name)
        role = MembershipRole.chair if name == CHAIR else MembershipRole.member
        seats[name] = loader.get_or_create(
            Membership, body_id=body.id, person_id=person.id, role=role,
            defaults=dict(municipality_id=municipalities[municipality].id, voting=True),
        )
    deputy, municipality, stands_in_for = DEPUTY
    person = people[deputy] = loader.get_or_create(Person, name=deputy)
    loader.get_or_create(
        Membership, body_id=body.id, person_id=person.id, role=MembershipRole.deputy,
        defaults=dict(municipality_id=municipalities[municipality].id, deputy_for_id=seats[stands_in_for].id),
    )
    for name, title, affiliation, role in STAFF:
        person = people[name] = loader.get_or_create(Person, name=name, defaults=dict(title=title, affiliation=affiliation))
        loader.get_or_create(Membership, body_id=body.id, person_id=person.id, role=role, defaults=dict(voting=False))
    return people


def load_meeting(loader: Loader, body: Body, municipalities, people) -> Meeting:
    """The meeting of 16 October 2025 with its attendance and attachments."""
    starts_at, ends_at = all_day(MEETING_DAY, MEETING_DAY)
    meeting = loader.get_or_create(
        Meeting, body_id=body.id, starts_at=starts_at,
        defaults=dict(
            ends_at=ends_at, all_day=True, title="Styremøte", place="Bodø og Teams", mode=MeetingMode.hybrid,
            status=MeetingStatus.approved, chair_id=people[CHAIR].id, co_signer_id=people[CO_SIGNER].id,
            minutes_taker_id=people[STAFF[0][0]].id,  # daglig leder writes the minutes
        ),
    )
    deputy, deputy_municipality, stands_in_for = DEPUTY
    rows = []  # (person, status, municipality, substitute for)
    for name, municipality in BOARD:
        if name in ABSENT:
            rows.append((name, AttendanceStatus.absent, None, None))
        elif name in ABSENT_WITH_NOTICE:
            rows.append((name, AttendanceStatus.absent_notice, None, None))
        else:
            rows.append((name, AttendanceStatus.present, municipality, None))
        if name == stands_in_for:
            rows.append((deputy, AttendanceStatus.present, deputy_municipality, stands_in_for))
    rows += [(name, AttendanceStatus.present, None, None) for name, *_ in STAFF]
    for position, (name, status, municipality, substitute_for) in enumerate(rows):
        loader.get_or_create(
            Attendance, meeting_id=meeting.id, person_id=people[name].id,
            defaults=dict(
                position=position, invited=True, status=status,
                municipality_id=municipalities[municipality].id if municipality else None,
                substitute_for_id=people[substitute_for].id if substitute_for else None,
            ),
        )
    for position, title in enumerate(MEETING_ATTACHMENTS):
        loader.get_or_create(Attachment, meeting_id=meeting.id, title=title, defaults=dict(position=position))
    return meeting


def load_cases(loader: Loader, body: Body, meeting: Meeting, people) -> dict[int, AgendaItem]:
    """Cases 38-25 … 49-25 with their texts, by sequence number."""
    items = {}
    for position, (seq, title, kind, handler) in enumerate(CASES):
        item = loader.session.exec(
            select(AgendaItem).filter_by(body_id=body.id, number_year=YEAR, number_seq=seq)
        ).first()
        if item is None:
            case = loader.get_or_create(Case, body_id=body.id, title=title)
            texts = {field: read_text(f"{seq}-{YEAR % 100}.{field}.md") for field in AgendaItem.MARKDOWN_FIELDS}
            item = loader.get_or_create(
                AgendaItem, body_id=body.id, number_year=YEAR, number_seq=seq,
                defaults=dict(
                    meeting_id=meeting.id, case_id=case.id, position=position, kind=kind, closing=kind == E,
                    case_handler_id=people[handler].id if handler else None, status=ItemStatus.treated, **texts,
                ),
            )
        items[seq] = item
    return items


def load_projects(loader: Loader, body: Body, status_item: AgendaItem) -> dict[str, Project]:
    """The joint projects, each with its status report from 44-25 when it has one, by name."""
    reports = sections(status_item.background)
    projects = {}
    for position, spec in enumerate(PROJECTS):
        spec = dict(spec)
        name, status = spec.pop("name"), spec.pop("status", None)
        project = projects[name] = loader.get_or_create(
            Project, body_id=body.id, name=name, defaults=dict(position=position, **spec)
        )
        if status:
            loader.get_or_create(
                StatusReport, project_id=project.id, agenda_item_id=status_item.id, reported_on=MEETING_DAY,
                defaults=dict(title=status, text=reports[status], phase=project.phase, health=project.health),
            )
    return projects


def load_grants(loader: Loader, body: Body, projects: dict[str, Project]) -> None:
    for position, (purpose, amount, funder, project) in enumerate(GRANTS):
        loader.get_or_create(
            Grant, body_id=body.id, year=YEAR, purpose=purpose,
            defaults=dict(
                amount=Decimal(amount), funder=funder, position=position,
                project_id=projects[project].id if project else None,
            ),
        )


def load_decisions(loader: Loader, projects: dict[str, Project], municipalities: dict[str, Municipality]) -> None:
    """The nine project decisions, each with one answer per municipality."""
    for position, spec in enumerate(DECISIONS):
        decision = loader.get_or_create(
            ProjectDecision, project_id=projects[spec["project"]].id, title=spec["title"],
            defaults=dict(
                decided_on=spec["decided_on"], decided_text=spec["decided_text"],
                remark=spec.get("remark", ""), position=position,
            ),
        )
        for name, municipality in municipalities.items():
            if "only" in spec:
                joins = name in spec["only"]
            else:
                joins = name not in spec.get("declines", [])
            loader.get_or_create(
                Participation, decision_id=decision.id, municipality_id=municipality.id,
                answered_on=spec["decided_on"],
                defaults=dict(
                    answer=ParticipationAnswer.joins if joins else ParticipationAnswer.declines,
                    source=spec.get("sources", {}).get(name, spec.get("source", "vedtak")),
                    remark=spec.get("remarks", {}).get(name, ""),
                ),
            )


def load_budget(loader: Loader, body: Body, budget_item: AgendaItem) -> None:
    """The municipalities' share of the 2026 budget: 23 kr per inhabitant, the rest flat."""
    key = loader.get_or_create(CostKey, body_id=body.id, name=BUDGET_KEY, defaults=dict(rate_per_inhabitant=Decimal(23)))
    cost = loader.get_or_create(
        Cost, body_id=body.id, description=BUDGET_COST["description"], year=BUDGET_COST["year"],
        defaults=dict(
            total=BUDGET_COST["total"], cost_key_id=key.id, sharing=CostSharing.all_members,
            population_date=POPULATION_DATE, agenda_item_id=budget_item.id, approved_sum=BUDGET_SUM,
        ),
    )
    # the rows as the minutes of 16 October 2025 print them, slips included (boardroom.costs.approved)
    names = {m.name: m.id for m in loader.session.exec(select(Municipality).where(
        Municipality.organisation_id == body.organisation_id))}
    for position, row in enumerate(csv.DictReader(io.StringIO(read_text("budsjett-2026-andeler.csv")))):
        loader.get_or_create(
            ApprovedShare, cost_id=cost.id, name=row["kommune"],
            defaults=dict(municipality_id=names.get(row["kommune"]), position=position,
                          population=int(row["innbyggere"]), per_inhabitant=Decimal(row["fordelt_etter_innbyggertall"]),
                          total=Decimal(row["totalt_pr_kommune"])),
        )


def load_plan(loader: Loader, body: Body) -> None:
    """The four board meetings of 2026 (45-25), planned, whole days, made as the secretary makes them."""
    from boardroom.meetings.agenda import create_meeting

    for first, last, mode, place, purpose in PLAN_2026:
        starts_at, ends_at = all_day(first, last)
        if loader.session.exec(select(Meeting).filter_by(body_id=body.id, starts_at=starts_at)).first():
            continue
        # as the secretary would: the body's standard cases and its members invited
        create_meeting(loader.session, body, starts_at=starts_at, ends_at=ends_at, all_day=True, title="Styremøte",
                       place=place, mode=mode, status=MeetingStatus.planned, purpose=purpose)
        loader.created["Meeting"] += 1


DEMO_ACCOUNTS = (
    # (e-mail, password, role, person) — demo only; printed by `boardroom demo`
    ("sekretaer@digitalehelgeland.example", "sekretaer-demo", "secretary", "Hilde Rafaelsen"),
    ("styremedlem@digitalehelgeland.example", "styremedlem-demo", "member", "Knut Toresen"),
)


def load_demo_accounts(session: Session) -> list[str]:
    """A secretary and a board member account (Bindal's representative); idempotent."""
    from boardroom.auth.accounts import create_user
    from boardroom.core.access import grant_role
    from boardroom.models import User, UserRole

    dh = session.exec(select(Organisation).where(Organisation.slug == SLUG)).one()
    trust = session.exec(select(Organisation).where(Organisation.slug == health.SLUG)).first()
    lines = []
    for email, password, role, name in DEMO_ACCOUNTS:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            person = session.exec(select(Person).where(Person.name == name, Person.organisation_id == dh.id)).one()
            user = create_user(session, email, password, role, person.id)
        grant_role(session, user.id, dh.id, UserRole(role))
        if trust is not None:  # the secretary serves both; the board member reads the trust's public pages
            if role == "secretary":
                grant_role(session, user.id, trust.id, UserRole.secretary)
        lines.append(f"  {role:<10} {email}  passord: {password}  ({name})")
    return lines
