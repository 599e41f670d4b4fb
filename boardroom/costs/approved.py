"""Cost shares as the board approved them.

A cost decided in a case gets its rows fixed when the minutes are approved (``fix_shares``);
a table taken from earlier minutes keeps its rows as written. The approved rows are what the
minutes print; the key's own shares, exact to the øre, are shown beside them as what the key
gives, and ``slips`` names where the written rows disagree with the key or with themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from boardroom.core.formatting import nb_number, nok
from boardroom.costs.shares import Share
from boardroom.costs.tables import ShareTable, percent
from boardroom.models import ApprovedShare, Cost


@dataclass(frozen=True)
class Row:
    """The municipality of an approved row, as the row names it."""

    id: int | None
    name: str


def approved_table(cost: Cost, computed: ShareTable) -> ShareTable:
    """The approved rows of ``cost`` (loaded with ``Cost.approved_shares``), with the key's shares beside."""
    rows = [(Row(r.municipality_id, r.name),
             Share(r.name, r.population, Decimal(r.per_inhabitant),
                   Decimal(r.total) - Decimal(r.per_inhabitant) - Decimal(r.ownership or 0), Decimal(r.total),
                   Decimal(r.ownership or 0)))
            for r in cost.approved_shares]
    return ShareTable(cost, rows, computed.valid_from, computed.valid_to, key_rows=computed.rows, approved=True)


def fix_shares(session: Session, tables: list[ShareTable]) -> int:
    """Store the computed rows of each cost that has no approved rows yet (at approval); the count fixed."""
    fixed = 0
    for table in tables:
        cost = table.cost
        if table.approved or table.error or not table.rows or cost.approved_shares:
            continue
        for position, (municipality, share) in enumerate(table.rows):
            cost.approved_shares.append(ApprovedShare(
                municipality_id=municipality.id, position=position, name=municipality.name,
                population=share.population, per_inhabitant=share.per_inhabitant, ownership=share.ownership,
                total=share.total))
        fixed += 1
    session.flush()
    return fixed


# --------------------------------------------------------------------------- slips


def differs_from_key(table: ShareTable) -> bool:
    """The approved rows are not what the key gives (rows taken from earlier minutes, or a later key)."""
    if table.key_rows is None:
        return False
    mine = [(r.name, s.population, s.per_inhabitant, s.total) for r, s in table.rows]
    key = [(m.name, s.population, s.per_inhabitant, s.total) for m, s in table.key_rows]
    return sorted(mine) != sorted(key)


def slips(table: ShareTable) -> list[str]:
    """Where the approved rows disagree: with the cost's total, or with the key every other row follows."""
    if not table.approved or not table.rows:
        return []
    found = []
    cost, key = table.cost, table.cost.cost_key
    stated = table.printed_total
    if stated != table.total:
        found.append(f"Sum-raden sier {nok(stated)}, men radene slik de står summerer seg til {nok(table.total)}.")
    if stated != Decimal(cost.total):
        found.append(f"Tabellen summerer seg til {nok(stated)}, mens vedtatt beløp er {nok(cost.total)} "
                     f"(differanse {nok(Decimal(cost.total) - stated)}).")
    rate = Decimal(key.rate_per_inhabitant) if key.rate_per_inhabitant is not None else None
    if rate is not None:
        for row, share in table.rows:
            if share.per_inhabitant != rate * share.population:
                found.append(f"{row.name}: «Fordelt etter innbyggertall» er {nok(share.per_inhabitant)}, men "
                             f"{percent(rate)} kr × {nb_number(share.population)} = {nok(rate * share.population)}.")
    by_key = [(row, share, share.total - (rate * share.population if rate is not None else share.per_inhabitant))
              for row, share in table.rows]
    flat, count = Counter(f for *_, f in by_key).most_common(1)[0]
    if count > 1:
        for row, share, own in by_key:
            if own != flat:
                part = rate * share.population if rate is not None else share.per_inhabitant
                how = f"{percent(rate)} kr × {nb_number(share.population)}" if rate is not None else nok(part)
                found.append(f"{row.name}: {nok(share.total)} følger ikke nøkkelen de andre radene følger "
                             f"({nb_number(flat, 2)} + {how} = {nok(flat + part)}).")
    return found


def _amount(cell: str) -> Decimal | None:
    """'kr 9 569 601,00', '**kr 9 569 600,97**', 'kr -0,04', '0,04-kr' → Decimal"""
    text = cell.replace("*", "").replace("\u00a0", " ").strip()
    match = re.fullmatch(r"(?:kr\s*)?(-?)\s*([\d ]+,\d{2})\s*(-?)\s*(?:kr)?", text)
    if not match:
        return None
    value = Decimal(match.group(2).replace(" ", "").replace(",", "."))
    return -value if match.group(1) or match.group(3) else value


def control_slips(markdown: str) -> list[str]:
    """A budget table in a case's text whose 'Kontroll' line is not income minus expenses.

    Reads Markdown table rows ('| Totale utgifter | kr 9 569 601,00 |'): the total expenses
    ('Totale utgifter'), the total income (the 'Totalt' after them) and the stated 'Kontroll'.
    """
    expenses = income = stated = None
    for line in (markdown or "").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        label = cells[0].replace("*", "").strip().casefold()
        amount = _amount(cells[1])
        if amount is None:
            continue
        if label.startswith("totale utgifter"):
            expenses, income = amount, None
        elif label == "totalt" and expenses is not None:
            income = amount
        elif label.startswith("kontroll") and expenses is not None and income is not None:
            stated = amount
            break
    if stated is None or income - expenses == stated:
        return []
    return [f"«Kontroll {nb_number(abs(stated), 2)}» i budsjettabellen stemmer ikke: "
            f"{nb_number(expenses, 2)} − {nb_number(income, 2)} = {nb_number(abs(expenses - income), 2)}."]
