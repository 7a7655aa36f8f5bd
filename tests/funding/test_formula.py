"""The funding formula: hand-computed figures, properties that hold for any input, validation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.core.canonical import content_hash
from app.funding.formula import (
    InvalidProposal,
    Method,
    PartnerInputs,
    Problem,
    Proposal,
    Table,
    allocate,
    canonical,
    compare_methods,
    contributions,
    shares,
    true_up,
    validate,
    what_if_joins,
    what_if_leaves,
    year_costs,
)

D = Decimal
EAST = "Eastbrook Borough Council"
NORTH = "Northfield District Council"
WEST = "Westmoor County Council"


def partner(pid: str, name: str | None = None, **figures: Any) -> PartnerInputs:
    """A partner with the given figures (the rest not entered)."""
    return PartnerInputs(pid, name or pid, **figures)


def three(**columns: tuple[str, str, str]) -> list[PartnerInputs]:
    """Eastbrook, Northfield and Westmoor, each figure given as text in that order."""
    people = [("eastbrook", EAST), ("northfield", NORTH), ("westmoor", WEST)]
    return [
        PartnerInputs(pid, name, **{key: D(values[i]) for key, values in columns.items()})
        for i, (pid, name) in enumerate(people)
    ]


def proposal(method: Method = Method.EQUAL, **changes: Any) -> Proposal:
    """A proposal with no costs for one year, changed as given."""
    values: dict[str, Any] = {
        "method": method,
        "one_off_cost": D("0.00"),
        "annual_cost": D("0.00"),
        "years": 1,
    }
    return Proposal(**(values | changes))


def amounts(table: Table, column: str = "one_off") -> dict[str, Decimal]:
    """One column of a table by partner id."""
    return {row.partner_id: getattr(row, column) for row in table.rows}


def messages(problems: list[Problem]) -> list[str]:
    return [problem.message for problem in problems]


# --- allocate: hand-computed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        pytest.param(
            "1000000.00",
            {"eastbrook": "100000", "northfield": "150000", "westmoor": "250000"},
            {"eastbrook": "200000.00", "northfield": "300000.00", "westmoor": "500000.00"},
            id="populations 100k/150k/250k share £1m",
        ),
        pytest.param(
            "100.00",
            {"westmoor": "1", "eastbrook": "1", "northfield": "1"},
            # Equal remainders and equal weights: the id that sorts first gets the spare penny.
            {"eastbrook": "33.34", "northfield": "33.33", "westmoor": "33.33"},
            id="£100 equally by three",
        ),
        pytest.param(
            "0.04",
            {"a": "1", "m": "4", "z": "7"},
            # Exact 1/3, 4/3, 7/3 pennies: floors 0+1+2 = 3, one penny left, all remainders 1/3;
            # the larger weight wins the tie even though its id sorts last.
            {"a": "0.00", "m": "0.01", "z": "0.03"},
            id="tie broken by larger weight before id",
        ),
        pytest.param(
            "0.10",
            {"a": "1", "b": "2"},
            # Exact 3 1/3 and 6 2/3 pennies: the larger remainder (b) gets the spare penny.
            {"a": "0.03", "b": "0.07"},
            id="largest remainder wins",
        ),
        pytest.param(
            "0.00",
            {"a": "1", "b": "2"},
            {"a": "0.00", "b": "0.00"},
            id="zero total",
        ),
        pytest.param("1234.56", {"only": "7"}, {"only": "1234.56"}, id="one partner"),
        pytest.param(
            "10.00",
            {"a": "0", "b": "3", "c": "1"},
            {"a": "0.00", "b": "7.50", "c": "2.50"},
            id="zero weight pays nothing",
        ),
        pytest.param(
            "200000.00",
            {"city": "75", "district": "25"},
            {"city": "150000.00", "district": "50000.00"},
            id="planning 75/25 by applications",
        ),
        pytest.param(
            "1000000.00",
            {"city": "63", "district": "37"},
            {"city": "630000.00", "district": "370000.00"},
            id="council tax 63/37 by properties",
        ),
        pytest.param(
            "10000000000.00",
            {"a": "1", "b": "1", "c": "1"},
            {"a": "3333333333.34", "b": "3333333333.33", "c": "3333333333.33"},
            id="£10bn by three",
        ),
    ],
)
def test_allocate_hand_computed(
    total: str, weights: dict[str, str], expected: dict[str, str]
) -> None:
    result = allocate(D(total), {key: D(value) for key, value in weights.items()})
    assert result == {key: D(value) for key, value in expected.items()}
    assert sum(result.values()) == D(total)
    assert all(value.as_tuple().exponent == -2 for value in result.values())


def test_allocate_keeps_the_order_given_and_ignores_it_for_ties() -> None:
    forwards = allocate(D("100.00"), {"a": D(1), "b": D(1), "c": D(1)})
    backwards = allocate(D("100.00"), {"c": D(1), "b": D(1), "a": D(1)})
    assert forwards == backwards
    assert list(backwards) == ["c", "b", "a"]


def test_allocate_accepts_exact_fractions_as_weights() -> None:
    thirds = {"a": Fraction(1, 3), "b": Fraction(2, 3)}
    assert allocate(D("1.00"), thirds) == {"a": D("0.33"), "b": D("0.67")}


@pytest.mark.parametrize(
    ("total", "weights", "error", "match"),
    [
        (D("10.00"), {"a": D(0), "b": D(0)}, ValueError, "all zero"),
        (D("10.00"), {"a": D(1), "b": D(-1)}, ValueError, "0 or more; negative for b"),
        (D("10.00"), {}, ValueError, "empty"),
        (D("-1.00"), {"a": D(1)}, ValueError, "£0 or more"),
        (D("1.005"), {"a": D(1)}, ValueError, "at most 2 decimal places"),
        (10.0, {"a": D(1)}, TypeError, "not a float"),
        (D("10.00"), {"a": 0.5}, TypeError, "not a float"),
        (D("10.00"), {"a": "1"}, TypeError, "not str"),
        (D("10.00"), {"a": True}, TypeError, "not bool"),
        (D("NaN"), {"a": D(1)}, ValueError, "finite"),
        (D("10.00"), {"a": D("Infinity")}, ValueError, "finite"),
    ],
)
def test_allocate_refuses_bad_input(
    total: Any, weights: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        allocate(total, weights)


# --- methods and tables: hand-computed ------------------------------------------------------


def test_population_method_splits_by_population() -> None:
    partners = three(population=("100000", "150000", "250000"))
    table = contributions(proposal(Method.POPULATION, one_off_cost=D("1000000.00")), partners)
    assert amounts(table) == {
        "eastbrook": D("200000.00"),
        "northfield": D("300000.00"),
        "westmoor": D("500000.00"),
    }
    assert [row.share for row in table.rows] == [Fraction(1, 5), Fraction(3, 10), Fraction(1, 2)]


def test_equal_method_gives_the_spare_penny_by_the_tie_rule() -> None:
    table = contributions(proposal(Method.EQUAL, annual_cost=D("100.00")), three())
    assert amounts(table, "total") == {
        "eastbrook": D("33.34"),
        "northfield": D("33.33"),
        "westmoor": D("33.33"),
    }
    assert all(row.share == Fraction(1, 3) for row in table.rows)


@pytest.mark.parametrize(
    ("service", "cost", "percentages", "expected"),
    [
        ("planning", "200000.00", ("75", "25"), ("150000.00", "50000.00")),
        ("council tax", "1000000.00", ("63", "37"), ("630000.00", "370000.00")),
        ("member services", "90000.01", ("50", "50"), ("45000.01", "45000.00")),
        ("two places", "1000.00", ("33.33", "66.67"), ("333.30", "666.70")),
    ],
)
def test_fixed_percentages(
    service: str, cost: str, percentages: tuple[str, str], expected: tuple[str, str]
) -> None:
    partners = [
        partner("city", "Cityham City Council", percentage=D(percentages[0])),
        partner("district", "Dale District Council", percentage=D(percentages[1])),
    ]
    table = contributions(proposal(Method.FIXED, annual_cost=D(cost)), partners)
    assert amounts(table, "total") == {"city": D(expected[0]), "district": D(expected[1])}


def test_hybrid_base_share_split_equally_rest_by_caseload() -> None:
    # Base share 40% of £90,000 = £36,000, split equally: £12,000 each.
    # The other £54,000 by caseload 1,000 / 2,000 / 3,000 (of 6,000): £9,000 / £18,000 / £27,000.
    # So Eastbrook pays £21,000, Northfield £30,000 and Westmoor £39,000 (total £90,000).
    partners = three(driver=("1000", "2000", "3000"))
    hybrid = proposal(
        Method.HYBRID, annual_cost=D("90000.00"), base_share_percent=D(40), driver_name="caseload"
    )
    table = contributions(hybrid, partners)
    assert amounts(table, "total") == {
        "eastbrook": D("21000.00"),
        "northfield": D("30000.00"),
        "westmoor": D("39000.00"),
    }
    # Shares: 0.4/3 + 0.6 * 1/6 = 7/30; 0.4/3 + 0.6 * 2/6 = 1/3; 0.4/3 + 0.6 * 3/6 = 13/30.
    assert shares(Method.HYBRID, hybrid, partners) == {
        "eastbrook": Fraction(7, 30),
        "northfield": Fraction(1, 3),
        "westmoor": Fraction(13, 30),
    }


def test_hybrid_gives_a_tied_penny_to_the_larger_share() -> None:
    # £100,000 with 40% base: £13,333.33 1/3 each, plus £60,000 by caseload 10% / 30% / 60%
    # (£6,000 / £18,000 / £36,000): exactly £19,333.33 1/3, £31,333.33 1/3, £49,333.33 1/3.
    # One penny is left over, every remainder is a third of a penny, and Westmoor has the
    # largest share, so it pays the extra penny.
    partners = three(driver=("1000", "3000", "6000"))
    hybrid = proposal(
        Method.HYBRID, annual_cost=D("100000.00"), base_share_percent=D(40), driver_name="caseload"
    )
    assert amounts(contributions(hybrid, partners), "total") == {
        "eastbrook": D("19333.33"),
        "northfield": D("31333.33"),
        "westmoor": D("49333.34"),
    }


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (D(0), (D("15000.00"), D("30000.00"), D("45000.00"))),  # all by driver
        (D(100), (D("30000.00"), D("30000.00"), D("30000.00"))),  # all equal
    ],
)
def test_hybrid_at_its_limits(base: Decimal, expected: tuple[Decimal, ...]) -> None:
    partners = three(driver=("1", "2", "3"))
    hybrid = proposal(
        Method.HYBRID, annual_cost=D("90000.00"), base_share_percent=base, driver_name="caseload"
    )
    assert tuple(amounts(contributions(hybrid, partners), "total").values()) == expected


def test_driver_and_budget_methods() -> None:
    partners = three(driver=("10", "30", "60"), budget=("500000.00", "250000.00", "250000.00"))
    by_driver = proposal(Method.DRIVER, one_off_cost=D("1000.00"), driver_name="transactions")
    assert list(amounts(contributions(by_driver, partners)).values()) == [
        D("100.00"),
        D("300.00"),
        D("600.00"),
    ]
    by_budget = proposal(Method.BUDGET, one_off_cost=D("1000.00"))
    assert list(amounts(contributions(by_budget, partners)).values()) == [
        D("500.00"),
        D("250.00"),
        D("250.00"),
    ]


def test_uplift_of_three_percent_over_three_years() -> None:
    uplifted = proposal(
        Method.EQUAL,
        one_off_cost=D("30000.00"),
        annual_cost=D("120000.00"),
        years=3,
        annual_uplift_percent=D(3),
    )
    assert year_costs(uplifted) == [D("120000.00"), D("123600.00"), D("127308.00")]
    table = contributions(uplifted, three())
    assert table.year_totals == (D("120000.00"), D("123600.00"), D("127308.00"))
    assert table.one_off_total == D("30000.00")
    # 30,000 + 120,000 + 123,600 + 127,308 = 400,908; each partner a third of each column.
    assert table.grand_total == D("400908.00")
    assert table.row("eastbrook").per_year == (D("40000.00"), D("41200.00"), D("42436.00"))
    assert table.row("eastbrook").total == D("10000.00") + D("123636.00")


@pytest.mark.parametrize(
    ("annual", "uplift", "years", "expected"),
    [
        ("100.00", "2.5", 3, ["100.00", "102.50", "105.06"]),  # 105.0625 rounds down
        ("0.50", "1", 2, ["0.50", "0.51"]),  # 0.505: a half penny rounds up
        ("1000.00", "0", 3, ["1000.00", "1000.00", "1000.00"]),
        ("999.99", "20", 1, ["999.99"]),
    ],
)
def test_year_costs_compound_and_round_half_up(
    annual: str, uplift: str, years: int, expected: list[str]
) -> None:
    costs = year_costs(
        proposal(annual_cost=D(annual), annual_uplift_percent=D(uplift), years=years)
    )
    assert costs == [D(value) for value in expected]


def test_year_costs_compound_from_the_exact_figure_not_the_rounded_one() -> None:
    # £0.30 growing 5% a year: 0.315 (0.32), then 0.30 * 1.05 ** 2 = 0.33075 (0.33). Compounding
    # from the rounded 0.32 instead would give 0.336, which rounds to 0.34.
    costs = year_costs(proposal(annual_cost=D("0.30"), annual_uplift_percent=D(5), years=3))
    assert costs == [D("0.30"), D("0.32"), D("0.33")]


def test_zero_costs_give_zero_everywhere() -> None:
    table = contributions(proposal(Method.EQUAL, years=5), three())
    assert table.grand_total == D("0.00")
    assert all(row.total == 0 and set(row.per_year) == {D("0.00")} for row in table.rows)


def test_one_partner_pays_everything() -> None:
    alone = [partner("eastbrook", EAST, population=D(100000))]
    table = contributions(
        proposal(Method.POPULATION, one_off_cost=D("5.00"), annual_cost=D("7.77"), years=2),
        alone,
    )
    assert table.rows[0].share == 1
    assert table.rows[0].total == D("20.54")


def test_contributions_can_use_a_method_other_than_the_chosen_one() -> None:
    partners = three(population=("100000", "150000", "250000"))
    chosen = proposal(Method.POPULATION, one_off_cost=D("300.00"))
    assert contributions(chosen, partners, Method.EQUAL).method is Method.EQUAL
    assert set(amounts(contributions(chosen, partners, Method.EQUAL)).values()) == {D("100.00")}


def test_contributions_refuse_a_proposal_with_problems() -> None:
    with pytest.raises(InvalidProposal) as caught:
        contributions(proposal(Method.POPULATION), three())
    assert f"{EAST} has not entered its population" in messages(caught.value.problems)


def test_table_row_names_an_unknown_partner() -> None:
    with pytest.raises(KeyError):
        contributions(proposal(), three()).row("nobody")


def test_method_accepts_its_text_value() -> None:
    assert proposal(method="fixed").method is Method.FIXED  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a valid Method"):
        proposal(method="guesswork")  # type: ignore[arg-type]


# --- compare and what-if --------------------------------------------------------------------


def test_compare_methods_shows_every_method_and_the_cross_subsidy() -> None:
    partners = three(population=("100000", "150000", "250000"))
    compared = compare_methods(proposal(Method.POPULATION, annual_cost=D("900.00")), partners)
    assert list(compared) == list(Method)
    equal, by_population = compared[Method.EQUAL], compared[Method.POPULATION]
    assert isinstance(equal, Table) and isinstance(by_population, Table)
    # Under equal shares Eastbrook pays £300 rather than £180: it subsidises Westmoor.
    assert equal.row("eastbrook").total == D("300.00")
    assert by_population.row("eastbrook").total == D("180.00")
    driver = compared[Method.DRIVER]
    assert isinstance(driver, list)
    assert f"{WEST} has not entered its driver figure" in messages(driver)
    fixed = compared[Method.FIXED]
    assert isinstance(fixed, list)
    assert f"Enter the agreed percentage for {NORTH}" in messages(fixed)


def test_what_if_a_partner_leaves() -> None:
    partners = three(population=("100000", "150000", "250000"))
    table = what_if_leaves(
        proposal(Method.POPULATION, one_off_cost=D("1000.00")), partners, "westmoor"
    )
    assert isinstance(table, Table)
    assert amounts(table) == {"eastbrook": D("400.00"), "northfield": D("600.00")}


@pytest.mark.parametrize(
    ("percentages", "leaver", "expected"),
    [
        # 50/30/20 without the 20: 50/80 = 62.5%, 30/80 = 37.5%.
        (("50", "30", "20"), "westmoor", {"eastbrook": "62.50", "northfield": "37.50"}),
        # 40/30/30 without one 30: 57.142857…% and 42.857142…%, rounded to 2 places by largest
        # remainder (0.2857 against 0.7142 of a hundredth): 57.14% and 42.86%.
        (("40", "30", "30"), "westmoor", {"eastbrook": "57.14", "northfield": "42.86"}),
        # A partner with 0% leaving changes nothing.
        (("75", "25", "0"), "westmoor", {"eastbrook": "75", "northfield": "25"}),
    ],
)
def test_what_if_a_partner_leaves_fixed_percentages_scale_up(
    percentages: tuple[str, str, str], leaver: str, expected: dict[str, str]
) -> None:
    partners = three(percentage=percentages)
    table = what_if_leaves(proposal(Method.FIXED, annual_cost=D("10000.00")), partners, leaver)
    assert isinstance(table, Table)
    assert {row.partner_id: row.share for row in table.rows} == {
        pid: Fraction(D(value)) / 100 for pid, value in expected.items()
    }
    assert table.grand_total == D("10000.00")


def test_what_if_the_only_paying_partner_leaves_fixed_percentages() -> None:
    partners = three(percentage=("100", "0", "0"))
    result = what_if_leaves(proposal(Method.FIXED), partners, "eastbrook")
    assert messages(result) == [  # type: ignore[arg-type]
        "The remaining partners' agreed percentages add up to 0%, so they cannot be scaled up; "
        "the partners need to agree new percentages"
    ]


def test_what_if_leaves_reports_problems() -> None:
    assert messages(what_if_leaves(proposal(), three(), "nobody")) == [  # type: ignore[arg-type]
        "There is no such partner in this partnership"
    ]
    alone = [partner("eastbrook", EAST)]
    assert messages(what_if_leaves(proposal(), alone, "eastbrook")) == [  # type: ignore[arg-type]
        "Add at least one partner"
    ]
    # Missing percentages are not scaled: validation names the partner instead.
    partners = [*three(percentage=("50", "30", "20"))[:2], partner("westmoor", WEST)]
    result = what_if_leaves(proposal(Method.FIXED), partners, "eastbrook")
    assert messages(result) == [f"Enter the agreed percentage for {WEST}"]  # type: ignore[arg-type]


def test_what_if_a_partner_joins() -> None:
    partners = three(population=("100000", "150000", "250000"))
    newcomer = partner("southgate", "Southgate Borough Council", population=D(500000))
    table = what_if_joins(
        proposal(Method.POPULATION, one_off_cost=D("1000000.00")), partners, newcomer
    )
    assert isinstance(table, Table)
    assert amounts(table) == {
        "eastbrook": D("100000.00"),
        "northfield": D("150000.00"),
        "westmoor": D("250000.00"),
        "southgate": D("500000.00"),
    }


def test_what_if_joins_reports_problems() -> None:
    partners = three(population=("1", "1", "1"), percentage=("50", "25", "25"))
    late = partner("southgate", "Southgate Borough Council")
    assert messages(what_if_joins(proposal(Method.POPULATION), partners, late)) == [  # type: ignore[arg-type]
        "Southgate Borough Council has not entered its population"
    ]
    assert messages(what_if_joins(proposal(Method.FIXED), partners, late)) == [  # type: ignore[arg-type]
        "The partners need to agree new percentages before Southgate Borough Council can join, "
        "so its share under fixed percentages cannot be worked out yet"
    ]
    again = partner("eastbrook", EAST)
    assert messages(what_if_joins(proposal(), partners, again)) == [  # type: ignore[arg-type]
        f"{EAST} is already a partner"
    ]


# --- true-up --------------------------------------------------------------------------------


AGREED_75_25 = {"city": D("0.75"), "district": D("0.25")}


@pytest.mark.parametrize(
    ("actual", "triggered", "points", "payments"),
    [
        # 77/23: moved 2 points, inside the 3-point tolerance: no payment.
        (("77", "23"), False, Fraction(2), ("0.00", "0.00")),
        # 78/22: exactly 3 points is not beyond the tolerance.
        (("78", "22"), False, Fraction(3), ("0.00", "0.00")),
        # 79/21: 4 points. Agreed split of £200,000 was £150,000 / £50,000; by actual
        # applications it is £158,000 / £42,000, so the city pays £8,000 to the district.
        (("79", "21"), True, Fraction(4), ("8000.00", "-8000.00")),
        # 70/30 in applications counted as 700/300: 5 points the other way.
        (("700", "300"), True, Fraction(5), ("-10000.00", "10000.00")),
    ],
)
def test_true_up_planning_split_with_three_percent_tolerance(
    actual: tuple[str, str], triggered: bool, points: Fraction, payments: tuple[str, str]
) -> None:
    drivers = {"city": D(actual[0]), "district": D(actual[1])}
    result = true_up(AGREED_75_25, drivers, D(3), D("200000.00"))
    assert result.triggered is triggered
    assert [line.movement_points for line in result.lines] == [points, points]
    assert [line.beyond_tolerance for line in result.lines] == [triggered, triggered]
    assert [line.payment for line in result.lines] == [D(value) for value in payments]


def test_true_up_resplits_everyone_when_one_partner_moves() -> None:
    # Agreed thirds of £300; actuals 32/33/35: movements 1.33, 0.33, 1.67 points. With a
    # 1.5-point tolerance only c has moved beyond it, but the whole cost is split again:
    # a pays 96 (was 100), b 99, c 105.
    agreed = {"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(1, 3)}
    drivers = {"a": D(32), "b": D(33), "c": D(35)}
    result = true_up(agreed, drivers, D("1.5"), D("300.00"))
    assert result.triggered
    assert [line.beyond_tolerance for line in result.lines] == [False, False, True]
    assert [line.payment for line in result.lines] == [D("-4.00"), D("-1.00"), D("5.00")]
    assert result.line("c").actual_share == Fraction(35, 100)
    with pytest.raises(KeyError):
        result.line("z")


@pytest.mark.parametrize(
    ("agreed", "drivers", "tolerance", "cost", "error", "match"),
    [
        ({"a": D("0.5"), "b": D("0.4")}, {"a": D(1), "b": D(1)}, D(3), D(1), ValueError, "add up"),
        ({"a": D("1.5"), "b": D("-0.5")}, {"a": D(1), "b": D(1)}, D(3), D(1), ValueError, "0 or"),
        ({"a": D(1)}, {"b": D(1)}, D(3), D(1), ValueError, "same partners"),
        ({"a": D(1)}, {"a": D(0)}, D(3), D(1), ValueError, "all zero"),
        ({"a": D(1)}, {"a": D(1)}, D(-1), D(1), ValueError, "between 0 and 100"),
        ({"a": D(1)}, {"a": D(1)}, 3.0, D(1), TypeError, "float"),
        ({"a": 1.0}, {"a": D(1)}, D(3), D(1), TypeError, "float"),
        ({"a": D(1)}, {"a": 1.0}, D(3), D(1), TypeError, "float"),
        ({"a": D(1)}, {"a": D(1)}, D(3), 1.0, TypeError, "float"),
        ({"a": D(1)}, {"a": D(1)}, D(3), D("0.001"), ValueError, "2 decimal places"),
    ],
)
def test_true_up_refuses_bad_input(
    agreed: Any, drivers: Any, tolerance: Any, cost: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        true_up(agreed, drivers, tolerance, cost)


# --- validation -----------------------------------------------------------------------------


def test_a_complete_proposal_has_no_problems() -> None:
    partners = three(population=("100000", "150000", "250000"))
    assert validate(proposal(Method.POPULATION, annual_cost=D("1.00")), partners) == []


@pytest.mark.parametrize(
    ("method", "changes", "partners", "expected"),
    [
        pytest.param(
            Method.POPULATION,
            {},
            [partner("eastbrook", EAST), partner("northfield", NORTH, population=D(1))],
            Problem("population", f"{EAST} has not entered its population", "eastbrook"),
            id="missing population named with its partner",
        ),
        pytest.param(
            Method.DRIVER,
            {"driver_name": "caseload"},
            [partner("westmoor", WEST)],
            Problem("driver", f"{WEST} has not entered its caseload", "westmoor"),
            id="missing driver named with its partner and the driver's name",
        ),
        pytest.param(
            Method.BUDGET,
            {},
            [partner("northfield", NORTH)],
            Problem("budget", f"{NORTH} has not entered its budget", "northfield"),
            id="missing budget",
        ),
        pytest.param(
            Method.FIXED,
            {},
            [partner("eastbrook", EAST)],
            Problem("percentage", f"Enter the agreed percentage for {EAST}", "eastbrook"),
            id="missing percentage",
        ),
        pytest.param(
            Method.FIXED,
            {},
            three(percentage=("50", "30", "10")),
            Problem("percentage", "The agreed percentages must add up to 100%; they add up to 90%"),
            id="percentages not adding up to 100 say their sum",
        ),
        pytest.param(
            Method.FIXED,
            {},
            three(percentage=("50.25", "30", "20")),
            Problem(
                "percentage", "The agreed percentages must add up to 100%; they add up to 100.25%"
            ),
            id="percentages over 100 say their sum",
        ),
        pytest.param(
            Method.FIXED,
            {},
            three(percentage=("50.005", "30", "19.995")),
            Problem(
                "percentage",
                f"Percentage for {EAST} must have no more than 2 decimal places",
                "eastbrook",
            ),
            id="percentage with 3 decimal places",
        ),
        pytest.param(
            Method.FIXED,
            {},
            three(percentage=("120", "-10", "-10")),
            Problem(
                "percentage", f"Percentage for {EAST} must be between 0% and 100%", "eastbrook"
            ),
            id="percentage over 100",
        ),
        pytest.param(
            Method.EQUAL,
            {"one_off_cost": D("-1.00")},
            three(),
            Problem("one_off_cost", "One-off cost must be £0 or more"),
            id="negative one-off cost",
        ),
        pytest.param(
            Method.EQUAL,
            {"annual_cost": D("-0.01")},
            three(),
            Problem("annual_cost", "Annual running cost must be £0 or more"),
            id="negative annual cost",
        ),
        pytest.param(
            Method.EQUAL,
            {"annual_cost": D("10000000000.01")},
            three(),
            Problem("annual_cost", "Annual running cost must be £10,000,000,000 or less"),
            id="annual cost over £10bn",
        ),
        pytest.param(
            Method.EQUAL,
            {"one_off_cost": D("12.345")},
            three(),
            Problem("one_off_cost", "One-off cost must be in pounds and pence, like 1250.50"),
            id="cost with fractions of a penny",
        ),
        pytest.param(
            Method.EQUAL,
            {"years": 0},
            three(),
            Problem("years", "Term must be between 1 and 50 years"),
            id="no years",
        ),
        pytest.param(
            Method.EQUAL,
            {"years": 51},
            three(),
            Problem("years", "Term must be between 1 and 50 years"),
            id="too many years",
        ),
        pytest.param(
            Method.EQUAL,
            {"annual_uplift_percent": D("20.01")},
            three(),
            Problem("annual_uplift_percent", "Annual uplift must be between 0% and 20%"),
            id="uplift over 20%",
        ),
        pytest.param(
            Method.EQUAL,
            {"annual_uplift_percent": D(-1)},
            three(),
            Problem("annual_uplift_percent", "Annual uplift must be between 0% and 20%"),
            id="negative uplift",
        ),
        pytest.param(
            Method.HYBRID,
            {"driver_name": "caseload"},
            three(driver=("1", "1", "1")),
            Problem(
                "base_share_percent",
                "Enter the base share, the percentage of the cost split equally between partners",
            ),
            id="hybrid without a base share",
        ),
        pytest.param(
            Method.HYBRID,
            {"driver_name": "caseload", "base_share_percent": D(101)},
            three(driver=("1", "1", "1")),
            Problem("base_share_percent", "Base share must be between 0% and 100%"),
            id="base share over 100",
        ),
        pytest.param(
            Method.HYBRID,
            {"driver_name": "caseload", "base_share_percent": D(-5)},
            three(driver=("1", "1", "1")),
            Problem("base_share_percent", "Base share must be between 0% and 100%"),
            id="negative base share",
        ),
        pytest.param(
            Method.DRIVER,
            {"driver_name": "  "},
            three(driver=("1", "1", "1")),
            Problem(
                "driver_name",
                "Enter what the cost driver measures, for example caseload or properties",
            ),
            id="driver without a name",
        ),
        pytest.param(
            Method.DRIVER,
            {"driver_name": "caseload"},
            three(driver=("0", "0", "0")),
            Problem(
                "driver",
                "The partners' caseload figures add up to 0; at least one must be more than 0",
            ),
            id="driver adding up to zero",
        ),
        pytest.param(
            Method.HYBRID,
            {"driver_name": "properties", "base_share_percent": D(40)},
            three(driver=("0", "0", "0")),
            Problem(
                "driver",
                "The partners' properties figures add up to 0; at least one must be more than 0",
            ),
            id="hybrid needs a positive total driver",
        ),
        pytest.param(
            Method.POPULATION,
            {},
            three(population=("0", "0", "0")),
            Problem(
                "population",
                "The partners' populations add up to 0; at least one must be more than 0",
            ),
            id="populations adding up to zero",
        ),
        pytest.param(
            Method.BUDGET,
            {},
            three(budget=("0.00", "0.00", "0.00")),
            Problem(
                "budget", "The partners' budgets add up to 0; at least one must be more than 0"
            ),
            id="budgets adding up to zero",
        ),
        pytest.param(
            Method.EQUAL,
            {},
            three(population=("-5", "1", "1")),
            Problem("population", f"Population for {EAST} must be 0 or more", "eastbrook"),
            id="negative population, even when the method does not use it",
        ),
        pytest.param(
            Method.POPULATION,
            {},
            three(population=("100.5", "1", "1")),
            Problem("population", f"Population for {EAST} must be a whole number", "eastbrook"),
            id="population not a whole number",
        ),
        pytest.param(
            Method.DRIVER,
            {"driver_name": "transactions"},
            three(driver=("1", "-1", "1")),
            Problem("driver", f"Transactions for {NORTH} must be 0 or more", "northfield"),
            id="negative driver",
        ),
        pytest.param(
            Method.BUDGET,
            {},
            three(budget=("1.00", "1.00", "-1.00")),
            Problem("budget", f"Budget for {WEST} must be £0 or more", "westmoor"),
            id="negative budget",
        ),
        pytest.param(
            Method.BUDGET,
            {},
            three(budget=("1.001", "1.00", "1.00")),
            Problem(
                "budget",
                f"Budget for {EAST} must be in pounds and pence, like 1250.50",
                "eastbrook",
            ),
            id="budget with fractions of a penny",
        ),
        pytest.param(
            Method.EQUAL,
            {},
            [],
            Problem("partners", "Add at least one partner"),
            id="no partners",
        ),
        pytest.param(
            Method.EQUAL,
            {},
            [partner("eastbrook", EAST), partner("eastbrook", EAST)],
            Problem("partners", f"{EAST} is listed more than once", "eastbrook"),
            id="partner listed twice",
        ),
        pytest.param(
            Method.EQUAL,
            {},
            [partner("e1", "  ")],
            Problem("name", "Enter the name of the partner with the id e1", "e1"),
            id="partner without a name",
        ),
    ],
)
def test_each_mistake_has_its_message(
    method: Method, changes: dict[str, Any], partners: list[PartnerInputs], expected: Problem
) -> None:
    assert expected in validate(proposal(method, **changes), partners)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"years": 1}, id="1 year"),
        pytest.param({"years": 50}, id="50 years"),
        pytest.param({"annual_uplift_percent": D(20)}, id="20% uplift"),
        pytest.param({"annual_uplift_percent": D("0.00")}, id="no uplift"),
        pytest.param({"base_share_percent": D(0)}, id="base share 0%"),
        pytest.param({"base_share_percent": D(100)}, id="base share 100%"),
        pytest.param({"one_off_cost": D("10000000000.00")}, id="£10bn one-off"),
        pytest.param({"annual_cost": D("10000000000.00")}, id="£10bn a year"),
    ],
)
def test_the_limits_themselves_are_allowed(changes: dict[str, Any]) -> None:
    settings = {"base_share_percent": D(40)} | changes
    hybrid = proposal(Method.HYBRID, driver_name="caseload", **settings)
    assert validate(hybrid, three(driver=("1", "0", "0"))) == []


def test_missing_driver_without_a_driver_name_still_names_the_partner() -> None:
    problems = validate(proposal(Method.DRIVER), [partner("eastbrook", EAST)])
    assert f"{EAST} has not entered its driver figure" in messages(problems)


def test_every_missing_input_is_reported_and_no_misleading_total() -> None:
    partners = [
        partner("eastbrook", EAST, percentage=D(40)),
        partner("n", NORTH),
        partner("w", WEST),
    ]
    assert messages(validate(proposal(Method.FIXED), partners)) == [
        f"Enter the agreed percentage for {NORTH}",
        f"Enter the agreed percentage for {WEST}",
    ]


def test_methods_that_do_not_use_an_input_do_not_ask_for_it() -> None:
    assert validate(proposal(Method.EQUAL), three()) == []
    assert (
        validate(
            proposal(Method.FIXED, base_share_percent=None), three(percentage=("100", "0", "0"))
        )
        == []
    )


def test_shares_refuse_a_proposal_with_problems() -> None:
    with pytest.raises(InvalidProposal, match="has not entered its budget"):
        shares(Method.BUDGET, proposal(), three())


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: PartnerInputs("e", EAST, population=100000.0), id="population"),  # type: ignore[arg-type]
        pytest.param(lambda: PartnerInputs("e", EAST, driver=1.5), id="driver"),  # type: ignore[arg-type]
        pytest.param(lambda: PartnerInputs("e", EAST, budget=10.5), id="budget"),  # type: ignore[arg-type]
        pytest.param(lambda: PartnerInputs("e", EAST, percentage=75.0), id="percentage"),  # type: ignore[arg-type]
        pytest.param(lambda: proposal(one_off_cost=0.1), id="one-off cost"),
        pytest.param(lambda: proposal(annual_cost=120000.0), id="annual cost"),
        pytest.param(lambda: proposal(annual_uplift_percent=3.0), id="uplift"),
        pytest.param(lambda: proposal(base_share_percent=40.0), id="base share"),
    ],
)
def test_floats_are_refused(make: Any) -> None:
    with pytest.raises(TypeError, match=r"not a float .*floats cannot hold pounds and pence"):
        make()


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: proposal(years=3.0), TypeError, "whole number"),
        (lambda: proposal(years=True), TypeError, "whole number"),
        (lambda: proposal(annual_cost="100.00"), TypeError, "not str"),
        (lambda: proposal(annual_cost=D("NaN")), ValueError, "finite"),
        (lambda: PartnerInputs("e", EAST, population=D("Infinity")), ValueError, "finite"),
    ],
)
def test_other_inexact_inputs_are_refused(make: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make()


def test_whole_numbers_are_accepted_as_decimals() -> None:
    assert PartnerInputs("e", EAST, population=100000).population == D(100000)  # type: ignore[arg-type]
    assert isinstance(proposal(annual_cost=5).annual_cost, Decimal)


# --- canonical form -------------------------------------------------------------------------


def test_canonical_form() -> None:
    partners = [
        partner("westmoor", WEST, population=D("250000"), budget=D("1000000"), percentage=D("25")),
        partner("eastbrook", EAST, driver=D("12.50"), percentage=D("75.00")),
    ]
    hybrid = proposal(
        Method.FIXED,
        one_off_cost=D("1000"),
        annual_cost=D("120000.5"),
        years=3,
        annual_uplift_percent=D("3.00"),
        base_share_percent=D("40.0"),
        driver_name="caseload",
    )
    assert canonical(hybrid, partners) == {
        "schema": "funding-proposal/1",
        "method": "fixed",
        "one_off_cost": "1000.00",
        "annual_cost": "120000.50",
        "years": 3,
        "annual_uplift_percent": "3",
        "base_share_percent": "40",
        "driver_name": "caseload",
        "partners": [
            {
                "partner_id": "eastbrook",
                "name": EAST,
                "population": None,
                "driver": "12.5",
                "budget": None,
                "percentage": "75",
            },
            {
                "partner_id": "westmoor",
                "name": WEST,
                "population": "250000",
                "budget": "1000000.00",
                "driver": None,
                "percentage": "25",
            },
        ],
    }


def test_canonical_form_is_json_without_floats_and_hashes_stably() -> None:
    partners = three(population=("1E+5", "150000", "250000.000"))
    same = list(reversed(three(population=("100000", "1.5E+5", "250000"))))
    first = canonical(proposal(Method.POPULATION, annual_cost=D("1E+3")), partners)
    second = canonical(proposal(Method.POPULATION, annual_cost=D("1000.000")), same)
    assert first == second
    assert content_hash(first) == content_hash(second)
    assert "." not in json.dumps(first["partners"])  # no stray decimals or floats
    changed = canonical(proposal(Method.POPULATION, annual_cost=D("1000.01")), same)
    assert content_hash(changed) != content_hash(first)


def test_canonical_form_refuses_to_round_money() -> None:
    with pytest.raises(ValueError, match="2 decimal places"):
        canonical(proposal(one_off_cost=D("0.001")), three())


def test_canonical_zero_is_never_negative() -> None:
    data = canonical(proposal(annual_uplift_percent=D("-0.00")), three(percentage=("-0", "0", "0")))
    assert data["annual_uplift_percent"] == "0"
    assert [entry["percentage"] for entry in data["partners"]] == ["0", "0", "0"]  # type: ignore[attr-defined]


# --- properties -----------------------------------------------------------------------------


def pounds(pennies: int) -> Decimal:
    """Integer pennies as pounds."""
    return Decimal(pennies).scaleb(-2)


TOTALS = st.integers(min_value=0, max_value=10**12).map(pounds)  # £0 to £10bn, to the penny
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4)
WEIGHT = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(Decimal),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
)
WEIGHTS = st.dictionaries(KEYS, WEIGHT, min_size=1, max_size=12).filter(
    lambda weights: any(weights.values())
)


def exact_share(total: Decimal, weights: Mapping[str, Decimal], key: str) -> Fraction:
    """A key's exact proportion of `total`, in pennies."""
    return Fraction(total) * 100 * Fraction(weights[key]) / Fraction(sum(weights.values()))


