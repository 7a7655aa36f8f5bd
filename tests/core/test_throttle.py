"""The expensive-request budget on its own: a sliding minute of units per person."""

from __future__ import annotations

import pytest

from app.core.throttle import Budget, Throttled


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_person_spends_up_to_the_budget_then_waits_for_the_oldest_to_leave() -> None:
    clock = Clock()
    budget = Budget(20, clock=clock)
    budget.spend("ann", 10)
    clock.now += 20
    budget.spend("ann", 10)
    with pytest.raises(Throttled) as refused:
        budget.spend("ann", 1)
    # The first 10 units leave the window 40 seconds from now.
    assert refused.value.retry_after == 41
    budget.spend("bob", 20)  # each person has a budget of their own
    clock.now += 40
    budget.spend("ann", 10)  # the first spending has left the minute
    with pytest.raises(Throttled):
        budget.spend("ann", 1)


@pytest.mark.parametrize(
    ("spent", "cost", "refused"), [(59, 1, False), (60, 1, True), (51, 10, True)]
)
def test_a_refusal_counts_nothing(spent: int, cost: int, refused: bool) -> None:
    budget = Budget(60, clock=Clock())
    budget.spend("ann", spent)
    if refused:
        with pytest.raises(Throttled):
            budget.spend("ann", cost)
        budget.spend("ann", 60 - spent)  # what was refused was not counted
    else:
        budget.spend("ann", cost)
