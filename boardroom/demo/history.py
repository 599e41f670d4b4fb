"""Generated history for measuring: ``boardroom demo --years N`` adds the N years before 2025.

Six board meetings a year (about one in twelve cancelled), each with the body's standard cases
and nine to twelve cases of its own with their texts, a notice sent, attendance recorded (members
who sent apologies, some with their deputy called in, some absent without notice), every case
decided (unanimously, by a counted vote per municipality, or with no vote for information and
discussion), now and then a case deferred to the next meeting, co-signers chosen and the minutes
approved, so every meeting's minutes get their stored version. Every year also has the
population figures, a budget shared by key, six projects started by a decision with every
municipality's answer (some answered later, some changed their mind), project costs, grants,
status reports and follow-ups with a meeting document (PDF) per meeting.

It goes through the same domain functions the secretary's pages call. The content is random but
seeded per year, so the same years always give the same history; a year already there is skipped,
so running it again changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import select

from boardroom.core.formatting import OSLO
from boardroom.decisions.approval import approve_minutes, choose_co_signers, co_signer_candidates, mark_held
from boardroom.decisions.attendance import AttendanceChange, add_attendee, record_attendance
from boardroom.decisions.deferral import defer
from boardroom.decisions.votes import record_decision, voting_seats
from boardroom.followups.followups import create_follow_up
from boardroom.meetings.agenda import add_attachment, add_case, cancel_meeting, create_meeting, send_notice
from boardroom.models import (
    AgendaItem,
    AttendanceStatus,
    Body,
    CaseKind,
    Cost,
    CostKey,
    CostSharing,
    DecisionMethod,
    FollowUpStatus,
    Grant,
    Health,
    ItemStatus,
    MajorityRule,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Membership,
    MembershipRole,
    Municipality,
    ParticipationAnswer,
    Person,
    PopulationFigure,
    Project,
    ProjectPhase,
    StatusReport,
    VoteChoice,
)
from boardroom.participation.answers import create_decision, record_answer

LAST_YEAR = 2024  # the demo's own meeting is in 2025: the history ends the year before
MONTHS = (2, 3, 5, 6, 9, 11)
PLACES = [("Mosjøen", MeetingMode.physical), ("Mo i Rana", MeetingMode.hybrid), ("Sandnessjøen", MeetingMode.physical),
          ("Brønnøysund", MeetingMode.hybrid), ("Teams", MeetingMode.digital)]
SECRETARY = "sekretaer@digitalehelgeland.example"
# one deputy per seat (Lurøy has Atle Henriksen already), in the board's order
DEPUTIES = ["Marit Åsheim", "Ola Brennvik", "Siri Kvaløy", "Jon Arne Sandvik", "Kari Tverå", "Eirik Hoff",
            "Randi Øvergård", "Torill Lånes", "Geir Stokkan", "Bente Hjartøy", "Anne Lise Moen", "Per Ivar Dahl",
            "Solveig Nygård", "Trond Aune", None, "Mona Storli", "Hege Rødahl", "Arvid Tindvik"]
SYSTEMS = ["sak- og arkivsystem", "fagsystem for barnevern", "økonomisystem", "skoleadministrativt system",
           "system for byggesak", "velferdsteknologi", "e-læringsplattform", "innbyggerdialog", "kvalitetssystem",
           "system for legevakt", "helseplattform", "integrasjonsplattform", "skjemaløsning", "fakturamottak",
           "kartløsning", "tilgangsstyring", "telefoniløsning", "nettsideløsning"]
TOPICS = ["informasjonssikkerhet", "personvern og internkontroll", "KI i kommunal saksbehandling", "digital kompetanse",
          "felles IKT-driftsavtale", "bredbåndsutbygging", "skytjenester", "beredskap for IKT-hendelser",
          "nasjonal digitaliseringsstrategi", "arkivdepot", "samhandling med Helgelandssykehuset", "KS-samarbeid"]
SENTENCES = [
    "Kommunene på Helgeland har over tid sett behov for å samordne arbeidet.",
    "Saken ble drøftet i rådmannsutvalget før styremøtet.",
    "Administrasjonen har innhentet erfaringer fra andre regioner.",
    "Tiltaket gir kommunene mulighet til å dele kostnader og kompetanse.",
    "Det er tatt hensyn til kommunenes ulike behov og størrelse.",
    "Fremdriften avhenger av at kommunene gir tilbakemelding innen fristen.",
    "Risikoen vurderes som moderat, og tiltak for å redusere den er beskrevet i vedlegget.",
    "Kostnadene fordeles etter vedtatt fordelingsnøkkel.",
    "Det vises til tidligere behandling i styret.",
    "Personvernkonsekvenser er vurdert, og databehandleravtaler inngås før oppstart.",
]
REASONS = ["Forfall meldt", "Sykdom", "Annet møte i kommunen", "Reise"]
CANCELLED = ["Avlyst på grunn av værforholdene", "Avlyst; sakene behandles i neste møte", "Avlyst etter ønske fra styreleder"]


def paragraphs(rng: random.Random, n: int) -> str:
    return "\n\n".join(" ".join(rng.sample(SENTENCES, 3)) for _ in range(n))


def oslo(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=OSLO)


def pdf(title: str) -> bytes:
    """A small, valid one-page PDF with the title as its text (the same title gives the same bytes)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class History:
    """The generated years of one body, built with the demo's loader (which counts what it adds)."""

    def __init__(self, loader, body: Body, municipalities: dict[str, Municipality], people: dict[str, Person]):
        self.loader, self.session, self.body = loader, loader.session, body
        self.municipalities, self.people = municipalities, people
        self.rate_key = self.session.exec(select(CostKey).where(CostKey.body_id == body.id,
                                                                CostKey.rate_per_inhabitant.is_not(None))).first()
        self.keys = [loader.get_or_create(CostKey, body_id=body.id, name=name,
                                          defaults=dict(flat_percent=Decimal(flat), per_inhabitant_percent=Decimal(per)))
                     for name, flat, per in (("50/50 flatt og per innbygger", 50, 50), ("Flatt", 100, 0),
                                             ("Per innbygger", 0, 100))]
        self.handlers = [people[n] for n in ("Hilde Rafaelsen", "Christian Lorentsen", "Camilla Falch")]
        self.deputies = self._deputies()

    def _deputies(self) -> dict[int, Person]:
        """A deputy seat for every member seat: person id of the member → the deputy."""
        seats = self.session.exec(select(Membership).where(Membership.body_id == self.body.id)).all()
        members = [s for s in seats if s.role in (MembershipRole.chair, MembershipRole.member)]
        result = {}
        for seat in sorted(members, key=lambda s: s.id):
            existing = next((s for s in seats if s.deputy_for_id == seat.id), None)
            if existing is not None:
                result[seat.person_id] = self.session.get(Person, existing.person_id)
                continue
            index = len(result)
            name = DEPUTIES[index] if index < len(DEPUTIES) else None
            if name is None:
                continue
            person = self.loader.get_or_create(Person, name=name, defaults=dict(title="varamedlem"))
            self.loader.get_or_create(Membership, body_id=self.body.id, person_id=person.id, role=MembershipRole.deputy,
                                      defaults=dict(municipality_id=seat.municipality_id, deputy_for_id=seat.id))
            result[seat.person_id] = person
        return result

    def year_done(self, year: int) -> bool:
        first = oslo(date(year, MONTHS[0], 1), 0)
        return self.session.exec(select(Meeting.id).where(Meeting.body_id == self.body.id, Meeting.starts_at >= first,
                                                          Meeting.starts_at < oslo(date(year, 12, 31), 0))).first() is not None

    # ------------------------------------------------------------------ one year

    def add_year(self, year: int) -> None:
        rng = random.Random(f"boardroom-history-{year}")
        population_day = date(year, 6, 30)
        for municipality in self.municipalities.values():
            now = max(municipality.populations, key=lambda p: p.as_of)
            factor = 1 - Decimal("0.004") * (now.as_of.year - year) + Decimal(rng.randint(-20, 20)) / 10000
            self.loader.get_or_create(PopulationFigure, municipality_id=municipality.id, as_of=population_day,
                                      defaults=dict(population=int(now.population * factor), source=f"SSB, 2. kvartal {year}"))
        meetings = []
        for month in MONTHS:
            day = date(year, month, rng.randint(8, 24))
            day += timedelta(days=(3 - day.weekday()) % 7)  # a Thursday
            place, mode = rng.choice(PLACES)
            meeting = create_meeting(self.session, self.body, title="Styremøte", starts_at=oslo(day, 10),
                                     ends_at=oslo(day, 15), place=place, mode=mode, status=MeetingStatus.planned)
            self.loader.created["Meeting"] += 1
            self.loader.created["Case"] += len(meeting.items)  # its standard cases
            meetings.append(meeting)
        projects = [f"{rng.choice(['Felles', 'Regionalt', 'Interkommunalt'])} {system} {year}"
                    for system in rng.sample(SYSTEMS, 6)]
        for index, meeting in enumerate(meetings):
            if rng.random() < 0.08 and index < len(meetings) - 1:
                cancel_meeting(self.session, meeting, rng.choice(CANCELLED))
                continue
            later = next((m for m in meetings[index + 1:] if m.status == MeetingStatus.planned), None)
            self.hold_meeting(rng, year, index, meeting, later, projects[index::len(meetings)], population_day)
        self.status_reports(rng, year, projects)

    def hold_meeting(self, rng, year, index, meeting, later, project_names, population_day) -> None:
        session = self.session
        day = meeting.starts_at.astimezone(OSLO).date()
        new_cases = []
        if index == len(MONTHS) - 1:
            new_cases.append((f"Budsjett {year + 1}", CaseKind.decision, "budget"))
            new_cases.append((f"Møteplan for {year + 1}", CaseKind.decision, None))
        if index == 1:
            new_cases.append((f"Årsrapport og regnskap {year - 1}", CaseKind.decision, None))
        new_cases += [(f"Oppstart: {name}", CaseKind.decision, ("project", name)) for name in project_names]
        new_cases.append(("Status prosjekter og vedtak", CaseKind.information, None))
        wanted = rng.randint(10, 13)
        while len(new_cases) < wanted:
            kind = rng.choice([CaseKind.decision, CaseKind.decision, CaseKind.information, CaseKind.discussion])
            topic = rng.choice(TOPICS)
            title = {CaseKind.decision: f"Felles tiltak for {topic}", CaseKind.information: f"Orientering om {topic}",
                     CaseKind.discussion: f"Drøfting: {topic}"}[kind]
            new_cases.append((f"{title} ({len(new_cases) + 1})", kind, None))
        roles = {}
        for title, kind, role in new_cases:
            item = add_case(session, meeting, title=title, kind=kind, case_handler_id=rng.choice(self.handlers).id,
                            background=paragraphs(rng, rng.randint(1, 3)), assessment=paragraphs(rng, 1),
                            proposal="Styret slutter seg til administrasjonens vurdering." if kind == CaseKind.decision
                            else "Saken tas til orientering.",
                            majority_rule=MajorityRule.two_thirds if role == "budget" else MajorityRule.simple)
            roles[item.id] = role
        self.loader.created["Case"] += len(new_cases)
        send_notice(session, meeting, now=meeting.starts_at - timedelta(days=10))
        add_attachment(session, meeting, f"Saksdokumenter {day.isoformat()}", f"saksdokumenter-{day.isoformat()}.pdf",
                       pdf(f"Styret i Digitale Helgeland, saksdokumenter til møtet {day.isoformat()}"))
        self.attendance(rng, meeting)
        co_signer = rng.choice(co_signer_candidates(session, meeting))
        deferred = False
        for item in list(meeting.items):
            role = roles.get(item.id)
            if (later is not None and not deferred and role is None and item.kind == CaseKind.decision
                    and not item.closing and item.number_seq and rng.random() < 0.05):
                defer(session, item, later, "Styret ba om mer utredning før saken avgjøres.")
                deferred = True
                continue
            self.decide(rng, item, co_signer)
            if role == "budget":
                self.budget(rng, year, item, population_day)
            elif isinstance(role, tuple):
                self.project(rng, year, item, role[1], day, population_day)
            elif item.kind == CaseKind.decision and rng.random() < 0.25:
                self.follow_up(rng, item, day, year)
        choose_co_signers(session, meeting, [co_signer.person_id])
        mark_held(session, meeting)
        approve_minutes(session, meeting, SECRETARY, when=meeting.ends_at + timedelta(days=rng.randint(14, 40)))

    def attendance(self, rng, meeting: Meeting) -> None:
        changes, deputies_in = {}, []
        for attendance in meeting.attendances:
            if attendance.municipality_id is None:  # staff and observers
                changes[attendance.id] = AttendanceChange(AttendanceStatus.present)
                continue
            draw = rng.random()
            if draw < 0.84 or attendance.person_id == meeting.chair_id:
                changes[attendance.id] = AttendanceChange(AttendanceStatus.present)
            elif draw < 0.95:
                changes[attendance.id] = AttendanceChange(AttendanceStatus.absent_notice)
                deputy = self.deputies.get(attendance.person_id)
                if deputy is not None and rng.random() < 0.7:
                    deputies_in.append((deputy, attendance.person_id))
            else:
                changes[attendance.id] = AttendanceChange(AttendanceStatus.absent)
        for deputy, member_id in deputies_in:
            row = add_attendee(self.session, meeting, deputy.id)
            changes[row.id] = AttendanceChange(AttendanceStatus.present, member_id)
        record_attendance(self.session, meeting, changes)

    def decide(self, rng, item: AgendaItem, co_signer) -> None:
        if item.kind not in (CaseKind.decision, CaseKind.election):
            discussion = "- " + "\n- ".join(rng.sample(SENTENCES, 2)) if item.kind != CaseKind.other_business else ""
            record_decision(self.session, item, decision=item.proposal or "Ingen saker under eventuelt.",
                            discussion=discussion, majority_rule=item.majority_rule, votes=None,
                            method=DecisionMethod.none)
            return
        decision = item.proposal or "Styret vedtar forslaget."
        if item.case.title.startswith("Valg av person"):
            decision = f"{co_signer.person.name} velges til å undertegne protokollen sammen med møteleder."
        if rng.random() < 0.3 or item.majority_rule != MajorityRule.simple:
            seats = voting_seats(self.session, item)
            votes = {s.key: VoteChoice.absent if s.voter is None else
                     (VoteChoice.against if rng.random() < 0.08 else VoteChoice.for_) for s in seats}
            record_decision(self.session, item, decision=decision, discussion="", majority_rule=item.majority_rule,
                            votes=votes, method=DecisionMethod.counted)
        else:
            record_decision(self.session, item, decision=decision, discussion="", majority_rule=item.majority_rule,
                            votes=None, method=DecisionMethod.unanimous)

    def budget(self, rng, year, item, population_day) -> None:
        if self.rate_key is None:
            return
        self.loader.get_or_create(
            Cost, body_id=self.body.id, description=f"Refusjon fra kommunene {year + 1}", year=year + 1,
            defaults=dict(total=Decimal(rng.randint(3_000_000, 4_900_000)) + Decimal(rng.randint(0, 99)) / 100,
                          cost_key_id=self.rate_key.id, sharing=CostSharing.all_members,
                          population_date=population_day, agenda_item_id=item.id))
        self.loader.get_or_create(Grant, body_id=self.body.id, year=year, purpose=f"Skjønnsmidler {year}",
                                  defaults=dict(funder="Statsforvalteren i Nordland",
                                                amount=Decimal(rng.randint(2, 30) * 100_000)))

    def project(self, rng, year, item, name, day, population_day) -> None:
        phase = rng.choice([ProjectPhase.closed, ProjectPhase.operation]) if year < LAST_YEAR - 2 else \
            rng.choice([ProjectPhase.study, ProjectPhase.procurement, ProjectPhase.execution])
        project = self.loader.get_or_create(
            Project, body_id=self.body.id, name=name,
            defaults=dict(short_name=name.split()[1][:20], phase=phase, description=paragraphs(rng, 1),
                          health=rng.choice([Health.green, Health.green, Health.yellow, None]), start=day,
                          planned_end=day + timedelta(days=rng.randint(300, 900)), position=20 + 6 * (year - 2000)))
        decision = create_decision(self.session, project, f"Oppstart {name}", decided_on=day, agenda_item=item)
        self.loader.created["ProjectDecision"] += 1
        later_day = day + timedelta(days=rng.randint(20, 60))
        for municipality in self.municipalities.values():
            draw = rng.random()
            answer = (ParticipationAnswer.joins if draw < 0.8 else
                      ParticipationAnswer.declines if draw < 0.9 else ParticipationAnswer.pending)
            record_answer(self.session, decision, municipality, answer, day, source="vedtak", source_item=item)
            if answer == ParticipationAnswer.pending or rng.random() < 0.04:  # answered, or changed its mind, later
                final = ParticipationAnswer.declines if answer == ParticipationAnswer.joins else \
                    rng.choice([ParticipationAnswer.joins, ParticipationAnswer.declines])
                record_answer(self.session, decision, municipality, final, later_day, source="e-post",
                              remark="Avklart etter møtet")
        self.loader.get_or_create(
            Cost, body_id=self.body.id, description=f"Etablering {name}", year=year,
            defaults=dict(total=Decimal(rng.randint(200_000, 2_500_000)), cost_key_id=rng.choice(self.keys).id,
                          sharing=CostSharing.participants, population_date=population_day, agenda_item_id=item.id,
                          project_id=project.id, project_decision_id=decision.id))
        if rng.random() < 0.4:
            self.loader.get_or_create(Grant, body_id=self.body.id, year=year, purpose=name,
                                      defaults=dict(funder=rng.choice(["Helsedirektoratet", "Statsforvalteren",
                                                                       "Nordland fylkeskommune"]),
                                                    amount=Decimal(rng.randint(1, 20) * 50_000), project_id=project.id))

    def follow_up(self, rng, item, day, year) -> None:
        municipality = rng.choice(list(self.municipalities.values()))
        self.loader.created["FollowUp"] += 1
        create_follow_up(self.session, item, f"{municipality.name} gir tilbakemelding til Digitale Helgeland.",
                         municipality_id=municipality.id, due_date=day + timedelta(days=30),
                         status=FollowUpStatus.done if year < LAST_YEAR else
                         rng.choice([FollowUpStatus.open, FollowUpStatus.in_progress, FollowUpStatus.done]))

    def status_reports(self, rng, year, names: list[str]) -> None:
        """A status report in the last meeting of the year on each project started that year."""
        last = self.session.exec(select(AgendaItem).join(Meeting, AgendaItem.meeting_id == Meeting.id)
                                 .where(Meeting.body_id == self.body.id, AgendaItem.status == ItemStatus.treated,
                                        Meeting.starts_at >= oslo(date(year, 1, 1), 0),
                                        Meeting.starts_at < oslo(date(year + 1, 1, 1), 0))
                                 .order_by(Meeting.starts_at.desc(), AgendaItem.position)).first()
        projects = self.session.exec(select(Project).where(Project.body_id == self.body.id,
                                                           Project.name.in_(names)).order_by(Project.id)).all()
        for project in projects:
            self.loader.get_or_create(
                StatusReport, project_id=project.id, reported_on=date(year, 12, 1),
                defaults=dict(agenda_item_id=last.id if last else None, title=f"Status {project.name}",
                              text=paragraphs(rng, 1), phase=project.phase, health=project.health))


def load_history(loader, body: Body, municipalities: dict[str, Municipality], people: dict[str, Person],
                 years: int) -> list[int]:
    """Add the ``years`` years before 2025 that are not there yet; returns the years added."""
    history = History(loader, body, municipalities, people)
    added = []
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        if not history.year_done(year):
            history.add_year(year)
            added.append(year)
    return added
