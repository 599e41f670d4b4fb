"""Onboarding: an organisation's bodies, members, people and seats loaded from a spreadsheet.

The file is an XLSX workbook with one sheet each, or the same as CSV files (one per sheet, named
for it: ``medlemmer.csv`` …). The first row of each sheet names its columns (in any order; case
and spaces around them do not matter):

- ``organisasjon`` (to create a new organisation; not needed when loading into one that exists):
  Navn, Kortnavn, Organisasjonsnummer, Kortadresse — one row.
- ``organer`` (optional): Navn, Kortnavn, Saksnummerformat, Møtested, Protokollunderskrivere
  (1 or 2), Kan avstå (ja/nei), Åpen møteplan (ja/nei), Flertallskrav (the rule new cases start
  with: Alminnelig flertall, To tredjedels flertall, Enstemmighet). Each new body gets the usual
  standard cases.
- ``medlemmer``: Navn, Type (kommune, fylkeskommune, foretak, helseforetak, annen virksomhet;
  empty: by the number's length), Nummer, Region, Eierandel (%), Medlem fra, Medlem til,
  Folketall, Folketall per (date).
- ``personer``: Navn, E-post, Stilling, Tilhørighet.
- ``verv``: Person, Organ, Rolle (styreleder, nestleder, styremedlem, varamedlem, administrasjon,
  observatør), Representerer (a member's name or number, «uavhengig», «ansattrepresentant», or
  empty), Stemmerett (ja/nei), Fra, Til, Vara for (the person whose seat a deputy stands in for).

Every row is checked before anything is written; a file with a bad row is refused whole, each
problem named with its sheet and line ("verv, linje 7: ukjent medlem «Brønnøy»"), and nothing of
it is saved. ``load_organisation`` only adds and flushes; the caller commits (the command line),
or the request does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from boardroom.core.formatting import nb_number
from boardroom.core.inputs import Invalid
from boardroom.core.labels import label
from boardroom.core.parsing import parse_day
from boardroom.costs.shares import CostShareError, check_ownership_shares
from boardroom.meetings.numbering import NumberFormatError
from boardroom.models import (
    Body,
    MajorityRule,
    MemberKind,
    Membership,
    MembershipRole,
    Municipality,
    Organisation,
    Person,
    PopulationFigure,
    SeatKind,
)
from boardroom.orgadmin import organisations
from boardroom.orgadmin.sheets import (  # noqa: F401  (read_* are this module's way in, for its callers)
    ImportRefused,
    NumberText,
    Sheet,
    key,
    name_key,
    read_csv_files,
    read_paths,
    read_upload,
    read_xlsx,
)
from boardroom.registers import registers
from boardroom.registers.forms import EMAIL
from boardroom.registers.identifiers import InvalidNumber, check_member_number

# each sheet's columns as the secretary writes them; those marked * must be filled in every row
COLUMNS = {
    "organisasjon": ("Navn*", "Kortnavn", "Organisasjonsnummer", "Kortadresse*"),
    "organer": ("Navn*", "Kortnavn", "Saksnummerformat", "Møtested", "Protokollunderskrivere", "Kan avstå",
                "Åpen møteplan", "Flertallskrav"),
    "medlemmer": ("Navn*", "Type", "Nummer*", "Region", "Eierandel (%)", "Medlem fra", "Medlem til", "Folketall",
                  "Folketall per"),
    "personer": ("Navn*", "E-post", "Stilling", "Tilhørighet"),
    "verv": ("Person*", "Organ*", "Rolle*", "Representerer", "Stemmerett", "Fra", "Til", "Vara for"),
}
REQUIRED_SHEETS = ("medlemmer", "personer", "verv")
SHEETS = tuple(COLUMNS)

KINDS = {label(k).casefold(): k for k in MemberKind} | {
    "fylke": MemberKind.county, "rhf": MemberKind.health_authority, "hf": MemberKind.health_authority,
    "regionalt helseforetak": MemberKind.health_authority, "annen": MemberKind.other, "as": MemberKind.enterprise,
    "iks": MemberKind.enterprise,
}
KIND_BY_DIGITS = {4: MemberKind.municipality, 2: MemberKind.county, 9: MemberKind.enterprise}
ROLES = {label(r).casefold(): r for r in MembershipRole} | {
    "leder": MembershipRole.chair, "møteleder": MembershipRole.chair, "nestleiar": MembershipRole.deputy_chair,
    "medlem": MembershipRole.member, "vara": MembershipRole.deputy, "administrasjonen": MembershipRole.staff,
    "fast innkalt": MembershipRole.observer,
}
VOTING_ROLES = (MembershipRole.chair, MembershipRole.deputy_chair, MembershipRole.member, MembershipRole.deputy)
NO_MEMBER = {"uavhengig": SeatKind.independent, "uavhengig styremedlem": SeatKind.independent,
             "ansattrepresentant": SeatKind.employee, "ansattvalgt": SeatKind.employee}
YES = {"ja", "j", "x", "1", "sann", "true", "yes"}
NO = {"nei", "n", "0", "usann", "false", "no"}


# --------------------------------------------------------------------------- checking rows


@dataclass
class Plan:
    """What a file will add, every row checked."""

    organisation: dict | None = None  # the new organisation's identity, or None: an existing one
    bodies: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)  # with "population" / "population_as_of"
    people: list[dict] = field(default_factory=list)
    seats: list[dict] = field(default_factory=list)  # "person", "body" (name keys), "member", "deputy_for"


class Problems(list):
    def add(self, sheet: str, line: int | None, message: str) -> None:
        self.append(f"{sheet}, linje {line}: {message}" if line else f"{sheet}: {message}")


def check_columns(sheet: Sheet, problems: Problems) -> bool:
    known = {key(c) for c in COLUMNS[sheet.name]}
    unknown = [c for c in sheet.columns if c and key(c) not in known]
    missing = [c.rstrip("*") for c in COLUMNS[sheet.name] if c.endswith("*") and key(c) not in
               {key(x) for x in sheet.columns}]
    listing = ", ".join(c.rstrip("*") for c in COLUMNS[sheet.name])
    for column in unknown:
        problems.add(sheet.name, 1, f"ukjent kolonne «{column}». Kolonnene er: {listing}.")
    for column in missing:
        problems.add(sheet.name, 1, f"kolonnen «{column}» mangler. Kolonnene er: {listing}.")
    return not unknown and not missing


def required(sheet: Sheet, line: int, row: dict, column: str, problems: Problems) -> str:
    value = (row.get(key(column)) or "").strip()
    if not value:
        problems.add(sheet.name, line, f"{column} mangler.")
    return value


def yes_no(sheet: Sheet, line: int, value: str, column: str, default: bool, problems: Problems) -> bool:
    text = (value or "").strip().casefold()
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    problems.add(sheet.name, line, f"{column} må være «ja» eller «nei», ikke «{value}».")
    return default


def day(sheet: Sheet, line: int, value: str, column: str, problems: Problems) -> date | None:
    try:
        return parse_day(value)
    except ValueError:
        problems.add(sheet.name, line, f"{column} «{value}» er ikke en dato. Skriv for eksempel 16.10.2025.")
        return None


def check_organisation(session: Session, sheets: dict[str, Sheet], into: Organisation | None,
                       problems: Problems) -> dict | None:
    sheet = sheets.get("organisasjon")
    if sheet is None:
        if into is None:
            problems.append("Filen mangler arket «organisasjon», som trengs for å opprette en ny organisasjon "
                            "(eller velg organisasjonen filen skal leses inn i).")
        return None
    if not check_columns(sheet, problems):
        return None
    if len(sheet.rows) != 1:
        problems.add(sheet.name, None, f"arket skal ha én rad under overskriftene, ikke {len(sheet.rows)}.")
        return None
    line, row = sheet.rows[0]
    values = dict(name=row.get("navn", ""), short_name=row.get("kortnavn", ""),
                  number=row.get("organisasjonsnummer", ""), slug=row.get("kortadresse", "").strip())
    if into is not None:
        if values["slug"] and values["slug"] != into.slug:
            problems.add(sheet.name, line, f"filen gjelder kortadressen «{values['slug']}», men den leses inn i "
                                           f"{into.name} («{into.slug}»).")
        return None
    try:
        return organisations.check_identity(session, values)
    except Invalid as invalid:
        for message in invalid.errors.values():
            problems.add(sheet.name, line, message)
        return None


def new_names(sheet: Sheet, existing: dict, what: str, problems: Problems):
    """The sheet's rows with a name that is neither on an earlier line nor in the organisation
    already: (line, row, name); the others are reported (``what``: "personen", "organet")."""
    seen = {}
    for line, row in sheet.rows:
        name = required(sheet, line, row, "Navn", problems)
        if not name:
            continue
        if name_key(name) in seen:
            problems.add(sheet.name, line, f"{what} «{name}» står også på linje {seen[name_key(name)]}.")
            continue
        seen[name_key(name)] = line
        if name_key(name) in existing:
            problems.add(sheet.name, line, f"{what} «{name}» finnes allerede i organisasjonen.")
            continue
        yield line, row, name


def check_bodies(sheets, existing: dict[str, Body], problems: Problems) -> list[dict]:
    sheet = sheets.get("organer")
    if sheet is None or not check_columns(sheet, problems):
        return []
    found = []
    for line, row, name in new_names(sheet, existing, "organet", problems):
        fmt = (row.get("saksnummerformat") or "").strip() or "{seq:02d}-{yy}"
        try:
            registers.check_case_number_format(fmt)
        except NumberFormatError as exc:
            problems.add(sheet.name, line, str(exc))
        co_signers = (row.get("protokollunderskrivere") or "").strip() or "1"
        if co_signers not in ("1", "2"):
            problems.add(sheet.name, line, f"Protokollunderskrivere må være 1 eller 2, ikke «{co_signers}».")
            co_signers = "1"
        short_name, place = (row.get("kortnavn") or "").strip(), (row.get("møtested") or "").strip()
        for text, column, most in ((name, "Navn", 200), (short_name, "Kortnavn", 50), (place, "Møtested", 200)):
            if len(text) > most:
                problems.add(sheet.name, line, f"{column} kan ha høyst {most} tegn.")
        found.append(dict(
            name=name, short_name=short_name, case_number_format=fmt, default_place=place,
            co_signers=int(co_signers),
            abstain_allowed=yes_no(sheet, line, row.get("kan avstå"), "Kan avstå", False, problems),
            majority_rule=majority_rule(sheet, line, row.get("flertallskrav"), problems),
            public=yes_no(sheet, line, row.get("åpen møteplan"), "Åpen møteplan", True, problems),
        ))
    return found


# "Alminnelig flertall", "To tredjedels flertall", "Enstemmighet", or their first word
RULES = {label(r).casefold(): r for r in MajorityRule} | {label(r).split()[0].casefold(): r for r in MajorityRule} | {
    "2/3": MajorityRule.two_thirds, "enstemmig": MajorityRule.unanimous}


def majority_rule(sheet, line, value: str | None, problems) -> MajorityRule:
    text = (value or "").strip()
    if not text:
        return MajorityRule.simple
    if text.casefold() not in RULES:
        problems.add(sheet.name, line, f"ukjent flertallskrav «{text}» (bruk "
                     + ", ".join(f"«{label(r)}»" for r in MajorityRule) + ").")
        return MajorityRule.simple
    return RULES[text.casefold()]


def share_of(sheet, line, value: str, problems) -> Decimal | None:
    text = (value or "").replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if not text:
        return None
    try:
        share = Decimal(text)
    except InvalidOperation:
        problems.add(sheet.name, line, f"eierandelen «{value}» er ikke et tall.")
        return None
    if not 0 <= share <= 100 or share != share.quantize(Decimal("0.0001")):
        problems.add(sheet.name, line, f"eierandelen «{value}» må være mellom 0 og 100 %, med høyst fire desimaler.")
        return None
    return share


def check_members(sheets, into: Organisation | None, existing: list[Municipality], problems: Problems) -> list[dict]:
    sheet = sheets["medlemmer"]
    if not check_columns(sheet, problems):
        return []
    by_number = {m.number: m for m in existing}
    by_name = {name_key(m.name): m for m in existing}
    found, numbers, names = [], {}, {}
    for line, row in sheet.rows:
        name = required(sheet, line, row, "Navn", problems)
        raw = row.get("nummer") or ""
        type_text = (row.get("type") or "").strip()
        kind = KINDS.get(type_text.casefold())
        if type_text and kind is None:
            problems.add(sheet.name, line, f"ukjent type «{type_text}». Skriv kommune, fylkeskommune, foretak, "
                                           "helseforetak eller annen virksomhet.")
            continue
        digits = re.sub(r"\s", "", raw)
        if kind is None:
            kind = KIND_BY_DIGITS.get(len(digits), MemberKind.municipality)
            if isinstance(raw, NumberText) and len(digits) == 3:
                kind = MemberKind.municipality  # 0301 read as the number 301
        if isinstance(raw, NumberText) and kind in (MemberKind.municipality, MemberKind.county):
            digits = digits.zfill(4 if kind == MemberKind.municipality else 2)
        try:
            number = check_member_number(kind, digits)
        except InvalidNumber as exc:
            problems.add(sheet.name, line, str(exc))
            continue
        if not name:
            continue
        if number in numbers:
            problems.add(sheet.name, line, f"nummer {number} står også på linje {numbers[number]}.")
            continue
        if name_key(name) in names:
            problems.add(sheet.name, line, f"medlemmet «{name}» står også på linje {names[name_key(name)]}.")
            continue
        numbers[number], names[name_key(name)] = line, line
        if number in by_number or name_key(name) in by_name:
            other = by_number.get(number) or by_name[name_key(name)]
            problems.add(sheet.name, line, f"medlemmet «{other.name}» ({other.number}) finnes allerede i "
                                           f"{into.name if into else 'organisasjonen'}.")
            continue
        region = (row.get("region") or "").strip()
        for text, column, most in ((name, "Navn", 100), (region, "Region", 100)):
            if len(text) > most:
                problems.add(sheet.name, line, f"{column} kan ha høyst {most} tegn.")
        member_from = day(sheet, line, row.get("medlem fra"), "Medlem fra", problems)
        member_to = day(sheet, line, row.get("medlem til"), "Medlem til", problems)
        if member_from and member_to and member_to < member_from:
            problems.add(sheet.name, line, "medlemskapet kan ikke slutte før det begynte.")
        population, as_of = None, None
        population_text = re.sub(r"[\s\u00a0]", "", row.get("folketall") or "")
        if population_text:
            if not population_text.isdigit() or int(population_text) > 2**31 - 1:
                problems.add(sheet.name, line, f"folketallet «{row.get('folketall')}» er ikke et helt tall.")
            elif kind not in (MemberKind.municipality, MemberKind.county):
                problems.add(sheet.name, line, "folketall gjelder bare kommuner og fylkeskommuner.")
            else:
                population = int(population_text)
                as_of = day(sheet, line, row.get("folketall per"), "Folketall per", problems)
                if as_of is None and not (row.get("folketall per") or "").strip():
                    problems.add(sheet.name, line, "oppgi datoen folketallet gjelder (Folketall per).")
        found.append(dict(line=line, kind=kind, number=number, name=name, region=region,
                          ownership_share=share_of(sheet, line, row.get("eierandel (%)"), problems),
                          member_from=member_from, member_to=member_to, population=population,
                          population_as_of=as_of))
    given = [m for m in found if m["ownership_share"] is not None]
    if given and not any(p.startswith(f"{sheet.name},") for p in problems):
        everyone = [(m["name"], m["ownership_share"]) for m in found] + [(m.name, m.ownership_share)
                                                                         for m in existing]
        missing = [m for m in found if m["ownership_share"] is None]
        for member in missing:
            problems.add(sheet.name, member["line"], f"eierandelen mangler for {member['name']} "
                                                     "(de andre medlemmene har eierandel).")
        if not missing:
            try:
                check_ownership_shares(everyone)
            except CostShareError as exc:
                problems.add(sheet.name, None, str(exc))
    return found


def check_people(sheets, existing: dict[str, Person], problems: Problems) -> list[dict]:
    sheet = sheets["personer"]
    if not check_columns(sheet, problems):
        return []
    found = []
    for line, row, name in new_names(sheet, existing, "personen", problems):
        email = (row.get("e-post") or "").strip()
        if email and not re.match(EMAIL, email):
            problems.add(sheet.name, line, f"«{email}» er ikke en gyldig e-postadresse.")
        values = dict(name=name, email=email, title=(row.get("stilling") or "").strip(),
                      affiliation=(row.get("tilhørighet") or "").strip())
        for column, value in (("Navn", name), ("E-post", email), ("Stilling", values["title"]),
                              ("Tilhørighet", values["affiliation"])):
            if len(value) > 200:
                problems.add(sheet.name, line, f"{column} kan ha høyst 200 tegn.")
        found.append(values)
    return found


def check_seats(session, sheets, into: Organisation | None, plan: Plan, existing: dict, problems: Problems):
    sheet = sheets["verv"]
    if not check_columns(sheet, problems):
        return []
    people = {name_key(p["name"]) for p in plan.people} | set(existing["people"])
    bodies = {name_key(b["name"]): b["name"] for b in plan.bodies} | {
        k: b.name for k, b in existing["bodies"].items()}
    bodies |= {name_key(b["short_name"]): b["name"] for b in plan.bodies if b["short_name"]}
    bodies |= {name_key(b.short_name): b.name for b in existing["bodies"].values() if b.short_name}
    members = {}
    for m in plan.members:
        members[name_key(m["name"])] = members[m["number"]] = m["name"]
    for m in existing["members"]:
        members[name_key(m.name)] = members[m.number] = m.name
    elsewhere = elsewhere_names(session, into)
    found, board_seats, refused = [], {}, set()
    for line, row in sheet.rows:
        person = required(sheet, line, row, "Person", problems)
        body = required(sheet, line, row, "Organ", problems)
        role_text = required(sheet, line, row, "Rolle", problems)
        if not (person and body and role_text):
            continue
        ok = True
        if name_key(person) not in people:
            where = elsewhere["people"].get(name_key(person))
            problems.add(sheet.name, line, f"personen «{person}» hører til {where}, ikke denne organisasjonen."
                         if where else f"ukjent person «{person}» (legg personen inn i arket «personer»).")
            ok = False
        if name_key(body) not in bodies:
            problems.add(sheet.name, line, f"ukjent organ «{body}» (legg organet inn i arket «organer»).")
            ok = False
        role = ROLES.get(role_text.casefold())
        if role is None:
            problems.add(sheet.name, line, f"ukjent rolle «{role_text}». Skriv styreleder, nestleder, styremedlem, "
                                           "varamedlem, administrasjon eller observatør.")
            ok = False
        represents = (row.get("representerer") or "").strip()
        kind, member = SeatKind.member, None
        if represents.casefold() in NO_MEMBER:
            kind = NO_MEMBER[represents.casefold()]
        elif represents:
            member = members.get(name_key(represents)) or members.get(re.sub(r"\s", "", represents))
            if member is None:
                where = elsewhere["members"].get(name_key(represents)) or elsewhere["members"].get(represents)
                problems.add(sheet.name, line, f"medlemmet «{represents}» hører til {where}; et verv kan bare "
                                               "representere et medlem av sin egen organisasjon." if where
                             else f"ukjent medlem «{represents}» (legg medlemmet inn i arket «medlemmer»).")
                ok = False
        start = day(sheet, line, row.get("fra"), "Fra", problems)
        end = day(sheet, line, row.get("til"), "Til", problems)
        if start and end and end < start:
            problems.add(sheet.name, line, "sluttdatoen kan ikke være før startdatoen.")
        voting = yes_no(sheet, line, row.get("stemmerett"), "Stemmerett", role in VOTING_ROLES, problems)
        deputy_for = (row.get("vara for") or "").strip()
        if deputy_for and role is not None and role != MembershipRole.deputy:
            problems.add(sheet.name, line, "bare et varamedlem kan være vara for en annen. Skriv rollen varamedlem.")
            ok = False
        if not ok:  # a deputy for this person here is not refused as well
            refused.add((name_key(bodies.get(name_key(body), body)), name_key(person)))
            continue
        seat = dict(line=line, person=name_key(person), body=name_key(bodies[name_key(body)]), role=role, kind=kind,
                    member=name_key(member) if member else None, voting=voting, start=start, end=end,
                    deputy_for=name_key(deputy_for) if deputy_for else None, deputy_for_text=deputy_for)
        if role != MembershipRole.deputy and role in VOTING_ROLES:
            board_seats.setdefault((seat["body"], seat["person"]), seat)
        found.append(seat)
    existing_board = {(name_key(body_name), name_key(person_name))
                      for body_name, person_name in existing["board_seats"]}
    for seat in found:
        wanted = seat["deputy_for"]
        if wanted and not {(seat["body"], wanted)} & (set(board_seats) | existing_board | refused):
            problems.add(sheet.name, seat["line"], f"«{seat['deputy_for_text']}» har ikke et verv som styreleder, "
                                                   "nestleder eller styremedlem i det samme organet.")
    return found


def elsewhere_names(session: Session, into: Organisation | None) -> dict:
    """Names and numbers of members, and names of people, that belong to other organisations
    (to say so instead of "ukjent"), each with its organisation's name."""
    names = dict(session.exec(select(Organisation.id, Organisation.name)).all())
    other = (lambda column: column != into.id) if into is not None else (lambda column: column.is_not(None))
    members, people = {}, {}
    for name, number, org in session.exec(select(Municipality.name, Municipality.number, Municipality.organisation_id)
                                          .where(other(Municipality.organisation_id))):
        members.setdefault(name_key(name), names.get(org, "en annen organisasjon"))
        members.setdefault(number, names.get(org, "en annen organisasjon"))
    for name, org in session.exec(select(Person.name, Person.organisation_id).where(other(Person.organisation_id))):
        people.setdefault(name_key(name), names.get(org, "en annen organisasjon"))
    return {"members": members, "people": people}


