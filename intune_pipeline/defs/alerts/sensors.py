"""The alert sensors of the settings' integrations: only those with contacts get any."""

import dagster as dg

from intune_pipeline.defs.alerts.channels import has_contacts
from intune_pipeline.defs.alerts.missed_runs import missed_run_alerts
from intune_pipeline.defs.alerts.run_failures import run_failure_alerts
from intune_pipeline.settings import Settings


def alert_defs(settings: Settings) -> dg.Definitions:
    told = [integration for integration in settings.integrations if has_contacts(integration)]
    if not told:
        return dg.Definitions()
    return dg.Definitions(
        sensors=[
            run_failure_alerts(settings),
            *(missed_run_alerts(integration, settings.alerts) for integration in told),
        ]
    )
