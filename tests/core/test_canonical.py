"""Canonical JSON: equal content gives equal bytes, and a float is refused at any depth (a float
cannot be recomputed to the same bytes by another program, nor hold 0.10 exactly)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.canonical import canonical_json, content_hash

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _with_float(data: Any, value: float, path: list[int]) -> Any:
    """`data` with one leaf (chosen by `path`) replaced by a float, or wrapped beside one."""
    if isinstance(data, dict) and data:
        key = sorted(data)[path[0] % len(data)] if path else next(iter(data))
        return {**data, key: _with_float(data[key], value, path[1:])}
    if isinstance(data, list) and data:
        i = path[0] % len(data) if path else 0
        return [*data[:i], _with_float(data[i], value, path[1:]), *data[i + 1 :]]
    return value


@given(JSON)
def test_the_same_content_gives_the_same_bytes_whatever_the_key_order(data: Any) -> None:
    def reordered(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: reordered(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reordered(v) for v in value]
        return value

    assert canonical_json(reordered(data)) == canonical_json(data)
    assert content_hash(reordered(data)) == content_hash(data)


@given(JSON, st.floats(allow_nan=False), st.lists(st.integers(min_value=0), max_size=6))
def test_a_float_is_refused_at_any_depth(data: Any, value: float, path: list[int]) -> None:
    with pytest.raises(TypeError, match="float"):
        canonical_json(_with_float(data, value, path))


def test_nested_floats_that_used_to_pass() -> None:
    for data in ({"a": 1.5}, [0.1], {"a": [{"b": 2.0}]}):
        with pytest.raises(TypeError, match="float"):
            content_hash(data)
