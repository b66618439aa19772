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
    """frame's rows numbered 0 to n-1 in a frame of their own, as reset_index(drop=True) gives
    them, sharing frame's columns rather than copying them."""
    return frame.set_axis(pd.RangeIndex(len(frame)), copy=False)


def in_columns(frame: pd.DataFrame, columns: pd.Index) -> pd.DataFrame:
    """frame's columns in the order given; frame itself when it has just those, as the reads of
    one Oomnitza do (selecting them copied every one)."""
    return frame if frame.columns.equals(columns) else frame[columns]


def among(values: pd.Series, wanted) -> np.ndarray:
    """Where values are among wanted, which holds no missing value: a set asked value by value
    answers for a million record ids in half the time pandas' isin takes."""
    found = set(wanted)
    return np.fromiter(map(found.__contains__, values.to_numpy(dtype=object)), bool, len(values))
