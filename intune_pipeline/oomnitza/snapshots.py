"""Oomnitza's users written to a file: a full read once, then only the records changed since.

A million users pickle in 0.5 s, and a daily run wrote them twice (the read before the load,
for the steps after it, and the read-back, for the next run), where the records changed that
day are a hundredth of them. Oomnitza stamps every record it creates or changes with
change_date, so a frame brought up to date from a full read (its base) differs from the base
only in records whose change_date is at or after the moment the base's read began. Such a frame
is written as a link to the base's file and those records; reading it back puts them in place.

A base's file is never rewritten: each file written beside it holds its own hard link to it
(`<file>.<token>.base`), so the file system keeps a base as long as something refers to it,
and a frame in memory can name its base by a path that stays valid.
"""

import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from intune_pipeline import pickles
from intune_pipeline.oomnitza.holdings import AS_OF, BASE, Holdings, updated

# Past this share of the frame, the changes are written as a new base: the next read applies
# fewer of them, and one full write now and then is a day's cost, not every day's.
NEW_BASE_SHARE = 0.25


def write(users: pd.DataFrame, path: Path) -> None:
    """users to path: as their base and the records changed since, when that is the smaller;
    else in full, as a new base (recorded in users' attrs, so frames made from it use it)."""
    changed = changed_since_base(users)
    if changed is not None and changed.sum() <= NEW_BASE_SHARE * len(users):
        write_changes(users.attrs, users[changed], path)
    else:
        write_base(users, path)


def keep(holdings: Holdings, path: Path) -> None:
    """holdings to path as write writes their users; when they were brought up to date from a
    read with a base, without making their whole frame: that read's changes since the base, and
    the records read since it."""
    earlier, records = holdings.earlier, holdings.records
    # A full sync's read-back is mostly changes: the users in full it will be, without more ado.
    if holdings.how == "changes" and len(records) <= NEW_BASE_SHARE * len(earlier):
        changed = changed_since_base(earlier)
        if changed is not None:
            since, records = earlier[changed], records[earlier.columns]
            since = since[~since["user_id"].isin(records["user_id"]).to_numpy()]
            # Not stacked on an empty read, whose columns are all objects (suspended would be);
            # in uid order, so the records new to the base are appended in order, unsorted.
            parts = [part for part in (since, records) if len(part)] or [since]
            changes = pd.concat(parts, ignore_index=True).sort_values("uid")
            if len(changes) <= NEW_BASE_SHARE * len(earlier):
                write_changes(holdings.attrs, changes, path)
                return
    write(holdings.users, path)


def write_base(users: pd.DataFrame, path: Path) -> None:
    """users in full beside path, as a new base, and path as that base with no changes."""
    base = path.with_name(f"{path.name}.{uuid.uuid4().hex}.base")
    users.attrs[BASE] = {"path": str(base), "as_of": users.attrs.get(AS_OF)}
    pickles.write(pickles.deduplicated(users), base)  # read by every run after, written once
    write_changes(users.attrs, users.iloc[0:0], path)


def write_changes(attrs: dict, changes: pd.DataFrame, path: Path) -> None:
    """path as the base attrs name, linked beside it, with changes in place."""
    base = link(Path(attrs[BASE]["path"]), path)
    pickles.write(
        Brought(str(base), changes, {**attrs, BASE: {**attrs[BASE], "path": str(base)}}), path
    )
    for other in path.parent.glob(f"{path.name}.*.base"):
        if other != base:
            other.unlink(missing_ok=True)


def changed_since_base(users: pd.DataFrame) -> np.ndarray | None:
    """Which records of users changed since its base's read began; None when users has no base
    on disk, or a change_date that is not Unix seconds (the changes could not be told)."""
    base = users.attrs.get(BASE)
    if not base or base.get("as_of") is None or not Path(base["path"]).exists():
        return None
    dates = users["change_date"]
    if dates.dtype.kind not in "iuf":
        return None
    return (dates >= base["as_of"]).to_numpy()


def link(base: Path, path: Path) -> Path:
    """base's hard link beside path, with base's token: made once, then kept."""
    token = base.name.rsplit(".", 2)[-2]
    beside = path.with_name(f"{path.name}.{token}.base")
    if not beside.exists():
        partial = beside.with_name(beside.name + ".partial")
        partial.unlink(missing_ok=True)
        os.link(base, partial)
        partial.replace(beside)
    return beside


class Brought:
    """What write writes for a frame that has a base: unpickled, it is the frame itself."""

    def __init__(self, base: str, changes: pd.DataFrame, attrs: dict):
        self.base, self.changes, self.attrs = base, changes, attrs

    def __reduce__(self):
        return rebuilt, (self.base, self.changes, self.attrs)


def rebuilt(base: str, changes: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    """The base's users with changes in place, and the frame's own attrs."""
    try:
        users = pickles.read(Path(base))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"Oomnitza's users were written as changes to {base}, which is gone: read "
            "Oomnitza again (materialize oomnitza_users_current)"
        ) from None
    if len(changes):
        users = updated(users, changes, in_place=True)  # just read: no one else's
    users.attrs = dict(attrs)
    return users


def load_snapshot(path: Path) -> pd.DataFrame | None:
    """The users a sync kept after its load, if any (none when their base is gone)."""
    try:
        return pickles.read(path)
    except FileNotFoundError:
        return None