def existing_rows(session: Session, into: Organisation | None) -> dict:
    if into is None:
        return {"bodies": {}, "members": [], "people": {}, "board_seats": set()}
    bodies = session.exec(select(Body).where(Body.organisation_id == into.id)).all()
    seats = session.exec(select(Body.name, Person.name).join(Membership, Membership.body_id == Body.id)
                         .join(Person, Person.id == Membership.person_id)
                         .where(Body.organisation_id == into.id, Membership.role.in_(
                             [r for r in VOTING_ROLES if r != MembershipRole.deputy]))).all()
    return {
        "bodies": {name_key(b.name): b for b in bodies},
        "members": list(session.exec(select(Municipality).where(Municipality.organisation_id == into.id))),
        "people": {name_key(p.name): p for p in session.exec(select(Person).where(Person.organisation_id == into.id))},
        "board_seats": set(seats),
    }


def check_file(session: Session, sheets: dict[str, Sheet], into: Organisation | None = None) -> Plan:
    """Every row of the file checked against the rules and the organisation's registers; raises
    ImportRefused with every problem found, or returns what would be added."""
    problems = Problems()
    present = set(sheets)
    for name in REQUIRED_SHEETS:
        if name not in present:
            problems.append(f"Filen mangler arket «{name}» (som CSV: {name}.csv). Arkene skal hete: "
                            + ", ".join(f"«{s}»" for s in SHEETS) + " (organisasjon og organer kan utelates).")
    if problems:
        raise ImportRefused(problems)
    existing = existing_rows(session, into)
    plan = Plan()
    plan.organisation = check_organisation(session, sheets, into, problems)
    plan.bodies = check_bodies(sheets, existing["bodies"], problems)
    plan.members = check_members(sheets, into, existing["members"], problems)
    plan.people = check_people(sheets, existing["people"], problems)
    plan.seats = check_seats(session, sheets, into, plan, existing, problems)
    if problems:
        raise ImportRefused(problems)
    return plan