@given(total=TOTALS, weights=WEIGHTS)
def test_allocate_sums_exactly_and_stays_within_a_penny(
    total: Decimal, weights: dict[str, Decimal]
) -> None:
    result = allocate(total, weights)
    assert list(result) == list(weights)
    assert sum(result.values()) == total
    for key, share in result.items():
        assert share >= 0
        assert abs(Fraction(share) * 100 - exact_share(total, weights, key)) < 1


@given(total=TOTALS, weights=WEIGHTS, data=st.data())
def test_allocate_is_monotonic_in_a_weight(
    total: Decimal, weights: dict[str, Decimal], data: st.DataObject
) -> None:
    key = data.draw(st.sampled_from(sorted(weights)))
    rise = data.draw(WEIGHT.filter(lambda value: value > 0))
    before = allocate(total, weights)[key]
    after = allocate(total, weights | {key: weights[key] + rise})[key]
    assert after >= before


@given(total=TOTALS, count=st.integers(min_value=1, max_value=30), weight=WEIGHT)
def test_equal_weights_differ_by_at_most_a_penny(
    total: Decimal, count: int, weight: Decimal
) -> None:
    assume(weight > 0)
    result = allocate(total, {f"p{index:02d}": weight for index in range(count)})
    assert max(result.values()) - min(result.values()) <= D("0.01")
    # The spare pennies go to the ids that sort first.
    assert list(result.values()) == sorted(result.values(), reverse=True)


