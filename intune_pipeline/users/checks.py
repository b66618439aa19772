"""Pandera checks for text columns that work on any object column, even an all-empty one.

Pandera's built-in `str_*` checks use pandas' `.str` accessor, which fails on a column whose
values are all missing; these never do, and a non-text value is left to the dtype check.
"""

import re
from collections.abc import Callable
from itertools import chain

import numpy as np
import pandas as pd
from pandera import extensions

from intune_pipeline.kinds import all_of

CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)

# Each check runs on every value of every text column. Most columns are clean, so each check
# first asks the whole column at once in C (max of the lengths, one search of the values
# joined), and only a column that fails that is looked at value by value.


# The project's checks by name, so that validation can ask them itself (validation.suspects):
# Pandera's call of a check first asks the whole column whether it holds a missing value, every
# time, even of a column it has just been given without them.
OWN_CHECKS: dict[str, Callable[..., pd.Series]] = {}


def check_method(statistics: tuple[str, ...] = ()):
    """Registers a check function with Pandera (Field(name=...)), and in OWN_CHECKS."""

    def register(check: Callable[..., pd.Series]) -> Callable[..., pd.Series]:
        OWN_CHECKS[check.__name__] = check
        extensions.register_check_method(statistics=list(statistics))(check)
        return check

    return register


def texts(series: pd.Series) -> list[str]:
    """The values as pandas' astype(str) gives them."""
    values = series.to_numpy(dtype=object)
    if all_of(values, str):
        return values.tolist()
    return [v if v.__class__ is str else str(v) for v in values]


def flags(series: pd.Series, values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=bool), index=series.index)


def every(series: pd.Series) -> pd.Series:
    return pd.Series(np.ones(len(series), dtype=bool), index=series.index)


@check_method(statistics=("pattern",))
def text_format(series: pd.Series, *, pattern: str) -> pd.Series:
    fullmatch = re.compile(pattern).fullmatch
    return flags(series, [fullmatch(text) is not None for text in texts(series)])


@check_method(statistics=("max_length",))
def text_length(series: pd.Series, *, max_length: int) -> pd.Series:
    lengths = list(map(len, texts(series)))
    if max(lengths, default=0) <= max_length:
        return every(series)
    return flags(series, np.array(lengths) <= max_length)


@check_method()
def printable(series: pd.Series) -> pd.Series:
    values = texts(series)
    # All values joined by a space (printable) clear a clean column at once: printable text has
    # no control characters (isprintable is the quicker question; a search settles the rest).
    joined = " ".join(values)
    if joined.isprintable() or _CONTROL.search(joined) is None:
        return every(series)
    return flags(series, [_CONTROL.search(text) is None for text in values])


@check_method()
def lower_case(series: pd.Series) -> pd.Series:
    return flags(series, [text == text.lower() for text in texts(series)])


@check_method()
def list_of_text(series: pd.Series) -> pd.Series:
    values = series.to_numpy(dtype=object)
    if all_of(values, list) and all_of(chain.from_iterable(values), str):
        return every(series)
    return flags(
        series,
        [
            isinstance(value, list) and all(isinstance(item, str) for item in value)
            for value in values
        ],
    )
