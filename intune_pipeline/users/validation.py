"""Validating frames against their Pandera model: good rows go on, failing rows are quarantined."""

import math
import re
from collections.abc import Mapping, Sequence, Set
from itertools import repeat
from operator import is_

import numpy as np
import pandas as pd
import pandera.pandas as pa

from intune_pipeline.errors import PipelineError
from intune_pipeline.kinds import all_of
from intune_pipeline.users.checks import CONTROL_CHARACTERS, OWN_CHECKS
from intune_pipeline.users.rows import renumbered
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES, GraphUser

# Every quarantined row names the Graph user it came from, so a person can find it in Entra.
REJECTION_COLUMNS = ["id", "userPrincipalName", "field", "value", "reason"]

# Readable reasons for Pandera's check names (matched on the name's start).
REASONS = {
    "dtype": "is not {kind}",
    "text_format": "is not in the expected format",
    "text_length": "is too long",
    "field_uniqueness": "is shared with another user",
    "not_nullable": "is missing",
    "printable": "contains control characters",
    "list_of_text": "is not a list of text",
    "lower_case": "is not lower-case",
    "greater_than_or_equal_to": "is out of range",
}
FORMATS = {
    "id": "a GUID",
    "intune_user_id": "a GUID",
    "mail": "an e-mail address",
    "email": "an e-mail address",
    "userPrincipalName": "a name@domain",
}


def readable_reason(column: str, check: str) -> str:
    reason = next((text for name, text in REASONS.items() if check.startswith(name)), check)
    if reason == "is not in the expected format" and column in FORMATS:
        reason = f"is not {FORMATS[column]}"
    kind = "a whole number" if "int" in check else "text"
    return f"{column} {reason.format(kind=kind)}"


def shorten(value, limit: int = 80) -> str:
    """A failing value as a person can read it: control characters escaped, long text cut."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = value if isinstance(value, str) else repr(value)
    text = re.sub(CONTROL_CHARACTERS, lambda match: f"\\x{ord(match.group()):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def identifier(value) -> str | None:
    """A rejected user's id or name as shown: text as it is, anything else (a list, a number
    from a broken payload) as readable text, so it can be shown, compared and stored."""
    return value if value is None or isinstance(value, str) else (shorten(value) or None)


def suspects(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, passed: Mapping[str, Set[str]] | None = None
) -> np.ndarray:
    """Which rows may fail the schema: its column checks, run without Pandera's overhead (the
    project's own checks asked directly, by name).

    A superset of the failing rows. Validating only these gives Pandera's very failure cases
    for the whole frame: each check looks at one value at a time, but the uniqueness ones,
    which flag every holder of a shared value, so the holders are validated together. passed
    names, by column, the checks its values are known to pass already (see copied_checks), which
    are not asked again.
    """
    passed = passed or {}
    bad = np.zeros(len(frame), dtype=bool)
    for column in schema.columns.values():
        known = passed.get(column.name, set())
        checked = {check.name for check in column.checks}
        names = (
            [n for n in frame if re.match(column.name, str(n))] if column.regex else [column.name]
        )
        for values in (frame[name] for name in names if name in frame):
            missing = values.isna().to_numpy()
            # What Pandera gives checks that ignore missing values (the column itself if none).
            present = values[~missing] if missing.any() else values
            if not column.nullable:
                bad |= missing
            # Pandera's dtype check (text, or missing) asks what a dtype_text check asks.
            if str(column.dtype) == "str" and "dtype_text" not in checked:
                given = present.to_numpy()
                if not all_of(given, str):
                    text = map(isinstance, given, repeat(str))
                    bad[~missing] |= ~np.fromiter(text, dtype=bool, count=len(given))
            for check in (check for check in column.checks if check.name not in known):
                subject = present if check.ignore_na else values
                own = OWN_CHECKS.get(check.name)
                try:
                    output = (
                        own(subject, **check.statistics) if own else check(subject).check_output
                    )
                except Exception:  # Pandera reports it as the frame's failure: let it
                    return np.ones(len(frame), dtype=bool)
                failing = ~output.to_numpy(dtype=bool)
                if len(output) == len(values):
                    bad |= failing
                elif output.index.equals(present.index):  # present's rows, in their order
                    bad[~missing] |= failing
                else:
                    bad |= ~output.reindex(values.index, fill_value=True).to_numpy(dtype=bool)
    return bad


def split_valid(
    frame: pd.DataFrame,
    model: type[pa.DataFrameModel],
    identity: pd.DataFrame,
    passed: Mapping[str, Set[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows that pass the model, and one rejection per failing field of the rows that do not.

    `identity` holds the id and userPrincipalName of each row of `frame` (same index); passed
    the checks known to pass already, by column (see suspects).
    """
    try:
        model.validate(frame[suspects(frame, model.to_schema(), passed)], lazy=True)
        return frame, pd.DataFrame(columns=REJECTION_COLUMNS)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    whole_frame = cases[cases["index"].isna()]
    if not whole_frame.empty:
        first = whole_frame.iloc[0]
        raise PipelineError(
            f"The {model.__name__} frame does not have the expected shape: {first['check']} "
            f"failed for {first['column']}: {first['failure_case']}"
        )
    rows = cases["index"].astype(int).to_numpy()
    # Every failing row is dropped (each of a shared value's holders too), so what is left
    # passes: validating it again would only repeat the checks.
    return frame.drop(index=pd.unique(rows)), rejections_of(cases, identity)


