"""Plan rows for leavers: held records to suspend, or to leave as an administrator set them."""

from collections.abc import Collection

import numpy as np
import pandas as pd

from intune_pipeline.users.plan_keys import SUSPENDED, folded, holding, key_set


def departures(
    leavers: pd.DataFrame, held: pd.DataFrame, suspended_by_sync: Collection[str]
) -> pd.DataFrame:
    """Held, active records of users who left Entra: to be suspended, unless reactivated by hand."""
    if leavers.empty or held.empty or "intune_user_id" not in held:
        return pd.DataFrame()
    at = np.flatnonzero(holding(held["intune_user_id"], key_set(leavers["graph_id"])))
    by_id = pd.Series(held.index[at], index=folded(held["intune_user_id"].iloc[at]).values)
    by_id = by_id[~by_id.index.duplicated()]
    labels = folded(leavers["graph_id"]).map(by_id)
    known = labels.notna()
    gone, records = leavers[known], held.loc[labels[known]]
    active = ~records[SUSPENDED].eq(True).values
    gone, records = gone[active], records[active]
    plan = records.drop(columns=[SUSPENDED]).assign(
        action="deactivate",
        reason=gone["reason"].values,
        user=records["username"].values,
        graph_id=gone["graph_id"].values,
        oomnitza_user_id=records["user_id"].values,
        matched_by="intune_user_id",
        changes="suspended: False → True",
    )
    plan["changed_fields"] = pd.Series([[SUSPENDED]] * len(plan), index=plan.index, dtype=object)
    again = folded(plan["graph_id"]).isin({str(i).casefold() for i in suspended_by_sync})
    plan.loc[again, ["action", "reason", "changes"]] = [
        "skip",
        "reactivated in Oomnitza after the sync suspended it; left as the administrator set it",
        "",
    ]
    return plan.drop(columns=["user_id", "uid"], errors="ignore")


def unheld_leavers(
    desired: pd.DataFrame, held: pd.DataFrame, leavers: pd.DataFrame
) -> pd.DataFrame:
    """Leavers Graph still lists (disabled) that Oomnitza has no record of: never created."""
    if desired.empty:  # most runs
        return pd.DataFrame()
    keys = folded(desired["intune_user_id"])
    ids = set()
    if "intune_user_id" in held:
        at = holding(held["intune_user_id"], set(keys.dropna().to_numpy(dtype=object)))
        ids = key_set(held["intune_user_id"][at])
    new = desired[~keys.isin(ids).to_numpy(dtype=bool)]
    if new.empty:
        return pd.DataFrame()
    why = pd.Series(leavers["reason"].values, index=folded(leavers["graph_id"]).values)
    why = why[~why.index.duplicated()]
    reasons = folded(new["intune_user_id"]).map(why).fillna("left Entra")
    return pd.DataFrame(
        {
            "action": "skip",
            "reason": (reasons + "; not created").values,
            "user": new["username"].values,
            "graph_id": new["intune_user_id"].values,
        }
    )
