"""How the plan compares sync-key values, and the field it suspends users with."""

import pandas as pd

SUSPENDED = "suspended"


def folded(values: pd.Series) -> pd.Series:
    """Keys as Oomnitza compares them: case-blind, blank as missing."""
    text = values.astype("string").str.strip().str.casefold()
    return text.where(text != "")
