"""Frame-level invariants of the Oomnitza user frame, checked before anything is loaded."""

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import latest_metadata
from intune_pipeline.defs.oomnitza.ledger import last_full_read


def oomnitza_checks(name: str) -> list[dg.AssetChecksDefinition]:
    """Checks of the integration called name's Oomnitza user frame."""
    frame = dg.AssetKey([name, "oomnitza_users"])
    settings_key = f"{name}_integration"

    def latest(context, asset: str) -> dict:
        return latest_metadata(context.instance, dg.AssetKey([name, asset]))

    @dg.asset_check(
        asset=frame,
        description="Every sync-key value names one user only.",
        required_resource_keys={settings_key},
    )
    def sync_keys_unique(
        context: dg.AssetCheckExecutionContext, oomnitza_users: pd.DataFrame
    ) -> dg.AssetCheckResult:
        """Shared addresses are common in real tenants; the users who share one are skipped."""
        sync_key = getattr(context.resources, settings_key).sync_key
        keys = oomnitza_users[sync_key].str.casefold()
        duplicates = sorted(keys[keys.duplicated(keep=False)].unique())
        skips = latest(context, "oomnitza_users").get("skips")
        colliding = [
            row.data["userPrincipalName"]
            for row in (skips.records if skips else [])
            if "is shared by" in row.data["reason"]
        ]
        return dg.AssetCheckResult(
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

    @dg.asset_check(
        asset=frame,
        blocking=True,
        description="The share of rejected users is under the threshold; above it the load waits.",
        required_resource_keys={settings_key},
    )
    def rejected_share_under_threshold(
        context: dg.AssetCheckExecutionContext,
    ) -> dg.AssetCheckResult:
        """A sudden flood of rejections points at a broken source; loading it would help nobody."""
        raw = latest(context, "graph_users_raw")
        read = raw.get("dagster/row_count", 0)
        rejected = sum(
            latest(context, asset).get("rejected", 0) for asset in ("graph_users", "oomnitza_users")
        )
        # A delta read holds a handful of changed users: measure against the whole tenant.
        if raw.get("read") == "delta":
            read = max(read, last_full_read(context.instance, name) or 0)
        share = rejected / read if read else 0.0
        limit = getattr(context.resources, settings_key).max_rejected_share
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
            passed=passed,
            metadata={"read": read, "rejected": rejected, "share": share, "limit": limit},
            description=description,
        )

    return [sync_keys_unique, rejected_share_under_threshold]
