"""Rows of a frame taken without copying what need not be copied.

A frame of 100,000 users is a million references; copying one costs 7-25 ms, and the users
passed through eight such copies on their way to the plan, most of them selecting every row or
only numbering the rows anew.
"""

import numpy as np
import pandas as pd


def rows_where(frame: pd.DataFrame, mask) -> pd.DataFrame:
    """frame's rows where mask holds; frame itself where it holds for all, as it nearly always
    does (every user kept by the filter rules, every record of a full sync found)."""
    return frame if mask.all() else frame[mask]


def renumbered(frame: pd.DataFrame) -> pd.DataFrame:
    """frame with its rows numbered 0 to n-1, as reset_index(drop=True) gives it, sharing
    frame's columns rather than copying them."""
    numbers = pd.RangeIndex(len(frame))
    return frame if frame.index.equals(numbers) else frame.set_axis(numbers, copy=False)


def among(values: pd.Series, wanted) -> np.ndarray:
    """Where values are among wanted, which holds no missing value: a set asked value by value
    answers for a million record ids in half the time pandas' isin takes."""
    found = set(wanted)
    return np.fromiter(map(found.__contains__, values.to_numpy(dtype=object)), bool, len(values))
