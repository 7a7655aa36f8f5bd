"""The Day 1 funding formula: how a shared service's costs are split between its partners.

Plain functions over frozen dataclasses: no database and no web framework, so the pages, the API,
the export and the tests all compute the same figures from the same data (BRIEF §4 rule 8, §6).

Numbers
- Money is `decimal.Decimal` pounds with at most two decimal places, worked in integer pennies.
  Floats are refused wherever they come in (a float cannot hold 0.10 exactly).
- Shares are exact `fractions.Fraction` values that sum to exactly 1 (a third is exactly 1/3);
  nothing is rounded until it becomes money.

Rounding rules
- A split (`allocate`) uses the largest remainder method: each partner first gets the whole
  pennies of its exact proportion, then the pennies left over go one each to the largest
  remainders. A tie in remainders goes to the partner with the larger weight, then to the
  partner id that sorts first, so the result never depends on the order partners are listed in.
- A year's cost is `annual_cost * (1 + uplift) ** (n - 1)` computed exactly, then rounded half up to
  the penny; each year's cost and the one-off cost are then split separately, so every column
  and the grand total add up exactly.

What-ifs
- Leaving under fixed percentages: the remaining partners' percentages are scaled up in
  proportion to 100%, rounded to 2 decimal places by largest remainder (so they still add up to
  exactly 100). If they add up to 0% there is nothing to scale and a Problem is returned.
- Joining under fixed percentages cannot be worked out without a new agreement: a Problem.

True-up
- A partner's share has moved beyond the tolerance when its actual share (its driver over the
  total driver) differs from its agreed share by more than `tolerance_percent` percentage points
  of share (75% agreed, 3 points tolerance: anything outside 72% to 78% has moved beyond it).
- If any partner has moved beyond it, the cost is split again by the actual drivers and each
  partner pays (+) or receives (-) the difference between that split and the agreed split.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property

PENCE = 100
MAX_COST = Decimal("10000000000.00")
MIN_YEARS = 1
MAX_YEARS = 50
MAX_UPLIFT_PERCENT = Decimal(20)
HUNDRED = Decimal(100)
CANONICAL_SCHEMA = "funding-proposal/1"


class Method(StrEnum):
    """How the cost is split between partners."""

    EQUAL = "equal"
    POPULATION = "population"
    DRIVER = "driver"
    BUDGET = "budget"
    FIXED = "fixed"
    HYBRID = "hybrid"


# The partner input each method splits by (equal needs none).
INPUT_FOR: dict[Method, str] = {
    Method.POPULATION: "population",
    Method.DRIVER: "driver",
    Method.BUDGET: "budget",
    Method.FIXED: "percentage",
    Method.HYBRID: "driver",
}


# --- Inputs ----------------------------------------------------------------------------------


# The methods as a council officer reads them (pages and documents).
METHOD_LABELS = {
    Method.EQUAL: "Equal shares",
    Method.POPULATION: "In proportion to population",
    Method.DRIVER: "In proportion to a usage or demand driver",
    Method.BUDGET: "In proportion to budget",
    Method.FIXED: "Fixed agreed percentages",
    Method.HYBRID: "A base split equally, the rest by a driver",
}


def _number(value: object, what: str) -> Decimal:
    """`value` as a finite Decimal, refusing floats and anything else that is not exact."""
    if isinstance(value, float):
        raise TypeError(
            f"{what} must be a Decimal, not a float ({value!r}): floats cannot hold pounds and "
            f"pence exactly, so pass Decimal('{value}') instead"
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} must be a finite number, not {number}")
    return number


def _exact(value: object, what: str) -> Fraction:
    """`value` (a Decimal, int or Fraction, never a float) as an exact Fraction."""
    if isinstance(value, Fraction):
        return value
    return Fraction(_number(value, what))


@dataclass(frozen=True)
class PartnerInputs:
    """One partner's figures, each entered by that partner (None until entered)."""

    partner_id: str
    name: str
    population: Decimal | None = None
    driver: Decimal | None = None
    budget: Decimal | None = None
    percentage: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("population", "driver", "budget", "percentage"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _number(value, f"{name} of {self.partner_id}"))


