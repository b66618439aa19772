"""Everything one integration of the settings file adds to the code location."""

import dagster as dg

from intune_pipeline.defs.graph.assets import graph_assets
from intune_pipeline.defs.graph.resources import graph_resource
from intune_pipeline.defs.graph.sensors import delta_sensor
from intune_pipeline.defs.jobs import dry_run_job, sync_job, sync_schedule
from intune_pipeline.defs.oomnitza.assets import oomnitza_assets
from intune_pipeline.defs.oomnitza.checks import oomnitza_checks
from intune_pipeline.defs.oomnitza.resources import oomnitza_resources
from intune_pipeline.settings import Integration
from intune_pipeline.settings_sync import AlertSettings


def integration_defs(integration: Integration, alerts: AlertSettings) -> dg.Definitions:
    """Its assets (a group of its own), checks, resources and sync job, all under its name."""
    name, mappings = integration.name, integration.all_mappings()
    resources = {f"{name}_graph": graph_resource(integration)}
    resources.update({f"{name}_{k}": v for k, v in oomnitza_resources(integration).items()})
    return dg.Definitions(
        assets=[
            *graph_assets(name, mappings, integration.filters, integration.role_rules()),
            *oomnitza_assets(name, mappings, integration.filters, integration.role_rules()),
        ],
        asset_checks=oomnitza_checks(name),
        jobs=[
            sync_job(name, integration.status, alerts.max_runtime_hours),
            dry_run_job(name),
        ],
        schedules=[sync_schedule(integration)],
        sensors=[delta_sensor(integration)] if integration.delta_sensor.enabled else [],
        resources=resources,
    )
