"""Benefits (gevinster): planned and realised, per year, their totals, and CSV import and export.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from boardroom.core.inputs import InputError
from boardroom.core.parsing import format_amount, parse_amount, parse_day
from boardroom.models import Benefit, BenefitKind, Municipality, Project
from boardroom.participation.status import join_names

PERIODS = {"month": "måned", "year": "år"}


KIND_WORDS = {BenefitKind.planned: "planlagt", BenefitKind.realised: "realisert"}


def per_year(value: Decimal | None, period: str) -> Decimal:
    """A monthly or yearly figure as a yearly one."""
    if value is None:
        return Decimal(0)
    return value * 12 if period == "month" else value


def net(benefit: Benefit) -> Decimal | None:
    """Benefit minus the cost side, per the benefit's period."""
    if benefit.amount is None and benefit.cost is None:
        return None
    return (benefit.amount or Decimal(0)) - (benefit.cost or Decimal(0))


@dataclass
class BenefitTotals:
    """Yearly sums: benefit, cost, net and hours, planned and realised."""

    amount: dict[BenefitKind, Decimal] = field(default_factory=lambda: {k: Decimal(0) for k in BenefitKind})
    cost: dict[BenefitKind, Decimal] = field(default_factory=lambda: {k: Decimal(0) for k in BenefitKind})
    hours: dict[BenefitKind, Decimal] = field(default_factory=lambda: {k: Decimal(0) for k in BenefitKind})
    rows: dict[BenefitKind, int] = field(default_factory=lambda: {k: 0 for k in BenefitKind})

    def add(self, b: Benefit) -> None:
        self.amount[b.kind] += per_year(b.amount, b.period)
        self.cost[b.kind] += per_year(b.cost, b.period)
        self.hours[b.kind] += per_year(b.hours, b.period)
        self.rows[b.kind] += 1

    def has(self, kind) -> bool:
        return self.rows[BenefitKind(kind)] > 0

    @property
    def kinds(self) -> list[str]:
        """'planned', 'realised': the kinds with rows."""
        return [k.value for k in BenefitKind if self.rows[k]]

    def net(self, kind: BenefitKind) -> Decimal:
        return self.amount[kind] - self.cost[kind]

    def of(self, kind) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(benefit, cost, net, hours) per year for 'planned' or 'realised'."""
        kind = BenefitKind(kind)
        return self.amount[kind], self.cost[kind], self.net(kind), self.hours[kind]


def totals_by(benefits: list[Benefit], key) -> dict:
    """Yearly totals grouped by ``key(benefit)`` (a project id, a municipality id)."""
    result: dict = {}
    for b in benefits:
        result.setdefault(key(b), BenefitTotals()).add(b)
    return result


def check_benefit(kind, amount, hours, cost, period) -> None:
    if kind not in (BenefitKind.planned, BenefitKind.realised):
        raise InputError("Velg planlagt eller realisert gevinst.", "kind")
    for name, value, word in (("amount", amount, "Gevinsten"), ("hours", hours, "Timene"), ("cost", cost, "Kostnaden")):
        if value is not None and value < 0:
            raise InputError(f"{word} kan ikke være negativ; skriv tallet uten minus.", name)
    if amount is None and hours is None and cost is None:
        raise InputError("Fyll inn gevinst i kroner, timer eller kostnad.", "amount")
    if period not in PERIODS:
        raise InputError("Velg måned eller år som periode.", "period")


def add_benefit(
    session: Session, project: Project, municipality: Municipality, kind: BenefitKind, *, amount=None, hours=None,
    cost=None, period: str = "year", description: str = "", as_of: date | None = None,
) -> Benefit:
    check_benefit(kind, amount, hours, cost, period)
    row = Benefit(project_id=project.id, municipality_id=municipality.id, kind=kind, amount=amount, hours=hours,
                  cost=cost, period=period, description=(description or "").strip(), as_of=as_of)
    session.add(row)
    session.flush()
    return row


BENEFIT_COLUMNS = ("Kommune", "Type", "Beskrivelse", "Gevinst (kr)", "Timer", "Kostnad (kr)", "Periode", "Dato")


def unquote_formula(text: str) -> str:
    """What the export wrote as «'=…» (so spreadsheets show it as text) reads back as «=…»."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def benefits_rows(benefits: list[Benefit], names: dict[int, str]) -> list[list[str]]:
    """The benefits as CSV rows (Norwegian numbers), as the import reads them."""
    rows = [list(BENEFIT_COLUMNS)]
    for b in benefits:
        rows.append([
            names[b.municipality_id], KIND_WORDS[b.kind], b.description, format_amount(b.amount),
            format_amount(b.hours, 1), format_amount(b.cost), PERIODS.get(b.period, b.period),
            b.as_of.strftime("%d.%m.%Y") if b.as_of else "",
        ])
    return rows


