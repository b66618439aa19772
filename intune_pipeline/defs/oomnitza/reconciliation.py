"""After the load: read Oomnitza back and compare it with the plan."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import table
from intune_pipeline.defs.oomnitza.holdings import holdings_after_load, holdings_metadata
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings
from intune_pipeline.oomnitza.holdings import AS_OF
from intune_pipeline.users.reconcile import differences, touched, touched_since


def reconciliation_check(name: str, fields: Sequence[str]) -> dg.AssetChecksDefinition:
    settings_key = f"{name}_integration"
    before = dg.AssetIn(key=dg.AssetKey([name, "oomnitza_users_current"]))

    @dg.asset_check(
        asset=dg.AssetKey([name, "oomnitza_load"]),
        additional_ins={
            "plan": dg.AssetIn(key=dg.AssetKey([name, "oomnitza_sync_plan"])),
            "before": before,
        },
        description="Oomnitza holds every planned create, update and deactivation as planned.",
        required_resource_keys={f"{name}_oomnitza", settings_key},
    )
    def planned_changes_applied(
        context: dg.AssetCheckExecutionContext, plan: pd.DataFrame, before: pd.DataFrame
    ) -> dg.AssetCheckResult:
        """A run log can say "added" for a record Oomnitza lost; only a read-back can tell.
        What changed since the read before the load is read back, and kept for the next run."""
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        checked = int(plan["action"].isin(["create", "update", "deactivate"]).sum())
        holdings = holdings_after_load(context, name, fields, before)
        if holdings.how == "changes":
            records = touched_since(holdings.earlier, holdings.records, plan)
        else:
            records = touched(holdings.users, plan, before.attrs.get(AS_OF))
        found = differences(plan, records, integration.sync_keys)
        users = found["user"].nunique()
        return dg.AssetCheckResult(
            passed=found.empty,
            metadata={
                "checked": checked,
                "differing_users": users,
                "differences": table(found),
                **holdings_metadata(holdings),
            },
            description=(
                f"All {checked} planned changes are in Oomnitza."
                if found.empty
                else f"{users} of {checked} planned users differ in Oomnitza: "
                + "; ".join(f"{r.user} {r.field or 'record'}" for r in found.head(10).itertuples())
            ),
        )

    return planned_changes_applied
