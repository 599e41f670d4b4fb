"""Cost shares (fordelingsnøkkel): a flat part plus a per-inhabitant part, in NOK with øre.

Shares are computed exactly with fractions and then rounded to øre by the largest-remainder
method, so the rounded shares always add up to the total and each lies within one øre of
its exact value. Written by hand: the rule is a few lines and no maintained library offers
largest-remainder rounding of money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import gcd


class CostShareError(ValueError):
    """Bad input for a cost share; the message is Norwegian and names the problem."""


@dataclass(frozen=True)
class Key:
    flat_percent: Decimal = Decimal(0)
    per_inhabitant_percent: Decimal = Decimal(0)
    rate_per_inhabitant: Decimal | None = None

    @classmethod
    def of(cls, cost_key) -> "Key":
        return cls(cost_key.flat_percent, cost_key.per_inhabitant_percent, cost_key.rate_per_inhabitant)

    def validate(self) -> None:
        if self.rate_per_inhabitant is not None:
            if self.rate_per_inhabitant < 0:
                raise CostShareError("Satsen per innbygger kan ikke være negativ.")
            return
        if self.flat_percent < 0 or self.per_inhabitant_percent < 0:
            raise CostShareError("Prosentandelene kan ikke være negative.")
        if self.flat_percent + self.per_inhabitant_percent != 100:
            raise CostShareError(
                f"Fordelingsnøkkelen må summere til 100 %, men flat del ({self.flat_percent} %) og del etter "
                f"innbyggertall ({self.per_inhabitant_percent} %) gir {self.flat_percent + self.per_inhabitant_percent} %."
            )


@dataclass(frozen=True)
class Share:
    name: str
    population: int
    per_inhabitant: Decimal  # "Fordelt etter innbyggertall"
    flat: Decimal
    total: Decimal  # "Totalt pr kommune"; the totals add up exactly to the cost


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


def compute_shares(total: Decimal, key: Key, participants: list[tuple[str, int]]) -> list[Share]:
    """Share ``total`` among ``participants`` (name, population) by ``key``.

    Each exact share is ``a + b × population`` (a: the flat part per participant, b: NOK per
    inhabitant), computed as fractions and then in whole øre over one common denominator, so a
    page with many costs stays fast. Raises CostShareError for a negative total, a key that
    does not add up to 100 %, no participants, or a rate per inhabitant that alone exceeds the
    total.
    """
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
        per_total = exact_total - flat_total
        if population_sum == 0:
            if per_total:
                raise CostShareError("Innbyggertallet er null; delen etter innbyggertall kan ikke fordeles.")
            per_person = Fraction(0)
        else:
            per_person = per_total / population_sum
    flat = flat_total / n  # a

    # in øre over one denominator: exact share i = (A + B × population_i) / D
    d = flat.denominator * per_person.denominator // gcd(flat.denominator, per_person.denominator)
    a, b = flat.numerator * (d // flat.denominator) * 100, per_person.numerator * (d // per_person.denominator) * 100
    totals = _largest_remainder([a + b * p for _, p in participants], d, int(exact_total * 100))
    # the per-inhabitant column on its own, rounded so that it adds up to its own (rounded) sum
    pb, pd = per_person.numerator * 100, per_person.denominator
    per = _largest_remainder([pb * p for _, p in participants], pd, (2 * pb * population_sum + pd) // (2 * pd))
    return [
        Share(name=name, population=population, per_inhabitant=_ore(per[i]), flat=_ore(totals[i] - per[i]),
              total=_ore(totals[i]))
        for i, (name, population) in enumerate(participants)
    ]
