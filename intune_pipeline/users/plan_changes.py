"""Which fields of a matched user change in Oomnitza, and how to show it (old → new)."""

from collections.abc import Collection, Sequence
from itertools import chain

import numpy as np
import pandas as pd


def comparable(values: pd.Series) -> pd.Series:
    """Values as text, so 25 and 25.0 (a role read back from JSON) compare equal; blank is NA."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        values = values.astype("Int64")
    text = values.astype("string")
    missing = text.isna().to_numpy()
    present = text.to_numpy(dtype=object)[~missing].tolist()
    filled = ~missing
    # Most columns hold no blank text: all() and isspace() over the whole column, in C, say so.
    if not all(present) or any(map(str.isspace, present)):
        filled[~missing] = [not value.isspace() and value != "" for value in present]
    return text.where(pd.Series(filled, index=text.index))


def unequal(ours: pd.Series, theirs: pd.Series) -> np.ndarray:
    """Where two aligned columns do not hold the same value (missing counts as the same): asked
    of whole columns in C, so that only these few need comparable's text. Equal as they are
    means equal as comparable text too."""
    left, right = objects(ours), objects(theirs)
    try:
        differs = left != right
    except TypeError:  # pd.NA in an object column, which answers NA rather than True or False
        left, right = (s.to_numpy(dtype=object, na_value=None) for s in (ours, theirs))
        differs = left != right
    # NaN differs from itself and from None: missing on both sides is the same. Looking only
    # at the values that differ spares finding the missing ones of every column.
    differs[differs] = ~(pd.isna(left[differs]) & pd.isna(right[differs]))
    return differs


def objects(values: pd.Series) -> np.ndarray:
    """The values as Python objects; an extension column's NA as None, which compares (finding
    the missing values of every column is slow, so other columns are taken as they are)."""
    if isinstance(values.dtype, np.dtype):
        return values.to_numpy(dtype=object)
    return values.to_numpy(dtype=object, na_value=None)


def changed_fields(
    desired: pd.DataFrame,
    held: pd.DataFrame,
    fields: Sequence[str],
    clear_when_blank: Collection[str] = (),
) -> pd.Series:
    """For each row (desired and held share an index), the fields whose value changes.

    A blank desired value changes nothing, unless its field may be cleared.
    """
    masks = {}
    for field in fields:
        masks[field] = differs = unequal(desired[field], held[field])
        new, old = comparable(desired[field][differs]), comparable(held[field][differs])
        changes = new.notna() & (old.isna() | (new != old).fillna(True))
        if field in clear_when_blank:
            changes |= new.isna() & old.notna()
        differs[differs] = changes.fillna(False).to_numpy(dtype=bool)
    frame = pd.DataFrame(masks, index=desired.index)
    changed = pd.Series([[]] * len(frame), index=frame.index, dtype=object)
    hits = frame[frame.any(axis=1)] if len(frame.columns) else frame.iloc[0:0]
    names = list(frame.columns)
    changed.loc[hits.index] = pd.Series(
        [[name for name, hit in zip(names, row, strict=True) if hit] for row in hits.values],
        index=hits.index,
        dtype=object,
    )
    return changed


def shown(value) -> str:
    """A value as the plan shows it: 25, not np.float64(25.0) as a role read back with a blank
    beside it is held; text quoted."""
    if value is None or pd.isna(value):
        return "blank"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value)


def describe_changes(desired: pd.DataFrame, held: pd.DataFrame, changed: pd.Series) -> pd.Series:
    """'position: 'Engineer' → 'Lead'; role: 25 → 30' for each row that changes."""
    text = pd.Series("", index=changed.index, dtype=object)
    rows = changed[changed.map(len) > 0]
    if rows.empty:
        return text
    # The changing rows' values taken field by field: looking each one up was most of the plan
    # of a large daily run.
    names = list(dict.fromkeys(chain.from_iterable(rows)))
    old, new = (
        {name: dict(zip(rows.index, frame.loc[rows.index, name], strict=True)) for name in names}
        for frame in (held, desired)
    )

    def change(label, name) -> str:
        return f"{name}: {shown(old[name][label])} → {shown(new[name][label])}"

    text.loc[rows.index] = [
        "; ".join(change(label, name) for name in fields) for label, fields in rows.items()
    ]
    return text
