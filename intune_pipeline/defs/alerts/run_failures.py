"""One sensor for every integration's runs: a failed, overrun or guard-blocked run is told
once to the contacts of the integration it belongs to (see jobs.integration_of)."""

import dagster as dg
from dagster._core.storage.tags import WILL_RETRY_TAG

from intune_pipeline.defs.alerts.channels import has_contacts, send
from intune_pipeline.defs.alerts.failures import failure_alert
from intune_pipeline.defs.jobs import integration_of
from intune_pipeline.settings import Settings


def run_failure_alerts(settings: Settings) -> dg.SensorDefinition:
    integrations = {i.name: i for i in settings.integrations if has_contacts(i)}

    # The sensor's cursor (kept in the instance) moves past each failed run it has seen, so
    # every run is reported once, daemon restarts included.
    @dg.run_failure_sensor(
        name="run_failure_alerts",
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def run_failure_alerts(context: dg.RunFailureSensorContext):
        """Tells an integration's contacts that a run failed, overran, or a guard blocked it."""
        run = context.dagster_run
        integration = integrations.get(integration_of(run) or "")
        if integration is None:
            return dg.SkipReason(f"Run {run.run_id} belongs to no integration with contacts")
        if run.tags.get(WILL_RETRY_TAG) == "true":
            # A transient failure: the retry's outcome is what the contacts hear about.
            return dg.SkipReason(f"Run {run.run_id} failed and will be retried")
        message = context.failure_event.message or ""
        alert = failure_alert(context.instance, run, message, settings.alerts.ui_url)
        send(alert, integration, settings.alerts, context.log)
        return None

    return run_failure_alerts
