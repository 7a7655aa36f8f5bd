"""Blind scoring: partners score their readiness without seeing each other's (BRIEF.md).

The one rule, used by the stage page and API, the readiness page, API and snapshots, and the
audit API: a partner sees its own scores, and another partner's scores on a stage only once
both have submitted theirs for that stage. Everything made from a hidden score (a partner's
score for the stage, its driver view, its actions, the partnership's figures) is hidden with it.
`service.revisions_of` applies the same rule in SQL, so that history pages stay one query.
"""

from __future__ import annotations

from collections.abc import Collection, Container
from typing import Any

# (stage key, partner id) for each partner that has submitted its scores for a stage.
Submitted = Collection[tuple[str, str]]


def may_see(submitted: Submitted, viewer: str, stage_key: str, partner_id: str) -> bool:
    """Whether the `viewer` partner may see `partner_id`'s readiness scores for a stage."""
    return partner_id == viewer or (
        (stage_key, viewer) in submitted and (stage_key, partner_id) in submitted
    )


def withhold_score(
    event_after: dict[str, Any] | None,
    statements: Container[tuple[str, str]],
    submitted: Submitted,
    viewer: str,
) -> bool:
    """Whether an `answer.saved` event's values must be withheld from the viewer: it saved
    another partner's readiness score that the viewer may not see yet."""
    if not event_after or not {"stage", "key", "scope"} <= event_after.keys():
        return False
    stage, key, scope = event_after["stage"], event_after["key"], event_after["scope"]
    return (stage, key) in statements and not may_see(submitted, viewer, stage, scope)
