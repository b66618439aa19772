"""Folding keys: the quick answer for keys that need no folding is the one folding gives."""

import math

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from intune_pipeline.users import plan_keys
from intune_pipeline.users.plan_keys import folded


def one_by_one(value) -> str | None:
    """The definition: text stripped and casefolded, blank or missing as None, numbers as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value).strip().casefold() or None


KEYS = st.one_of(
    st.text(alphabet=st.sampled_from("aZß Σς\u00a0\t\x00\x1f.@1İ"), max_size=6),
    st.from_regex(r"[a-z0-9.]{1,8}@[a-z]{1,5}\.com", fullmatch=True),
    st.none(),
    st.just(float("nan")),
    st.integers(-5, 5),
)


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(plan_keys, "PART", 3)  # several parts, some clean and some not


@settings(max_examples=300, deadline=None)
@given(st.lists(KEYS, max_size=12))
@example(["a@x.com", "b@x.com", "c@x.com", "D@x.com", "e@x.com"])
@example(["a@x.com", " b@x.com", "c@x.com"])
@example(["a\x00", "b"])  # a NUL inside a key looks like a separator
@example(["", "a"])
def test_every_key_is_folded_as_one_by_one(values):
    keys = folded(pd.Series(values, dtype=object))
    assert keys.dtype == "string"
    assert [None if key is pd.NA else key for key in keys] == [one_by_one(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(KEYS, max_size=12), st.lists(KEYS, max_size=4))
@example(["A@x.com", "b@x.com", "c@x.com", None], ["a@x.com"])
def test_the_keys_held_among_those_wanted_are_those_folding_finds(values, asked):
    wanted = {key for key in map(one_by_one, asked) if key is not None}
    found = plan_keys.holding(pd.Series(values, dtype=object), wanted)
    assert found.tolist() == [one_by_one(value) in wanted for value in values]
