"""Cost shares (fordelingsnøkkel): a flat part, a per-inhabitant part and a part by ownership
share (eierandel), in any mix, in NOK with øre.

Shares are computed exactly with fractions and then rounded to øre by the largest-remainder
method, so the rounded shares always add up to the total and each lies within one øre of
its exact value. Written by hand: the rule is a few lines and no maintained library offers
largest-remainder rounding of money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import gcd


class CostShareError(ValueError):
    """Bad input for a cost share; the message is Norwegian and names the problem."""


@dataclass(frozen=True)
class Key:
    flat_percent: Decimal = Decimal(0)
    per_inhabitant_percent: Decimal = Decimal(0)
    rate_per_inhabitant: Decimal | None = None
    ownership_percent: Decimal = Decimal(0)

    @classmethod
    def of(cls, cost_key) -> "Key":
        return cls(cost_key.flat_percent, cost_key.per_inhabitant_percent, cost_key.rate_per_inhabitant,
                   getattr(cost_key, "ownership_percent", None) or Decimal(0))

    @property
    def by_ownership(self) -> bool:
        """Whether a part of the cost is shared by ownership share."""
        return self.rate_per_inhabitant is None and self.ownership_percent > 0

    def validate(self) -> None:
        if self.rate_per_inhabitant is not None:
            if self.rate_per_inhabitant < 0:
                raise CostShareError("Satsen per innbygger kan ikke være negativ.")
            return
        if self.flat_percent < 0 or self.per_inhabitant_percent < 0 or self.ownership_percent < 0:
            raise CostShareError("Prosentandelene kan ikke være negative.")
        parts = self.flat_percent + self.per_inhabitant_percent + self.ownership_percent
        if parts != 100:
            if self.ownership_percent:
                raise CostShareError(
                    f"Fordelingsnøkkelen må summere til 100 %, men flat del ({self.flat_percent} %), del etter "
                    f"innbyggertall ({self.per_inhabitant_percent} %) og del etter eierandel "
                    f"({self.ownership_percent} %) gir {parts} %."
                )
            raise CostShareError(
                f"Fordelingsnøkkelen må summere til 100 %, men flat del ({self.flat_percent} %) og del etter "
                f"innbyggertall ({self.per_inhabitant_percent} %) gir {parts} %."
            )


@dataclass(frozen=True)
class Share:
    name: str
    population: int
    per_inhabitant: Decimal  # "Fordelt etter innbyggertall"
    flat: Decimal
    total: Decimal  # "Totalt pr kommune"; the totals add up exactly to the cost
    ownership: Decimal = Decimal(0)  # "Fordelt etter eierandel"


def check_ownership_shares(members: list[tuple[str, Decimal | None]]) -> None:
    """Refuse ownership shares (eierandeler) that are missing or do not add up to exactly 100 %.

    ``members``: (name, ownership share in per cent) of every member a key by ownership share
    is used for. Raises CostShareError naming the problem.
    """
    missing = [name for name, share in members if share is None]
    if missing:
        names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " og " + missing[-1]
        raise CostShareError(f"Eierandelen mangler for {names}; fordelingen etter eierandel krever den.")
    total = sum((Decimal(share) for _, share in members), Decimal(0))
    if total != 100:
        text = f"{total.normalize():f}".replace(".", ",")
        raise CostShareError(f"Eierandelene til medlemmene må summere til 100 %, men summerer til {text} %.")


def _largest_remainder(numerators: list[int], denominator: int, target: int) -> list[int]:
    """Øre amounts ``numerators[i] / denominator`` rounded down, then one more øre to the largest
    remainders (ties: first come) until they add up to ``target``."""
    floors = [num // denominator for num in numerators]
    missing = target - sum(floors)
    order = sorted(range(len(numerators)), key=lambda i: (-(numerators[i] % denominator), i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def _ore(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


def compute_shares(total: Decimal, key: Key, participants: list[tuple[str, int]],
                   ownership: list[Decimal | None] | None = None) -> list[Share]:
    """Share ``total`` among ``participants`` (name, population) by ``key``.

    Each exact share is ``a + b × population + c × ownership`` (a: the flat part per participant,
    b: NOK per inhabitant, c: NOK per unit of ownership share), computed as fractions and then in
    whole øre over one common denominator, so a page with many costs stays fast. ``ownership``:
    each participant's ownership share (per cent), needed when the key shares by it; among
    participants who are not all the members, the part by ownership is shared in proportion to
    their shares. Raises CostShareError for a negative total, a key that does not add up to
    100 %, no participants, a missing ownership share, or a rate per inhabitant that alone
    exceeds the total.
    """
    return list(_shares(total, key, tuple(participants), None if ownership is None else tuple(ownership)))


@lru_cache(maxsize=4096)
def _shares(total: Decimal, key: Key, participants: tuple[tuple[str, int], ...],
            ownership: tuple[Decimal | None, ...] | None) -> tuple[Share, ...]:
    """``compute_shares``, remembered by its arguments: a pure function of them, so a page that
    shows the same costs again (after a change elsewhere) computes no share twice. Errors are
    raised afresh each time."""
    key.validate()
    if total < 0:
        raise CostShareError("Beløpet kan ikke være negativt.")
    if not participants:
        raise CostShareError("Kostnaden har ingen deltakende kommuner å fordele på.")
    if any(population < 0 for _, population in participants):
        raise CostShareError("Innbyggertallet kan ikke være negativt.")
    exact_total = Fraction(total)
    n = len(participants)
    population_sum = sum(p for _, p in participants)

    if key.rate_per_inhabitant is not None:
        per_person = Fraction(key.rate_per_inhabitant)
        flat_total = exact_total - per_person * population_sum
        if flat_total < 0:
            raise CostShareError(
                "Satsen per innbygger gir mer enn totalbeløpet; øk beløpet eller senk satsen."
            )
    else:
        flat_total = exact_total * Fraction(key.flat_percent) / 100
        own_total = exact_total * Fraction(key.ownership_percent) / 100
        per_total = exact_total - flat_total - own_total
        if population_sum == 0:
            if per_total:
                raise CostShareError("Innbyggertallet er null; delen etter innbyggertall kan ikke fordeles.")
            per_person = Fraction(0)
        else:
            per_person = per_total / population_sum
    # the part by ownership share, per unit of 1/10 000 per cent: exact part i = per_unit × units_i
    units, per_unit = [0] * n, Fraction(0)
    if key.by_ownership:
        if ownership is None or any(share is None for share in ownership):
            check_ownership_shares([(name, ownership[i] if ownership else None)
                                    for i, (name, _) in enumerate(participants)])
        if any(share < 0 for share in ownership):
            raise CostShareError("Eierandelen kan ikke være negativ.")
        units = [int(Decimal(share).scaleb(4).to_integral_value()) for share in ownership]
        if sum(units) == 0:
            raise CostShareError("Eierandelene er null; delen etter eierandel kan ikke fordeles.")
        per_unit = own_total / sum(units)
    flat = flat_total / n  # a

    # in øre over one denominator: exact share i = (A + B × population_i + C × units_i) / D
    d = _lcm(flat.denominator, per_person.denominator, per_unit.denominator)
    a, b, c = (x.numerator * (d // x.denominator) * 100 for x in (flat, per_person, per_unit))
    totals = _largest_remainder([a + b * p + c * units[i] for i, (_, p) in enumerate(participants)], d,
                                int(exact_total * 100))
    # the per-inhabitant and ownership columns on their own, each rounded to add up to its own (rounded) sum
    per = _column([p for _, p in participants], per_person)
    own = _column(units, per_unit)
    return tuple(
        Share(name=name, population=population, per_inhabitant=_ore(per[i]),
              flat=_ore(totals[i] - per[i] - own[i]), total=_ore(totals[i]), ownership=_ore(own[i]))
        for i, (name, population) in enumerate(participants)
    )


def _lcm(*numbers: int) -> int:
    result = 1
    for number in numbers:
        result = result * number // gcd(result, number)
    return result


def _column(weights: list[int], per_weight: Fraction) -> list[int]:
    """Øre of ``per_weight × weight`` each, rounded by largest remainder to the rounded sum."""
    pb, pd = per_weight.numerator * 100, per_weight.denominator
    return _largest_remainder([pb * w for w in weights], pd, (2 * pb * sum(weights) + pd) // (2 * pd))