def rejections_of(cases: pd.DataFrame, identity: pd.DataFrame) -> pd.DataFrame:
    """One rejection per failing field of a row, from Pandera's failure cases, in words."""
    rows = cases["index"].astype(int).to_numpy()
    return pd.DataFrame(
        {
            "id": [identifier(v) for v in identity.loc[rows, "id"]],
            "userPrincipalName": [identifier(v) for v in identity.loc[rows, "userPrincipalName"]],
            "field": cases["column"].to_numpy(),
            "value": [shorten(v) for v in cases["failure_case"]],
            "reason": [
                readable_reason(c, str(k))
                for c, k in zip(cases["column"], cases["check"], strict=True)
            ],
        }
    ).drop_duplicates(ignore_index=True)


def present_text(value):
    """Text stripped; blank text and missing values (None, NaN) as None; anything else as is."""
    if value.__class__ is str:
        return value.strip() or None
    if value is None or isinstance(value, list | tuple | dict):
        return value
    return None if pd.isna(value) else value


def tidy(raw: pd.DataFrame, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Graph's users as a frame of the model's columns and extra ones; blank text is missing."""
    columns = [*GRAPH_USER_PROPERTIES, *(c for c in extra if c not in GRAPH_USER_PROPERTIES)]
    frame = raw.reindex(columns=columns).astype(object, copy=False)  # reindex made it ours
    for column in columns:
        if column != "businessPhones" and not tidy_already(frame[column].to_numpy()):
            values = [
                (v.strip() or None) if v.__class__ is str else present_text(v)
                for v in frame[column].to_numpy()
            ]
            frame[column] = pd.Series(values, index=frame.index, dtype=object)
    phones = frame["businessPhones"]
    if not all_of(phones.to_numpy(), list):  # Graph gives a list, if an empty one
        frame["businessPhones"] = phones.map(
            lambda v: [] if v is None or (isinstance(v, float) and pd.isna(v)) else v
        )
    frame.index = pd.RangeIndex(len(frame))  # the frame is this function's own: no copy
    return frame


def tidy_already(values: np.ndarray) -> bool:
    """Text with nothing to strip, none of it blank, and None, as most of Graph's columns are:
    asked of the whole column in C, which is much quicker than value by value."""
    values = values.tolist()
    if not all_of(values, str, type(None)) or "" in values:
        return False
    texts = list(filter(None, values))
    return all(map(is_, map(str.strip, texts), texts))  # str.strip returns unchanged text itself


def validate_graph_users(
    raw: pd.DataFrame, extra: Sequence[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split raw Graph users into valid users and rejections; extra properties are kept."""
    frame = tidy(raw, extra)
    valid, rejections = split_valid(frame, GraphUser, frame)
    return renumbered(valid), rejections
