"""Everything one integration of the settings file adds to the code location."""

import dagster as dg

from intune_pipeline.defs.graph.assets import graph_assets
from intune_pipeline.defs.graph.resources import graph_resource
from intune_pipeline.defs.graph.sensors import delta_sensor
from intune_pipeline.defs.jobs import dry_run_job, sync_job, sync_schedule
from intune_pipeline.defs.oomnitza.assets import oomnitza_assets
from intune_pipeline.defs.oomnitza.holdings import holdings_asset
from intune_pipeline.defs.oomnitza.plan import plan_asset
from intune_pipeline.defs.oomnitza.reconciliation import reconciliation_check
from intune_pipeline.defs.oomnitza.resources import oomnitza_resources
from intune_pipeline.defs.oomnitza.saas import saas_asset
from intune_pipeline.settings import Integration
from intune_pipeline.settings_sync import AlertSettings


def integration_defs(integration: Integration, alerts: AlertSettings) -> dg.Definitions:
    """Its assets (a group of its own), checks, resources and sync job, all under its name."""
    name, mappings = integration.name, integration.all_mappings()
    rules, role_rules = integration.filters, integration.role_rules()
    # What Oomnitza holds is read for the fields this integration writes, and no others.
    fields = [*(mapping.target for mapping in mappings), "role"]
    resources = {f"{name}_graph": graph_resource(integration)}
    resources.update({f"{name}_{k}": v for k, v in oomnitza_resources(integration).items()})
    return dg.Definitions(
        assets=[
            *graph_assets(name, mappings, rules, role_rules, integration.deactivation.enabled),
            *oomnitza_assets(name, mappings, rules, role_rules),
            holdings_asset(name, fields),
            plan_asset(name, frozenset(m.target for m in mappings if m.clear_when_blank)),
            *(
                [saas_asset(name, fields)]
                if integration.record_types == "user_and_saas_user"
                else []
            ),
        ],
        asset_checks=[reconciliation_check(name, fields)],
        jobs=[
            sync_job(name, integration.status, alerts.max_runtime_hours),
            dry_run_job(name),
        ],
        schedules=[sync_schedule(integration)],
        sensors=[delta_sensor(integration)] if integration.delta_sensor.enabled else [],
        resources=resources,
    )