class CsvImportError(InputError):
    """A CSV file with bad rows: every row's problem, in Norwegian."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors), "file")
        self.errors = errors


def import_benefits(
    session: Session, project: Project, text: str, municipalities: list[Municipality], replace: bool = False,
) -> list[Benefit]:
    """Read benefit rows from CSV text (the export's columns); all rows or none.

    Raises CsvImportError with one Norwegian message per bad row ("Rad 3: ukjent kommune «Bindall».").
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise CsvImportError(["Filen er tom."])
    dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=dialect)
    header = [h.strip().lower() for h in next(reader)]
    wanted = [c.lower() for c in BENEFIT_COLUMNS]
    missing = [c for c, w in zip(BENEFIT_COLUMNS, wanted) if w not in header and c not in ("Beskrivelse", "Dato", "Timer")]
    if missing:
        raise CsvImportError([f"Filen mangler kolonnen {join_names([f'«{c}»' for c in missing])}. "
                            f"Første linje skal være: {';'.join(BENEFIT_COLUMNS)}"])
    index = {w: header.index(w) for w in wanted if w in header}
    by_name = {m.name.casefold(): m for m in municipalities}
    by_number = {m.number: m for m in municipalities}
    kinds = {"planlagt": BenefitKind.planned, "realisert": BenefitKind.realised}
    periods = {"måned": "month", "mnd": "month", "år": "year"}
    rows, errors = [], []
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue

        def cell(column: str) -> str:
            i = index.get(column.lower())
            return record[i].strip() if i is not None and i < len(record) else ""

        problems = []
        name = cell("Kommune")
        municipality = by_name.get(name.casefold()) or by_number.get(name)
        if municipality is None:
            problems.append(f"ukjent kommune «{name}»" if name else "kommunen mangler")
        kind = kinds.get(cell("Type").lower())
        if kind is None:
            problems.append(f"type må være «planlagt» eller «realisert», ikke «{cell('Type')}»")
        period = periods.get(cell("Periode").lower())
        if period is None:
            problems.append(f"periode må være «måned» eller «år», ikke «{cell('Periode')}»")
        values = {}
        for column, key in (("Gevinst (kr)", "amount"), ("Timer", "hours"), ("Kostnad (kr)", "cost")):
            try:
                values[key] = parse_amount(cell(column))
            except ValueError:
                problems.append(f"«{cell(column)}» i kolonnen {column} er ikke et tall")
                continue
            if values[key] is not None and values[key] < 0:
                problems.append(f"{column} kan ikke være negativ ({cell(column)})")
        try:
            as_of = parse_day(cell("Dato"))
        except ValueError:
            problems.append(f"datoen «{cell('Dato')}» må skrives som 16.10.2025")
            as_of = None
        if not problems and all(v is None for v in values.values()):
            problems.append("fyll inn gevinst, timer eller kostnad")
        if problems:
            errors.append(f"Rad {line}: " + "; ".join(problems) + ".")
            continue
        rows.append(Benefit(project_id=project.id, municipality_id=municipality.id, kind=kind, period=period,
                            description=unquote_formula(cell("Beskrivelse")), as_of=as_of, **values))
    if errors:
        raise CsvImportError(errors)
    if not rows:
        raise CsvImportError(["Filen har ingen rader med gevinster."])
    if replace:
        for old in session.exec(select(Benefit).where(Benefit.project_id == project.id)):
            session.delete(old)
    session.add_all(rows)
    session.flush()
    return rows
