"""How the plan compares sync-key values, and the field it suspends users with."""

import pandas as pd

SUSPENDED = "suspended"


def folded(values: pd.Series) -> pd.Series:
    """Keys as Oomnitza compares them: case-blind, blank as missing."""
    # Text (nearly every key) in one pass: pandas' string methods took twice as long on a
    # million keys, which a plan and its reconciliation each fold for every key.
    keys = [
        (value.strip().casefold() or None) if value.__class__ is str else other_key(value)
        for value in values.to_numpy(dtype=object)
    ]
    return pd.Series(keys, index=values.index, dtype="string")


def other_key(value) -> str | None:
    """A key that is not text (a number read from JSON) as its text, or None when missing."""
    if value is None or value is pd.NA or value != value:  # NaN is unequal to itself
        return None
    return str(value).strip().casefold() or None
