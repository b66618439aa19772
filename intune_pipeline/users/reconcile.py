"""Reconciliation: does Oomnitza now hold what the plan said it would? Pure pandas, no I/O."""

from collections.abc import Sequence

import pandas as pd

from intune_pipeline.users.plan import match_records
from intune_pipeline.users.plan_changes import comparable, unequal
from intune_pipeline.users.rows import among, in_columns, rows_where

DIFFERENCE_COLUMNS = ["user", "action", "field", "planned", "found"]


def differences(plan: pd.DataFrame, held: pd.DataFrame, sync_keys: Sequence[str]) -> pd.DataFrame:
    """Every planned create, update and deactivation that Oomnitza does not hold as planned."""
    sent = rows_where(plan, plan["action"].isin(["create", "update", "deactivate"]))
    keys = list(dict.fromkeys(["intune_user_id", *sync_keys]))
    found, _ = match_records(sent, held, keys)
    rows = [
        (user, action, "", "a record", "none")
        for user, action in sent.loc[found.isna(), ["user", "action"]].itertuples(index=False)
    ]
    there = rows_where(sent, found.notna())
    records = held.loc[found[found.notna()]]  # a frame of its own: relabelled without a copy
    records.index = there.index
    fields = [column for column in there.columns if column in held.columns]
    # One row per planned user and changed field, so each field's rows are found at once.
    named = there["changed_fields"].explode()
    creates = there["action"].eq("create")
    for field in fields:
        if field == "suspended":
            expected = there["action"].eq("deactivate").to_numpy()
            planned = pd.Series("True", index=there.index[expected], dtype="string")
        else:
            aimed = creates | there.index.isin(named.index[named.eq(field).to_numpy(dtype=bool)])
            # What Oomnitza holds exactly as planned needs no closer look.
            expected = aimed.to_numpy() & unequal(there[field], records[field])
            planned = comparable(there[field][expected])
        now = comparable(records[field][expected])
        wrong = planned.notna() & (planned != now).fillna(True)
        for label in wrong.index[wrong.to_numpy(dtype=bool)]:
            rows.append(
                (
                    there.at[label, "user"],
                    there.at[label, "action"],
                    field,
                    planned[label],
                    now[label],
                )
            )
    return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS).fillna("blank")


def touched(held: pd.DataFrame, plan: pd.DataFrame, since: int | None) -> pd.DataFrame:
    """The records that can hold a planned change: those the plan aimed at, and those changed
    since the read before the load (Unix seconds; a create, or a record Oomnitza matched on its
    own). Matching against these alone spares folding every key of a large instance."""
    if since is None:
        return held
    aimed = among(held["user_id"], plan["oomnitza_user_id"].dropna())
    changed = (pd.to_numeric(held["change_date"], errors="coerce") >= since).to_numpy()
    return rows_where(held, aimed | changed)


def touched_since(earlier: pd.DataFrame, changed: pd.DataFrame, plan: pd.DataFrame) -> pd.DataFrame:
    """touched, from the read before the load and the records changed since: those the plan
    aimed at that did not change, and the changed ones; the whole frame is never made."""
    aimed = earlier[among(earlier["user_id"], plan["oomnitza_user_id"].dropna())]
    aimed = aimed[~aimed["user_id"].isin(changed["user_id"]).to_numpy()]
    changed = in_columns(changed, earlier.columns)
    if aimed.empty:  # as after a first load; stacked on nothing, every column became object
        return changed
    return pd.concat([aimed, changed], ignore_index=True)