@dataclass(frozen=True)
class Proposal:
    """The cost pool and the formula the lead proposes."""

    method: Method
    one_off_cost: Decimal
    annual_cost: Decimal
    years: int
    annual_uplift_percent: Decimal = Decimal(0)
    base_share_percent: Decimal | None = None
    driver_name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", Method(self.method))
        for name in ("one_off_cost", "annual_cost", "annual_uplift_percent"):
            object.__setattr__(self, name, _number(getattr(self, name), name))
        if self.base_share_percent is not None:
            base = _number(self.base_share_percent, "base_share_percent")
            object.__setattr__(self, "base_share_percent", base)
        if isinstance(self.years, bool) or not isinstance(self.years, int):
            raise TypeError(f"years must be a whole number (int), not {type(self.years).__name__}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs, worded for a council officer."""

    field: str
    message: str
    partner_id: str | None = None


class InvalidProposal(ValueError):
    """Raised when figures are asked for but the inputs have problems."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


# --- Money -----------------------------------------------------------------------------------


def _is_pennies(amount: Decimal) -> bool:
    """Whether `amount` is a whole number of pennies."""
    pennies = amount.scaleb(2)
    return bool(pennies == pennies.to_integral_value())


def _to_pennies(amount: Decimal, what: str) -> int:
    """`amount` pounds as integer pennies; more than two decimal places is an error.

    Decimal arithmetic is exact here: an amount has far fewer digits than the context's 28,
    and shifting the point two places is exact whatever its digits.
    """
    pennies = amount.scaleb(2)
    if pennies != pennies.to_integral_value():
        raise ValueError(f"{what} must be in pounds and pence (at most 2 decimal places): {amount}")
    return int(pennies)


def _to_pounds(pennies: int) -> Decimal:
    """Integer pennies as Decimal pounds with exactly two places (built from text: no context)."""
    sign = "-" if pennies < 0 else ""
    pounds, pence = divmod(abs(pennies), PENCE)
    return Decimal(f"{sign}{pounds}.{pence:02d}")


def _round_half_up(value: Fraction) -> int:
    """`value` (not negative) rounded to the nearest whole number, halves upwards."""
    return math.floor(value + Fraction(1, 2))


def _plain(number: Decimal) -> str:
    """`number` as plain text without exponent or trailing zeros: 75.50 -> '75.5'."""
    if number == 0:
        return "0"  # also turns -0 into 0
    text = format(number, "f")  # exact: formatting uses no context precision
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(amount: Decimal) -> str:
    """`amount` as pounds with exactly two decimal places, refusing to round."""
    return str(_to_pounds(_to_pennies(amount, "amount")))


# --- Splitting -------------------------------------------------------------------------------


def _weights(weights: Mapping[str, Decimal | Fraction]) -> dict[str, Fraction]:
    """Checked weights as Fractions: at least one, none negative, not all zero."""
    if not weights:
        raise ValueError("there is no one to split between: weights is empty")
    exact = {key: _exact(value, f"weight of {key}") for key, value in weights.items()}
    negative = sorted(key for key, value in exact.items() if value < 0)
    if negative:
        raise ValueError(f"weights must be 0 or more; negative for {', '.join(negative)}")
    if not any(exact.values()):
        raise ValueError("weights are all zero, so there is no proportion to split by")
    return exact


def _split(
    pennies: int, weights: Mapping[str, Fraction], spare: dict[str, int] | None = None
) -> dict[str, int]:
    """Largest remainder split of `pennies` in proportion to checked `weights`; `spare` counts
    the spare pennies each key has had in earlier splits of the same table, and is updated.

    Worked in whole numbers: the weights are put over one common denominator, so each exact
    share is pennies x weight / whole, its floor and remainder an integer division (a Fraction
    per partner made a 400-partner table take a second).
    """
    common = math.lcm(*(w.denominator for w in weights.values()))
    scaled = {key: w.numerator * (common // w.denominator) for key, w in weights.items()}
    whole = sum(scaled.values())
    result, remainder = {}, {}
    for key, weight in scaled.items():
        result[key], remainder[key] = divmod(pennies * weight, whole)
    left_over = pennies - sum(result.values())
    # Largest remainder first; a tie goes to whoever has had fewer spare pennies in the table
    # so far (so equal shares take turns, year by year), then to the larger weight (the bigger
    # stake absorbs the spare penny), then to the id that sorts first, so listing order never
    # changes the answer.
    had = spare if spare is not None else {}
    order = sorted(scaled, key=lambda key: (-remainder[key], had.get(key, 0), -scaled[key], key))
    for key in order[:left_over]:
        result[key] += 1
        had[key] = had.get(key, 0) + 1
    return result


def allocate(total: Decimal, weights: Mapping[str, Decimal | Fraction]) -> dict[str, Decimal]:
    """Split `total` pounds in proportion to `weights`, to the penny, summing exactly to it."""
    return allocate_each([total], weights)[0]


def allocate_each(
    totals: Sequence[Decimal], weights: Mapping[str, Decimal | Fraction]
) -> list[dict[str, Decimal]]:
    """Split each of `totals` (a table's columns) in proportion to `weights`, each to the
    penny and summing exactly to its total; where a spare penny could go to any of several
    keys, it goes to the one that has had fewer so far, so equal shares differ by at most a
    penny over the whole table."""
    checked = _weights(weights)
    spare: dict[str, int] = {}
    columns = []
    for total in totals:
        amount = _number(total, "total")
        if amount < 0:
            raise ValueError(f"total must be £0 or more, not {amount}")
        split = _split(_to_pennies(amount, "total"), checked, spare)
        columns.append({key: _to_pounds(p) for key, p in split.items()})
    return columns


def year_costs(proposal: Proposal) -> list[Decimal]:
    """The cost of each year of the term: the annual cost grown by the uplift, compounding."""
    first = Fraction(_to_pennies(proposal.annual_cost, "annual_cost"))
    growth = 1 + Fraction(proposal.annual_uplift_percent) / 100
    return [_to_pounds(_round_half_up(first * growth**n)) for n in range(proposal.years)]


# --- Validation ------------------------------------------------------------------------------


def _who(partner: PartnerInputs) -> str:
    """How a partner is named in a message."""
    return partner.name.strip() or partner.partner_id


def _driver_words(proposal: Proposal) -> str:
    """What the driver measures, in a sentence ('caseload'), or a generic name."""
    name = (proposal.driver_name or "").strip()
    return name or "driver figure"


def _capitalised(text: str) -> str:
    """`text` with its first letter capitalised, as at the start of a message."""
    return text[:1].upper() + text[1:]


def _cost_problems(proposal: Proposal) -> list[Problem]:
    """The one-off and annual costs: £0 to £10bn, in pounds and pence."""
    problems = []
    for field, label in (("one_off_cost", "One-off cost"), ("annual_cost", "Annual running cost")):
        amount: Decimal = getattr(proposal, field)
        if amount < 0:
            problems.append(Problem(field, f"{label} must be £0 or more"))
        elif amount > MAX_COST:
            problems.append(Problem(field, f"{label} must be £{MAX_COST:,.0f} or less"))
        elif not _is_pennies(amount):
            problems.append(Problem(field, f"{label} must be in pounds and pence, like 1250.50"))
    return problems


def _term_problems(proposal: Proposal) -> list[Problem]:
    """The term in years and the annual uplift."""
    problems = []
    if not MIN_YEARS <= proposal.years <= MAX_YEARS:
        message = f"Term must be between {MIN_YEARS} and {MAX_YEARS} years"
        problems.append(Problem("years", message))
    if not 0 <= proposal.annual_uplift_percent <= MAX_UPLIFT_PERCENT:
        message = f"Annual uplift must be between 0% and {MAX_UPLIFT_PERCENT}%"
        problems.append(Problem("annual_uplift_percent", message))
    return problems


def _setting_problems(method: Method, proposal: Proposal) -> list[Problem]:
    """The base share (hybrid) and the driver's name (driver and hybrid)."""
    problems = []
    base = proposal.base_share_percent
    if method is Method.HYBRID and base is None:
        message = "Enter the base share, the percentage of the cost split equally between partners"
        problems.append(Problem("base_share_percent", message))
    if base is not None and not 0 <= base <= HUNDRED:
        problems.append(Problem("base_share_percent", "Base share must be between 0% and 100%"))
    if method in (Method.DRIVER, Method.HYBRID) and not (proposal.driver_name or "").strip():
        message = "Enter what the cost driver measures, for example caseload or properties"
        problems.append(Problem("driver_name", message))
    return problems


def _partner_list_problems(partners: Sequence[PartnerInputs]) -> list[Problem]:
    """At least one partner, each listed once and named."""
    if not partners:
        return [Problem("partners", "Add at least one partner")]
    problems, seen = [], set()
    for partner in partners:
        if not partner.name.strip():
            message = f"Enter the name of the partner with the id {partner.partner_id}"
            problems.append(Problem("name", message, partner.partner_id))
        if partner.partner_id in seen:
            message = f"{_who(partner)} is listed more than once"
            problems.append(Problem("partners", message, partner.partner_id))
        seen.add(partner.partner_id)
    return problems


def _entry_problems(proposal: Proposal, partner: PartnerInputs) -> list[Problem]:
    """Every figure a partner has entered, whichever method is chosen: a wrong figure is wrong."""
    who, pid, problems = _who(partner), partner.partner_id, []
    if partner.population is not None:
        if partner.population < 0:
            problems.append(Problem("population", f"Population for {who} must be 0 or more", pid))
        elif Fraction(partner.population).denominator != 1:
            message = f"Population for {who} must be a whole number"
            problems.append(Problem("population", message, pid))
    if partner.driver is not None and partner.driver < 0:
        label = _capitalised(_driver_words(proposal))
        problems.append(Problem("driver", f"{label} for {who} must be 0 or more", pid))
    if partner.budget is not None:
        if partner.budget < 0:
            problems.append(Problem("budget", f"Budget for {who} must be £0 or more", pid))
        elif not _is_pennies(partner.budget):
            message = f"Budget for {who} must be in pounds and pence, like 1250.50"
            problems.append(Problem("budget", message, pid))
    if partner.percentage is not None:
        if not 0 <= partner.percentage <= HUNDRED:
            message = f"Percentage for {who} must be between 0% and 100%"
            problems.append(Problem("percentage", message, pid))
        elif not _is_pennies(partner.percentage):
            message = f"Percentage for {who} must have no more than 2 decimal places"
            problems.append(Problem("percentage", message, pid))
    return problems


def _missing_message(method: Method, proposal: Proposal, partner: PartnerInputs) -> str:
    """The message for a partner that has not entered what `method` splits by."""
    who = _who(partner)
    if method is Method.FIXED:
        return f"Enter the agreed percentage for {who}"
    what = _driver_words(proposal) if INPUT_FOR[method] == "driver" else INPUT_FOR[method]
    return f"{who} has not entered its {what}"


def _total_problem(method: Method, proposal: Proposal, total: Decimal) -> Problem | None:
    """What is wrong, if anything, with the partners' figures added up."""
    field = INPUT_FOR[method]
    if method is Method.FIXED:
        if total == HUNDRED:
            return None
        message = f"The agreed percentages must add up to 100%; they add up to {_plain(total)}%"
        return Problem(field, message)
    if total > 0:
        return None
    what = {
        "population": "populations",
        "budget": "budgets",
        "driver": f"{_driver_words(proposal)} figures",
    }[field]
    return Problem(field, f"The partners' {what} add up to 0; at least one must be more than 0")


def _input_problems(
    method: Method, proposal: Proposal, partners: Sequence[PartnerInputs]
) -> list[Problem]:
    """The figures `method` splits by: entered by every partner, and a usable total."""
    if method is Method.EQUAL or not partners:
        return []
    field = INPUT_FOR[method]
    values: list[Decimal] = []
    problems = []
    for partner in partners:
        value: Decimal | None = getattr(partner, field)
        if value is None:
            message = _missing_message(method, proposal, partner)
            problems.append(Problem(field, message, partner.partner_id))
        else:
            values.append(value)
    # Add up only a complete set of sensible figures: a total of half the figures misleads.
    if problems or any(value < 0 for value in values):
        return problems
    total_problem = _total_problem(method, proposal, sum(values, Decimal(0)))
    return [total_problem] if total_problem else []


def _problems(
    method: Method, proposal: Proposal, partners: Sequence[PartnerInputs]
) -> list[Problem]:
    """Everything that stops the figures being worked out under `method`."""
    problems = [
        *_cost_problems(proposal),
        *_term_problems(proposal),
        *_setting_problems(method, proposal),
        *_partner_list_problems(partners),
    ]
    for partner in partners:
        problems.extend(_entry_problems(proposal, partner))
    problems.extend(_input_problems(method, proposal, partners))
    return problems


def validate(proposal: Proposal, partners: Sequence[PartnerInputs]) -> list[Problem]:
    """Every problem with the proposal under its own method (empty when it can be computed)."""
    return _problems(proposal.method, proposal, partners)


# --- Shares and tables -----------------------------------------------------------------------


def _figure(partner: PartnerInputs, field: str) -> Fraction:
    """A validated partner figure as a Fraction."""
    value: Decimal | None = getattr(partner, field)
    if value is None:  # pragma: no cover - validation reports it first
        raise InvalidProposal([Problem(field, f"{_who(partner)} has not entered its {field}")])
    return Fraction(value)


def _normalised(weights: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """`weights` scaled so that they add up to exactly 1."""
    whole = sum(weights.values(), Fraction(0))
    return {key: weight / whole for key, weight in weights.items()}


def _hybrid_shares(proposal: Proposal, partners: Sequence[PartnerInputs]) -> dict[str, Fraction]:
    """A base share split equally, and the rest in proportion to the driver."""
    base = Fraction(proposal.base_share_percent or 0) / 100
    by_driver = _normalised({p.partner_id: _figure(p, "driver") for p in partners})
    equal = Fraction(1, len(partners))
    return {pid: base * equal + (1 - base) * share for pid, share in by_driver.items()}


def shares(
    method: Method, proposal: Proposal, partners: Sequence[PartnerInputs]
) -> dict[str, Fraction]:
    """The exact fraction of every cost each partner pays under `method`; they sum to 1."""
    method = Method(method)
    problems = _problems(method, proposal, partners)
    if problems:
        raise InvalidProposal(problems)
    if method is Method.HYBRID:
        return _hybrid_shares(proposal, partners)
    if method is Method.EQUAL:
        return _normalised({partner.partner_id: Fraction(1) for partner in partners})
    field = INPUT_FOR[method]
    return _normalised({partner.partner_id: _figure(partner, field) for partner in partners})


@dataclass(frozen=True)
class Row:
    """One partner's contributions: one-off, each year of the term, and the total."""

    partner_id: str
    name: str
    share: Fraction
    one_off: Decimal
    per_year: tuple[Decimal, ...]
    total: Decimal


@dataclass(frozen=True)
class Table:
    """Every partner's contributions under one method, with the column totals."""

    method: Method
    rows: tuple[Row, ...]
    one_off_total: Decimal
    year_totals: tuple[Decimal, ...]
    grand_total: Decimal

    @cached_property
    def _by_partner(self) -> dict[str, Row]:
        return {row.partner_id: row for row in self.rows}

    def row(self, partner_id: str) -> Row:
        """The row of one partner (a lookup: tables side by side stay linear in partners)."""
        return self._by_partner[partner_id]


def _sum_money(amounts: Sequence[Decimal]) -> Decimal:
    """The exact sum of amounts in pounds and pence (added as pennies: no context rounding)."""
    return _to_pounds(sum(_to_pennies(amount, "amount") for amount in amounts))


def _row(
    partner: PartnerInputs,
    fractions: Mapping[str, Fraction],
    one_off: Mapping[str, Decimal],
    yearly: Sequence[Mapping[str, Decimal]],
) -> Row:
    """One partner's row, its total being the sum of its own allocations."""
    pid = partner.partner_id
    per_year = tuple(year[pid] for year in yearly)
    total = _sum_money([one_off[pid], *per_year])
    return Row(pid, partner.name, fractions[pid], one_off[pid], per_year, total)


def contributions(
    proposal: Proposal, partners: Sequence[PartnerInputs], method: Method | None = None
) -> Table:
    """Each partner's one-off, yearly and term contributions under `method` (default: chosen)."""
    chosen = proposal.method if method is None else Method(method)
    fractions = shares(chosen, proposal, partners)
    # Each cost is split on its own, so each column adds up exactly to the cost it splits.
    one_off, *yearly = allocate_each([proposal.one_off_cost, *year_costs(proposal)], fractions)
    rows = tuple(_row(partner, fractions, one_off, yearly) for partner in partners)
    return Table(
        method=chosen,
        rows=rows,
        one_off_total=_sum_money([row.one_off for row in rows]),
        year_totals=tuple(_sum_money(list(year.values())) for year in yearly),
        grand_total=_sum_money([row.total for row in rows]),
    )


def _table_or_problems(
    proposal: Proposal, partners: Sequence[PartnerInputs], method: Method
) -> Table | list[Problem]:
    """The table under `method`, or the problems that stop it being worked out."""
    try:
        return contributions(proposal, partners, method)
    except InvalidProposal as invalid:
        return invalid.problems


def compare_methods(
    proposal: Proposal, partners: Sequence[PartnerInputs]
) -> dict[Method, Table | list[Problem]]:
    """The table under every method side by side, so that a cross-subsidy shows before signing."""
    return {method: _table_or_problems(proposal, partners, method) for method in Method}


# --- What-ifs --------------------------------------------------------------------------------


def _rescaled_percentages(partners: Sequence[PartnerInputs]) -> list[PartnerInputs]:
    """The remaining partners with their percentages scaled up in proportion to 100%."""
    entered = {p.partner_id: p.percentage for p in partners if p.percentage is not None}
    # Leave missing or negative figures alone: validation names them with their partner.
    if not partners or len(entered) < len(partners) or any(v < 0 for v in entered.values()):
        return list(partners)
    if not any(entered.values()):
        message = (
            "The remaining partners' agreed percentages add up to 0%, so they cannot be scaled "
            "up; the partners need to agree new percentages"
        )
        raise InvalidProposal([Problem("percentage", message)])
    # Percentages have 2 decimal places, as money has pence: share 100.00 by largest remainder.
    scaled = allocate(HUNDRED, entered)
    return [
        PartnerInputs(p.partner_id, p.name, p.population, p.driver, p.budget, scaled[p.partner_id])
        for p in partners
    ]


def what_if_leaves(
    proposal: Proposal, partners: Sequence[PartnerInputs], partner_id: str
) -> Table | list[Problem]:
    """The table without one partner (fixed percentages: the rest scaled up to 100%)."""
    if partner_id not in {partner.partner_id for partner in partners}:
        return [Problem("partner_id", "There is no such partner in this partnership", partner_id)]
    remaining = [partner for partner in partners if partner.partner_id != partner_id]
    if proposal.method is Method.FIXED:
        try:
            remaining = _rescaled_percentages(remaining)
        except InvalidProposal as invalid:
            return invalid.problems
    return _table_or_problems(proposal, remaining, proposal.method)


def what_if_joins(
    proposal: Proposal, partners: Sequence[PartnerInputs], newcomer: PartnerInputs
) -> Table | list[Problem]:
    """The table with one more partner (not possible under fixed percentages)."""
    who = _who(newcomer)
    if newcomer.partner_id in {partner.partner_id for partner in partners}:
        return [Problem("partner_id", f"{who} is already a partner", newcomer.partner_id)]
    if proposal.method is Method.FIXED:
        message = (
            f"The partners need to agree new percentages before {who} can join, so its share "
            "under fixed percentages cannot be worked out yet"
        )
        return [Problem("percentage", message, newcomer.partner_id)]
    return _table_or_problems(proposal, [*partners, newcomer], proposal.method)


# --- Tolerance and true-up -------------------------------------------------------------------


@dataclass(frozen=True)
class TrueUpLine:
    """One partner's agreed and actual shares, how far it moved, and its true-up payment."""

    partner_id: str
    agreed_share: Fraction
    actual_share: Fraction
    movement_points: Fraction  # |actual - agreed| in percentage points of share
    beyond_tolerance: bool
    payment: Decimal  # pays (+) or receives (-); zero when nobody moved beyond the tolerance


@dataclass(frozen=True)
class TrueUp:
    """Whether the split must be revised and, if so, who pays whom."""

    tolerance_percent: Decimal
    cost: Decimal
    triggered: bool
    lines: tuple[TrueUpLine, ...]

    def line(self, partner_id: str) -> TrueUpLine:
        """The line of one partner."""
        for line in self.lines:
            if line.partner_id == partner_id:
                return line
        raise KeyError(partner_id)


def _agreed(agreed_shares: Mapping[str, Decimal | Fraction]) -> dict[str, Fraction]:
    """Checked agreed shares: fractions of 1, none negative, adding up to exactly 1."""
    agreed = {key: _exact(value, f"agreed share of {key}") for key, value in agreed_shares.items()}
    if any(share < 0 for share in agreed.values()):
        raise ValueError("agreed shares must be 0 or more")
    total = sum(agreed.values(), Fraction(0))
    if total != 1:
        raise ValueError(f"agreed shares must add up to exactly 1, not {total}")
    return agreed


def true_up(
    agreed_shares: Mapping[str, Decimal | Fraction],
    actual_drivers: Mapping[str, Decimal],
    tolerance_percent: Decimal,
    cost: Decimal,
) -> TrueUp:
    """Whether actual volumes moved beyond the tolerance, and the payments that re-split `cost`."""
    agreed = _agreed(agreed_shares)
    actual = _normalised(_weights(actual_drivers))
    if set(agreed) != set(actual):
        raise ValueError("agreed shares and actual drivers must name the same partners")
    tolerance = _number(tolerance_percent, "tolerance_percent")
    if not 0 <= tolerance <= HUNDRED:
        raise ValueError(f"tolerance_percent must be between 0 and 100, not {tolerance}")
    movement = {key: abs(actual[key] - agreed[key]) * 100 for key in agreed}
    beyond = {key: points > Fraction(tolerance) for key, points in movement.items()}
    triggered = any(beyond.values())
    paid = allocate(cost, agreed)
    # Both splits add up to `cost` exactly, so the differences add up to exactly zero.
    owed = allocate(cost, actual) if triggered else paid
    lines = tuple(
        TrueUpLine(
            partner_id=key,
            agreed_share=agreed[key],
            actual_share=actual[key],
            movement_points=movement[key],
            beyond_tolerance=beyond[key],
            payment=_to_pounds(_to_pennies(owed[key], key) - _to_pennies(paid[key], key)),
        )
        for key in sorted(agreed)
    )
    return TrueUp(tolerance, _sum_money(list(paid.values())), triggered, lines)


# --- Canonical form --------------------------------------------------------------------------


def percent(share: Fraction) -> str:
    """A share as a percentage with two places (for display; the money is exact)."""
    return format(
        (Decimal(share.numerator) / Decimal(share.denominator) * 100).quantize(Decimal("0.01")), "f"
    )


def _canonical_partner(partner: PartnerInputs) -> dict[str, object]:
    """One partner's inputs as JSON-ready data."""
    return {
        "partner_id": partner.partner_id,
        "name": partner.name,
        "population": None if partner.population is None else _plain(partner.population),
        "driver": None if partner.driver is None else _plain(partner.driver),
        "budget": None if partner.budget is None else _money(partner.budget),
        "percentage": None if partner.percentage is None else _plain(partner.percentage),
    }


def canonical(proposal: Proposal, partners: Sequence[PartnerInputs]) -> dict[str, object]:
    """The proposal and every partner's inputs as stable JSON-ready data, for hashing."""
    base = proposal.base_share_percent
    return {
        "schema": CANONICAL_SCHEMA,
        "method": proposal.method.value,
        "one_off_cost": _money(proposal.one_off_cost),
        "annual_cost": _money(proposal.annual_cost),
        "years": proposal.years,
        "annual_uplift_percent": _plain(proposal.annual_uplift_percent),
        "base_share_percent": None if base is None else _plain(base),
        "driver_name": proposal.driver_name,
        "partners": [
            _canonical_partner(partner)
            for partner in sorted(partners, key=lambda partner: partner.partner_id)
        ],
    }