@given(total=TOTALS, weights=WEIGHTS, seed=st.randoms(use_true_random=False))
def test_allocate_does_not_depend_on_listing_order(
    total: Decimal, weights: dict[str, Decimal], seed: Any
) -> None:
    keys = list(weights)
    seed.shuffle(keys)
    assert allocate(total, {key: weights[key] for key in keys}) == allocate(total, weights)


PARTNER_FIGURES = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10**7),  # population
        st.integers(min_value=0, max_value=10**6),  # driver
        st.integers(min_value=0, max_value=10**11),  # budget in pennies
    ),
    min_size=1,
    max_size=8,
)


@given(
    figures=PARTNER_FIGURES,
    method=st.sampled_from([Method.EQUAL, Method.POPULATION, Method.DRIVER, Method.BUDGET]),
    one_off=TOTALS,
    annual=TOTALS,
    years=st.integers(min_value=1, max_value=50),
    uplift=st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False),
    base=st.one_of(st.none(), st.integers(min_value=0, max_value=100).map(Decimal)),
)
def test_contributions_add_up_exactly(
    figures: list[tuple[int, int, int]],
    method: Method,
    one_off: Decimal,
    annual: Decimal,
    years: int,
    uplift: Decimal,
    base: Decimal | None,
) -> None:
    partners = [
        PartnerInputs(f"p{i}", f"Partner {i}", D(pop), D(driver), pounds(budget))
        for i, (pop, driver, budget) in enumerate(figures)
    ]
    if base is not None and method is Method.DRIVER:
        method = Method.HYBRID
    plan = Proposal(method, one_off, annual, years, uplift, base, "caseload")
    assume(validate(plan, partners) == [])
    table = contributions(plan, partners)
    costs = year_costs(plan)
    assert len(costs) == years
    assert table.one_off_total == one_off
    assert table.year_totals == tuple(costs)
    assert table.grand_total == one_off + sum(costs)
    assert sum(row.total for row in table.rows) == table.grand_total
    assert sum(row.share for row in table.rows) == 1
    for year, cost in enumerate(costs):
        assert sum(row.per_year[year] for row in table.rows) == cost
    for row in table.rows:
        assert row.total == row.one_off + sum(row.per_year)
        assert min(row.per_year, default=D(0)) >= 0


