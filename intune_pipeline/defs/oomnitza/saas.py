"""Record type "User plus SaaS user": synced users assigned to the Intune SaaS application."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import table
from intune_pipeline.defs.oomnitza.holdings import read_holdings
from intune_pipeline.defs.oomnitza.ledger import suspended_by_sync
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings, OomnitzaResource
from intune_pipeline.oomnitza.saas import assigned_users, saas_application, set_assignments
from intune_pipeline.users.plan_keys import folded

PRESENT = ["create", "update", "unchanged"]


def saas_asset(name: str, fields: Sequence[str]) -> dg.AssetsDefinition:
    oomnitza_key, settings_key = f"{name}_oomnitza", f"{name}_integration"

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"api"},
        ins={
            "oomnitza_sync_plan": dg.AssetIn(key_prefix=[name]),
            "oomnitza_users_current": dg.AssetIn(key_prefix=[name]),
        },
        deps=[dg.AssetKey([name, "oomnitza_load"])],
        required_resource_keys={oomnitza_key, settings_key},
    )
    def oomnitza_saas_users(
        context: dg.AssetExecutionContext,
        oomnitza_sync_plan: pd.DataFrame,
        oomnitza_users_current: pd.DataFrame,
    ) -> dg.MaterializeResult:
        """Synced users assigned to the SaaS application record (made if missing); leavers
        unassigned when deactivation is on."""
        oomnitza: OomnitzaResource = getattr(context.resources, oomnitza_key)
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        plan = oomnitza_sync_plan
        # Oomnitza after the load; the reconciliation keeps its own read-back for the next run.
        held = read_holdings(context, name, fields, oomnitza_users_current).users
        with oomnitza.client() as client:
            application = saas_application(client, integration.saas_application)
            saas_id = application["saas_id"]
            ids = folded(held["intune_user_id"])
            present = set(folded(plan.loc[plan["action"].isin(PRESENT), "graph_id"]))
            synced = held.loc[ids.isin(present) & held["suspended"].ne(True), "user_id"]
            leavers: set = set()
            if integration.deactivation:
                gone = {str(i).casefold() for i in suspended_by_sync(context.instance, name)}
                gone |= set(folded(plan.loc[plan["action"] == "deactivate", "graph_id"]))
                leavers = set(held.loc[ids.isin(gone), "user_id"])
            assigned = assigned_users(client, saas_id)
            assign = sorted(set(synced) - set(assigned))
            unassign = sorted(leavers & set(assigned))
            outcome = set_assignments(client, saas_id, assign, unassign)
        for user_id, error in outcome.errors[:20]:
            context.log.warning(f"SaaS assignment of user {user_id} failed: {error}")
        errors = pd.DataFrame(outcome.errors, columns=["user_id", "error"])
        return dg.MaterializeResult(
            metadata={
                "application": f"{application.get('saas_name')} (saas_id {saas_id})",
                "synced_users": len(synced),
                "assigned": outcome.assigned,
                "unassigned": outcome.unassigned,
                "failed": len(errors),
                "errors": table(errors),
            }
        )

    return oomnitza_saas_users
