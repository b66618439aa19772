"""The sync plan: what each user needs in Oomnitza, matched on the sync keys, with reasons.

Every mapped user is classified as create, update (with its changes, old → new), unchanged or
skip (with the reason); leavers may be deactivated (suspended). Pure pandas, no I/O.
"""

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from intune_pipeline.users.plan_changes import changed_fields, describe_changes
from intune_pipeline.users.plan_departures import departures, unheld_leavers
from intune_pipeline.users.plan_keys import SUSPENDED, folded, holding

ACTIONS = ("create", "update", "unchanged", "skip", "deactivate")
PLAN_COLUMNS = ["action", "reason", "user", "graph_id", "oomnitza_user_id", "matched_by"]
PLAN_COLUMNS += ["changes", "changed_fields"]
CREATE_ONLY, UPDATE_ONLY = "create_only", "update_only"


def match_records(
    desired: pd.DataFrame, held: pd.DataFrame, sync_keys: Sequence[str]
) -> tuple[pd.Series, pd.Series]:
    """For each desired user, the label of the held record it updates, and the key that found it.

    The first key matches as Oomnitza does; the next ones find a record whose first key changed
    (a renamed user). A record is claimed once; where several hold a key, the oldest wins.
    """
    found = pd.Series(pd.NA, index=desired.index, dtype="object")
    found_by = pd.Series(pd.NA, index=desired.index, dtype="object")
    ordered = held
    # Oomnitza lists records in uid order, and the kept read stays so: sorting is rarely needed.
    if "uid" in held and not held["uid"].is_monotonic_increasing:
        ordered = held.sort_values("uid", kind="stable")
    claimed = np.zeros(len(ordered), dtype=bool)  # records that already serve a user
    for key in sync_keys:
        if key not in desired or key not in ordered:
            continue
        todo = found.isna()
        wanted = folded(desired.loc[todo, key]).dropna()
        if wanted.empty:  # as in a daily run, where the first key finds every user
            continue
        # Only holders of a wanted key: a daily run wants a few thousand of a million.
        at = np.flatnonzero(holding(ordered[key], set(wanted.to_numpy(dtype=object))) & ~claimed)
        holders = folded(ordered[key].iloc[at])
        holders = holders[~holders.duplicated()]
        label_of = pd.Series(holders.index, index=holders.values)
        hits = wanted.map(label_of).dropna()
        hits = hits[~hits.duplicated()]  # a record serves one user
        found.loc[hits.index] = hits.values
        found_by.loc[hits.index] = key
        claimed |= ordered.index.isin(hits.values)
    return found, found_by


def positions(index: pd.Index, labels: pd.Series) -> np.ndarray:
    """Where labels are in index. Labels held as objects would make pandas hash every label of
    a RangeIndex of a million records (0.07 s each time); as a list of integers, it counts."""
    return index.get_indexer(pd.Index(labels.to_list()))