@given(
    agreed_weights=WEIGHTS,
    data=st.data(),
    tolerance=st.decimals(min_value=0, max_value=10, places=1, allow_nan=False),
    cost=TOTALS,
)
def test_true_up_payments_sum_to_zero(
    agreed_weights: dict[str, Decimal], data: st.DataObject, tolerance: Decimal, cost: Decimal
) -> None:
    whole = Fraction(sum(agreed_weights.values()))
    agreed = {key: Fraction(value) / whole for key, value in agreed_weights.items()}
    drivers = data.draw(
        st.fixed_dictionaries(dict.fromkeys(agreed, WEIGHT)).filter(lambda d: any(d.values()))
    )
    result = true_up(agreed, drivers, tolerance, cost)
    assert sum(line.payment for line in result.lines) == 0
    assert result.cost == cost
    if not result.triggered:
        assert all(line.payment == 0 for line in result.lines)
    for line in result.lines:
        assert line.beyond_tolerance is (line.movement_points > Fraction(tolerance))
        # Each payment moves the partner from its agreed split to its actual one.
        exact = Fraction(cost) * (line.actual_share - line.agreed_share)
        assert not result.triggered or abs(Fraction(line.payment) - exact) < Fraction(2, 100)


@given(figures=PARTNER_FIGURES, seed=st.randoms(use_true_random=False))
def test_canonical_does_not_depend_on_listing_order(
    figures: list[tuple[int, int, int]], seed: Any
) -> None:
    partners = [
        PartnerInputs(f"p{i}", f"Partner {i}", D(pop), D(driver), pounds(budget))
        for i, (pop, driver, budget) in enumerate(figures)
    ]
    shuffled = list(partners)
    seed.shuffle(shuffled)
    plan = proposal(Method.POPULATION, annual_cost=D("1.00"))
    assert content_hash(canonical(plan, partners)) == content_hash(canonical(plan, shuffled))


