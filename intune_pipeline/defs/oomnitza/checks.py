"""Frame-level invariants of the Oomnitza user frame, checked before anything is loaded.

They are checks of the oomnitza_users asset evaluated in its own step (check specs), from the
values the step has at hand: as checks of their own, each was a step reading the asset's
metadata back from the event log: 0.05-0.1 s of every run with the plan's guards.
"""

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import latest_metadata
from intune_pipeline.defs.oomnitza.ledger import last_full_read

SYNC_KEYS_UNIQUE = "sync_keys_unique"
REJECTED_SHARE = "rejected_share_under_threshold"


def oomnitza_check_specs(name: str) -> list[dg.AssetCheckSpec]:
    """The checks of the integration called name's Oomnitza user frame."""
    frame = dg.AssetKey([name, "oomnitza_users"])
    return [
        dg.AssetCheckSpec(
            SYNC_KEYS_UNIQUE, asset=frame, description="Every sync-key value names one user only."
        ),
        dg.AssetCheckSpec(
            REJECTED_SHARE,
            asset=frame,
            blocking=True,
            description="The share of rejected users is under the threshold; above it the load "
            "waits.",
        ),
    ]


def sync_keys_unique(
    users: pd.DataFrame, sync_key: str, skipped: pd.DataFrame
) -> dg.AssetCheckResult:
    """Shared addresses are common in real tenants; the users who share one are skipped."""
    keys = users[sync_key].str.casefold()
    duplicates = sorted(keys[keys.duplicated(keep=False)].unique())
    colliding = skipped.loc[skipped["reason"].str.contains("is shared by"), "userPrincipalName"]
    return dg.AssetCheckResult(
        check_name=SYNC_KEYS_UNIQUE,
        passed=not duplicates,
        metadata={
            "duplicate_keys": len(duplicates),
            "colliding_users_skipped": len(colliding),
            "colliding": dg.MetadataValue.md(", ".join(colliding[:200]) or "none"),
        },
        description=(
            f"{sync_key} values shared by several users: {', '.join(duplicates[:20])}"
            if duplicates
            else f"Every {sync_key} is unique; {len(colliding)} users sharing one were skipped."
        ),
    )


def rejected_share(
    instance: dg.DagsterInstance, name: str, rejected_here: int, limit: float
) -> dg.AssetCheckResult:
    """A sudden flood of rejections points at a broken source; loading it would help nobody.

    rejected_here are the users the Oomnitza user frame rejected; the Graph side's come from
    this run's graph_users and graph_users_raw."""
    raw = latest_metadata(instance, dg.AssetKey([name, "graph_users_raw"]))
    graph = latest_metadata(instance, dg.AssetKey([name, "graph_users"]))
    read = raw.get("dagster/row_count", 0)
    rejected = graph.get("rejected", 0) + rejected_here
    # A delta read holds a handful of changed users: measure against the whole tenant.
    if raw.get("read") == "delta":
        read = max(read, last_full_read(instance, name) or 0)
    share = rejected / read if read else 0.0
    passed = share <= limit
    verdict = "within" if passed else "above"
    description = (
        f"{rejected} of {read} users rejected ({share:.1%}), {verdict} the {limit:.0%} limit."
    )
    if not passed:
        description += (
            " The load is blocked. Read the 'rejections' metadata of graph_users and "
            "oomnitza_users, fix the users in Entra, or raise guards.rejected_share in the "
            "settings file."
        )
    return dg.AssetCheckResult(
        check_name=REJECTED_SHARE,
        passed=passed,
        metadata={"read": read, "rejected": rejected, "share": share, "limit": limit},
        description=description,
    )
