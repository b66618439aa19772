"""Pandera checks for text columns that work on any object column, even an all-empty one.

Pandera's built-in `str_*` checks use pandas' `.str` accessor, which fails on a column whose
values are all missing; these never do, and a non-text value is left to the dtype check.
"""

import re

import pandas as pd
from pandera import extensions

CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)

# Each check runs on every value of every text column: plain loops over the values, each as
# pandas' astype(str) gives it, cost a fraction of the .str accessor's per-value overhead.


def texts(series: pd.Series) -> list[str]:
    return [v if v.__class__ is str else str(v) for v in series.to_numpy(dtype=object)]


def flags(series: pd.Series, values) -> pd.Series:
    return pd.Series(values, index=series.index, dtype=bool)


@extensions.register_check_method(statistics=["pattern"])
def text_format(series: pd.Series, *, pattern: str) -> pd.Series:
    fullmatch = re.compile(pattern).fullmatch
    return flags(series, [fullmatch(text) is not None for text in texts(series)])


@extensions.register_check_method(statistics=["max_length"])
def text_length(series: pd.Series, *, max_length: int) -> pd.Series:
    return flags(series, [len(text) <= max_length for text in texts(series)])


@extensions.register_check_method()
def printable(series: pd.Series) -> pd.Series:
    values = texts(series)
    # One search of all values joined by a space (printable) clears a clean column at once.
    if _CONTROL.search(" ".join(values)) is None:
        return flags(series, [True] * len(values))
    return flags(series, [_CONTROL.search(text) is None for text in values])


@extensions.register_check_method()
def lower_case(series: pd.Series) -> pd.Series:
    return flags(series, [text == text.lower() for text in texts(series)])


@extensions.register_check_method()
def list_of_text(series: pd.Series) -> pd.Series:
    return flags(
        series,
        [
            isinstance(value, list) and all(isinstance(item, str) for item in value)
            for value in series.to_numpy(dtype=object)
        ],
    )