def plan_sync(
    desired: pd.DataFrame,
    held: pd.DataFrame,
    *,
    sync_keys: Sequence[str],
    preference: str = "create_and_update",
    skipped: pd.DataFrame | None = None,
    leavers: pd.DataFrame | None = None,
    clear_when_blank: Collection[str] = (),
    suspended_by_sync: Collection[str] = (),
) -> pd.DataFrame:
    """The plan: one row per user, PLAN_COLUMNS then the field values to write.

    desired are the mapped Oomnitza users (intune_user_id holds the Graph user id); held are
    the records Oomnitza holds (user_id, uid, suspended and the managed fields). skipped are
    users rejected or skipped upstream (id, userPrincipalName, reason). leavers (graph_id,
    reason) are users deleted or disabled in Entra, given only when deactivation is on.
    A blank desired value never overwrites a held one unless its field is in clear_when_blank.
    suspended_by_sync are the Graph ids of users this sync suspended before: if such a record
    is active again, an administrator reactivated it, and it is left alone.
    """
    leavers = leavers if leavers is not None else pd.DataFrame(columns=["graph_id", "reason"])
    leaving = set(leavers["graph_id"].str.casefold())
    is_leaver = desired["intune_user_id"].str.casefold().isin(leaving)
    staying = desired[~is_leaver]
    found, found_by = match_records(staying, held, sync_keys)
    fields = [column for column in staying.columns if column in held.columns]
    matched = found.notna()
    at = positions(held.index, found[matched])
    record_ids = pd.Series(pd.NA, index=found.index, dtype="object")
    if len(at):
        record_ids[matched] = held["user_id"].to_numpy()[at]
    plan = staying.assign(
        graph_id=staying["intune_user_id"],
        user=staying["username"],
        oomnitza_user_id=record_ids,
        matched_by=found_by,
        reason="",
        action="create",
    )
    before = held.take(at).set_index(found[matched].index)
    changed = changed_fields(staying[matched], before, fields, clear_when_blank)
    plan.loc[matched, "action"] = changed.map(lambda names: "update" if names else "unchanged")
    plan["changes"] = ""
    plan.loc[matched, "changes"] = describe_changes(staying[matched], before, changed)
    plan["changed_fields"] = pd.Series([[]] * len(plan), index=plan.index, dtype=object)
    plan.loc[matched, "changed_fields"] = changed
    if len(held) and SUSPENDED in held:
        off = matched.copy()
        off[matched] = held[SUSPENDED].to_numpy()[at] == True  # noqa: E712 (True, not truthy)
        plan.loc[off, "reason"] = "suspended in Oomnitza; the sync never reactivates a user"
    if preference == CREATE_ONLY:
        plan.loc[plan["action"] == "update", ["action", "reason"]] = [
            "skip",
            '"Create only" excludes updates',
        ]
    if preference == UPDATE_ONLY:
        plan.loc[plan["action"] == "create", ["action", "reason"]] = [
            "skip",
            '"Update only" excludes creates',
        ]
    parts = [
        plan,
        upstream_skips(skipped),
        departures(leavers, held, suspended_by_sync),
        unheld_leavers(desired[is_leaver], held, leavers),
    ]
    if preference == CREATE_ONLY:
        parts[2] = parts[2].assign(action="skip", reason='"Create only" excludes deactivation')
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame(columns=[*PLAN_COLUMNS, *desired.columns])
    plan = stacked(parts)
    # reindex alone puts the plan's columns first (adding any a part lacked), in one copy.
    return plan.reindex(columns=[*PLAN_COLUMNS, *plan.columns.difference(PLAN_COLUMNS, sort=False)])


def stacked(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """pd.concat(parts, ignore_index=True), without its slow path for missing object columns.

    pandas tests an object column that holds only missing values value by value before stacking
    it: 0.25 s for the two a full sync's plan of 100,000 users has (nothing matched yet). Such a
    column is stacked as missing floats instead, where every part holding it holds objects, and
    is made an object column again.
    """
    kinds: dict[str, set] = {}
    for part in parts:
        for column, dtype in part.dtypes.items():
            kinds.setdefault(column, set()).add(dtype)
    objects = {column for column, dtypes in kinds.items() if dtypes == {np.dtype(object)}}
    blank = [
        [column for column in part.columns if column in objects and missing(part[column])]
        for part in parts
    ]
    with pd.option_context("mode.copy_on_write", True):  # assign copies no other column
        parts = [
            part.assign(**dict.fromkeys(columns, np.nan)) if columns else part
            for part, columns in zip(parts, blank, strict=True)
        ]
    stack = pd.concat(parts, ignore_index=True)
    for column in {column for columns in blank for column in columns}:
        if stack[column].dtype != object:  # blank in every part
            stack[column] = stack[column].astype(object)
    return stack


def missing(values: pd.Series) -> bool:
    """Whether values are all missing; the first value mostly tells without a pass over all."""
    if values.empty or not pd.api.types.is_scalar(first := values.iat[0]) or not pd.isna(first):
        return False
    return bool(values.isna().all())


def upstream_skips(skipped: pd.DataFrame | None) -> pd.DataFrame:
    """Users that never reached the plan's matching: rejected, or without a usable sync key."""
    if skipped is None or skipped.empty:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "action": "skip",
            "reason": skipped["reason"].values,
            "user": skipped["userPrincipalName"].values,
            "graph_id": skipped["id"].values,
        }
    )


def counts(plan: pd.DataFrame) -> dict[str, int]:
    """How many users each action covers, every action named."""
    found = plan["action"].value_counts()
    return {action: int(found.get(action, 0)) for action in ACTIONS}
