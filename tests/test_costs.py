"""Cost shares with the reference's own figures, and properties that hold for any input."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boardroom.costs.shares import CostShareError, Key, compute_shares

POPULATION = [
    ("Bindal", 1359), ("Sømna", 1995), ("Brønnøy", 7858), ("Vega", 1208), ("Vevelstad", 470),
    ("Herøy", 1910), ("Alstahaug", 7485), ("Leirfjord", 2356), ("Vefsn", 13491), ("Grane", 1421),
    ("Hattfjelldal", 1259), ("Dønna", 1431), ("Nesna", 1737), ("Hemnes", 4475), ("Rana", 25899),
    ("Lurøy", 1954), ("Træna", 447), ("Rødøy", 1151), ("Meløy", 6073),
]


def test_budget_2026_at_23_kr_per_inhabitant_adds_up_to_the_stated_total():
    shares = compute_shares(Decimal("4956481.97"), Key(rate_per_inhabitant=Decimal(23)), POPULATION)
    by_name = {s.name: s for s in shares}
    # the reference's "Fordelt etter innbyggertall" column: 23 kr × population
    assert by_name["Træna"].per_inhabitant == Decimal("10281.00")
    assert by_name["Rana"].per_inhabitant == Decimal("595677.00")
    assert sum(s.per_inhabitant for s in shares) == Decimal("1931517.00")
    # the rows add up to the total (the hand-made table summed to 4 921 069,18 instead)
    assert sum(s.total for s in shares) == Decimal("4956481.97")
    # everyone pays the same flat part, to the øre
    flats = {s.flat for s in shares}
    assert flats <= {Decimal("159208.68"), Decimal("159208.69")}
    assert by_name["Træna"].total == by_name["Træna"].per_inhabitant + by_name["Træna"].flat
    # two municipalities of different size never pay the same (Vevelstad vs Rødøy in the reference)
    assert by_name["Vevelstad"].total < by_name["Rødøy"].total


def test_percentage_key_40_60_among_participants():
    participants = [("A", 1000), ("B", 3000)]
    shares = compute_shares(Decimal("100000"), Key(Decimal(40), Decimal(60)), participants)
    assert [s.total for s in shares] == [Decimal("35000.00"), Decimal("65000.00")]
    assert [s.flat for s in shares] == [Decimal("20000.00"), Decimal("20000.00")]


def test_flat_key_100_0_shares_equally_with_exact_sum():
    shares = compute_shares(Decimal("100.00"), Key(Decimal(100), Decimal(0)), [("A", 1), ("B", 2), ("C", 3)])
    assert sorted(s.total for s in shares) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(s.total for s in shares) == Decimal("100.00")


@pytest.mark.parametrize(
    "total, key, participants, message",
    [
        (Decimal(100), Key(Decimal(40), Decimal(50)), [("A", 1)], "summere til 100"),
        (Decimal(-1), Key(Decimal(100), Decimal(0)), [("A", 1)], "negativt"),
        (Decimal(100), Key(Decimal(100), Decimal(0)), [], "ingen deltakende"),
        (Decimal(100), Key(rate_per_inhabitant=Decimal(23)), [("A", 100)], "mer enn totalbeløpet"),
    ],
)
def test_bad_input_is_refused_with_a_norwegian_message(total, key, participants, message):
    with pytest.raises(CostShareError, match=message):
        compute_shares(total, key, participants)


keys = st.one_of(
    st.integers(0, 100).map(lambda f: Key(Decimal(f), Decimal(100 - f))),
    st.decimals(0, 50, places=2).map(lambda r: Key(rate_per_inhabitant=r)),
)


@settings(max_examples=300, deadline=None)
@given(
    total=st.decimals(0, 10_000_000, places=2),
    key=keys,
    populations=st.lists(st.integers(0, 30_000), min_size=1, max_size=19),
)
def test_shares_always_sum_to_the_total_and_stay_within_one_ore(total, key, populations):
    participants = [(f"K{i}", p) for i, p in enumerate(populations)]
    try:
        shares = compute_shares(total, key, participants)
    except CostShareError:
        return  # e.g. a rate that exceeds the total: refused, never mis-shared
    assert sum(s.total for s in shares) == total
    n, pop_sum = len(participants), sum(populations)
    for share, (_, p) in zip(shares, participants):
        if key.rate_per_inhabitant is not None:
            per = Fraction(key.rate_per_inhabitant) * p
            exact = per + (Fraction(total) - Fraction(key.rate_per_inhabitant) * pop_sum) / n
        else:
            flat = Fraction(total) * Fraction(key.flat_percent) / 100
            per = (Fraction(total) - flat) * p / pop_sum if pop_sum else 0
            exact = flat / n + per
        assert abs(Fraction(share.total) - exact) < Fraction(1, 100)
        assert share.total == share.per_inhabitant + share.flat


@settings(max_examples=300, deadline=None)
@given(
    total=st.decimals(0, 10_000_000, places=2),
    key=keys,
    populations=st.lists(st.integers(0, 30_000), min_size=1, max_size=19),
)
def test_extra_ore_go_to_the_largest_remainders_and_the_columns_add_up(total, key, populations):
    participants = [(f"K{i}", p) for i, p in enumerate(populations)]
    try:
        shares = compute_shares(total, key, participants)
    except CostShareError:
        return
    n, pop_sum = len(participants), sum(populations)
    if key.rate_per_inhabitant is not None:
        per = [Fraction(key.rate_per_inhabitant) * p for p in populations]
        flat = (Fraction(total) - sum(per)) / n
    else:
        flat = Fraction(total) * Fraction(key.flat_percent) / 100 / n
        per = [(Fraction(total) - flat * n) * p / pop_sum if pop_sum else Fraction(0) for p in populations]
    exact = [flat + x for x in per]
    rounded_up = [Fraction(s.total) > e for s, e in zip(shares, exact)]
    remainders = [e * 100 - int(e * 100) for e in exact]
    # nobody rounded down has a larger remainder than anybody rounded up
    if any(rounded_up) and not all(rounded_up):
        assert min(r for r, up in zip(remainders, rounded_up) if up) >= max(
            r for r, up in zip(remainders, rounded_up) if not up)
    # the "Fordelt etter innbyggertall" column adds up to its own exact sum, rounded half up
    per_sum = sum(per)
    assert sum(s.per_inhabitant for s in shares) == Decimal(int(per_sum * 100 + Fraction(1, 2))) / 100
    assert all(abs(Fraction(s.per_inhabitant) - x) < Fraction(1, 100) for s, x in zip(shares, per))
