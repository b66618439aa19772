"""Pandera checks for text columns that work on any object column, even an all-empty one.

Pandera's built-in `str_*` checks use pandas' `.str` accessor, which fails on a column whose
values are all missing; these never do, and a non-text value is left to the dtype check.
"""

import pandas as pd
from pandera import extensions

CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"


@extensions.register_check_method(statistics=["pattern"])
def text_format(series: pd.Series, *, pattern: str) -> pd.Series:
    return series.astype(str).str.fullmatch(pattern)


@extensions.register_check_method(statistics=["max_length"])
def text_length(series: pd.Series, *, max_length: int) -> pd.Series:
    return series.astype(str).str.len() <= max_length


@extensions.register_check_method()
def printable(series: pd.Series) -> pd.Series:
    return ~series.astype(str).str.contains(CONTROL_CHARACTERS, regex=True)


@extensions.register_check_method()
def lower_case(series: pd.Series) -> pd.Series:
    texts = series.astype(str)
    return texts == texts.str.lower()


@extensions.register_check_method(check_type="element_wise")
def list_of_text(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