# --------------------------------------------------------------------------- writing


@dataclass
class Loaded:
    organisation: Organisation
    bodies: int
    members: int
    people: int
    seats: int

    def summary(self) -> str:
        def n(count, one, many):
            return f"{nb_number(count)} {one if count == 1 else many}"

        return (f"{self.organisation.name} (/{self.organisation.slug}/): lest inn "
                f"{n(self.bodies, 'organ', 'organer')}, {n(self.members, 'medlem', 'medlemmer')}, "
                f"{n(self.people, 'person', 'personer')} og {n(self.seats, 'verv', 'verv')}.")


def load_organisation(session: Session, sheets: dict[str, Sheet], into: Organisation | None = None) -> Loaded:
    """Check the whole file (``check_file``), then add what it holds to ``into`` (or to the new
    organisation of its «organisasjon» sheet) and flush. Raises ImportRefused, having added
    nothing, when any row is bad."""
    plan = check_file(session, sheets, into)
    organisation = into or organisations.create_organisation(session, **plan.organisation)
    existing = existing_rows(session, into)
    bodies = {k: b for k, b in existing["bodies"].items()}
    for values in plan.bodies:
        bodies[name_key(values["name"])] = registers.create_body(session, organisation_id=organisation.id, **values)
    members = {name_key(m.name): m for m in existing["members"]}
    for values in plan.members:
        values = dict(values)
        values.pop("line")
        population, as_of = values.pop("population"), values.pop("population_as_of")
        member = Municipality(organisation_id=organisation.id, **values)
        session.add(member)
        session.flush()
        if population is not None:
            session.add(PopulationFigure(municipality_id=member.id, as_of=as_of, population=population,
                                         source="Innlest fra regneark"))
        members[name_key(member.name)] = member
    people = dict(existing["people"])
    for values in plan.people:
        person = Person(organisation_id=organisation.id, **values)
        session.add(person)
        people[name_key(person.name)] = person
    session.flush()
    board = {(body_id, person_id): seat_id for seat_id, body_id, person_id in session.exec(
        select(Membership.id, Membership.body_id, Membership.person_id)
        .where(Membership.body_id.in_([b.id for b in bodies.values()]),
               Membership.role.in_([r for r in VOTING_ROLES if r != MembershipRole.deputy])))}
    added = []
    for values in plan.seats:
        seat = Membership(body_id=bodies[values["body"]].id, person_id=people[values["person"]].id, role=values["role"],
                          kind=values["kind"], municipality_id=members[values["member"]].id if values["member"] else None,
                          voting=values["voting"], start=values["start"], end=values["end"])
        session.add(seat)
        session.flush()
        if values["role"] in VOTING_ROLES and values["role"] != MembershipRole.deputy:
            board.setdefault((seat.body_id, seat.person_id), seat.id)
        added.append((seat, values))
    for seat, values in added:
        if values["deputy_for"]:
            seat.deputy_for_id = board[(seat.body_id, people[values["deputy_for"]].id)]
    session.flush()
    return Loaded(organisation, len(plan.bodies), len(plan.members), len(plan.people), len(plan.seats))
