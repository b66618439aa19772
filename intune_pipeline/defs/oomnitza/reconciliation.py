"""After the load: read Oomnitza back and compare it with the plan."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import table
from intune_pipeline.defs.oomnitza.holdings import held_users
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings, OomnitzaResource
from intune_pipeline.users.reconcile import differences


def reconciliation_check(name: str, fields: Sequence[str]) -> dg.AssetChecksDefinition:
    oomnitza_key, settings_key = f"{name}_oomnitza", f"{name}_integration"

    @dg.asset_check(
        asset=dg.AssetKey([name, "oomnitza_load"]),
        additional_ins={"plan": dg.AssetIn(key=dg.AssetKey([name, "oomnitza_sync_plan"]))},
        description="Oomnitza holds every planned create, update and deactivation as planned.",
        required_resource_keys={oomnitza_key, settings_key},
    )
    def planned_changes_applied(
        context: dg.AssetCheckExecutionContext, plan: pd.DataFrame
    ) -> dg.AssetCheckResult:
        """A run log can say "added" for a record Oomnitza lost; only a read-back can tell."""
        oomnitza: OomnitzaResource = getattr(context.resources, oomnitza_key)
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        with oomnitza.client() as client:
            held = held_users(client, fields, integration.intune_field())
        found = differences(plan, held, integration.sync_keys)
        checked = int(plan["action"].isin(["create", "update", "deactivate"]).sum())
        users = found["user"].nunique()
        return dg.AssetCheckResult(
            passed=found.empty,
            metadata={"checked": checked, "differing_users": users, "differences": table(found)},
            description=(
                f"All {checked} planned changes are in Oomnitza."
                if found.empty
                else f"{users} of {checked} planned users differ in Oomnitza: "
                + "; ".join(f"{r.user} {r.field or 'record'}" for r in found.head(10).itertuples())
            ),
        )

    return planned_changes_applied