# --- equal shares take turns with the spare pennies -----------------------------------------


def test_equal_shares_take_turns_with_the_spare_penny_year_by_year() -> None:
    """£100.00 a year between three is 3,333p each and one spare penny a year: over five
    years the spare pennies go round, so no one pays more than a penny more than another
    (before, the same partner paid all five)."""
    table = contributions(
        proposal(annual_cost=D("100.00"), years=5), three(population=("1", "1", "1"))
    )
    per_year = [{r.partner_id: r.per_year[n] for r in table.rows} for n in range(5)]
    assert [sorted(year.values()) for year in per_year] == [
        [D("33.33"), D("33.33"), D("33.34")]
    ] * 5
    assert [max(year, key=year.__getitem__) for year in per_year] == [
        "eastbrook",
        "northfield",
        "westmoor",
        "eastbrook",
        "northfield",
    ]
    totals = sorted(r.total for r in table.rows)
    assert totals == [D("166.66"), D("166.67"), D("166.67")]
    assert sum(totals) == D("500.00")


@given(
    st.integers(min_value=2, max_value=12),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=1, max_value=15),
)
def test_equal_shares_over_the_term_differ_by_at_most_a_penny(
    partners: int, one_off: int, annual: int, years: int
) -> None:
    people = [partner(f"p{n:02d}") for n in range(partners)]
    table = contributions(
        proposal(one_off_cost=D(one_off) / 100, annual_cost=D(annual) / 100, years=years),
        people,
    )
    totals = [r.total for r in table.rows]
    assert max(totals) - min(totals) <= D("0.01")
    for n in range(years):
        column = [r.per_year[n] for r in table.rows]
        assert max(column) - min(column) <= D("0.01")
        assert sum(column) == table.year_totals[n]
