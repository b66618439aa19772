"""How the plan compares sync-key values, and the field it suspends users with."""

from collections.abc import Iterator, Set

import numpy as np
import pandas as pd

from intune_pipeline.kinds import all_of

SUSPENDED = "suspended"
PART = 10_000  # keys asked at once whether they need folding


def folded(values: pd.Series) -> pd.Series:
    """Keys as Oomnitza compares them: case-blind, blank as missing."""
    array = values.to_numpy(dtype=object)
    keys = np.empty(len(array), dtype=object)
    for start, part in folded_parts(array):
        keys[start : start + PART] = part
    return pd.Series(keys, index=values.index, dtype="string")


def key_set(values: pd.Series) -> set[str]:
    """The distinct keys of values, missing ones left out."""
    return set(folded(values).dropna().to_numpy(dtype=object))


def holding(values: pd.Series, wanted: Set[str]) -> np.ndarray:
    """Where values' keys are among wanted (folded keys), without making every key: a daily
    run wants a few thousand of a million, and folding a million keys into a column of text and
    asking it took 0.4 s."""
    found = np.zeros(len(values), dtype=bool)
    for start, part in folded_parts(values.to_numpy(dtype=object)):
        found[start : start + PART] = list(map(wanted.__contains__, part))
    return found


def folded_parts(array: np.ndarray) -> Iterator[tuple[int, np.ndarray | list]]:
    """Where each part of array starts, and its keys (missing as None in a part that needed
    folding). A part at a time, so that a key that needs folding costs only its part the slow
    way; a part that needs none is itself."""
    for start in range(0, len(array), PART):
        part = array[start : start + PART]
        # Nearly every part is text alone: asked first, it spares finding the missing values.
        if already_folded(part):
            yield start, part
            continue
        missing = pd.isna(part)
        if missing.any() and already_folded(part[~missing]):
            yield start, part
            continue
        # Text (nearly every key) in one pass: pandas' string methods took twice as long.
        keys = [
            (value.strip().casefold() or None) if value.__class__ is str else other_key(value)
            for value in part
        ]
        yield start, keys


def already_folded(values: np.ndarray) -> bool:
    """Whether every value is text that folding leaves as it is: none blank, none with
    whitespace (so none to strip), none that casefold changes, as the keys of the mapped users
    and of the records the sync wrote are (lower-case addresses, Graph's ids). Asked of all the
    values joined by NUL, in C: folding a million keys one by one took 0.4 s. A value holding
    NUL itself can only make the answer no."""
    if not len(values) or not all_of(values, str):
        return False
    joined = "\x00".join(values.tolist())
    blank = not joined or "\x00\x00" in joined or joined[0] == "\x00" or joined[-1] == "\x00"
    words = joined.split(maxsplit=1)  # split's whitespace is strip's
    spaced = not words or len(words[0]) != len(joined)
    return not blank and not spaced and joined == joined.casefold()


def other_key(value) -> str | None:
    """A key that is not text (a number read from JSON) as its text, or None when missing."""
    if value is None or value is pd.NA or value != value:  # NaN is unequal to itself
        return None
    return str(value).strip().casefold() or None
