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

ORE = Fraction(1, 100)


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


def _to_ore(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def round_to_total(exact: list[Fraction], total: Fraction) -> list[Fraction]:
    """Round each value down to øre, then give the missing øre to the largest remainders."""
    floors = [Fraction(int(v / ORE // 1)) * ORE for v in exact]
    missing = int((total - sum(floors)) / ORE)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += ORE
    return floors


def compute_shares(total: Decimal, key: Key, participants: list[tuple[str, int]]) -> list[Share]:
    """Share ``total`` among ``participants`` (name, population) by ``key``.

    Raises CostShareError for a negative total, a key that does not add up to 100 %, no
    participants, or a rate per inhabitant that alone exceeds the total.
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
        per_inhabitant = [Fraction(key.rate_per_inhabitant) * p for _, p in participants]
        flat_total = exact_total - sum(per_inhabitant)
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
            per_inhabitant = [Fraction(0)] * n
        else:
            per_inhabitant = [per_total * p / population_sum for _, p in participants]
    flat = flat_total / n

    exact = [flat + part for part in per_inhabitant]
    rounded = round_to_total(exact, exact_total)
    per_rounded = round_to_total(per_inhabitant, _round_half(sum(per_inhabitant)))
    return [
        Share(
            name=name,
            population=population,
            per_inhabitant=_to_ore(per_rounded[i]),
            flat=_to_ore(rounded[i] - per_rounded[i]),
            total=_to_ore(rounded[i]),
        )
        for i, (name, population) in enumerate(participants)
    ]


def _round_half(value: Fraction) -> Fraction:
    """Round to øre, half up."""
    return Fraction(int(value / ORE + Fraction(1, 2))) * ORE
