"""One question asked of a whole column of Python values at once, in C rather than per value."""

import numpy as np
from pandas.api.types import infer_dtype


def all_of(values, *kinds: type) -> bool:
    """Whether every value is exactly of one of kinds (a subclass is not; but text in an array
    may be of a subclass of str, which no parsed JSON or unpickled frame holds)."""
    if kinds == (str,) and isinstance(values, np.ndarray) and values.dtype == object:
        # pandas' own scan of a column: four times as quick as the set of types below.
        return not len(values) or infer_dtype(values, skipna=False) == "string"
    return set(map(type, values)) <= set(kinds)
