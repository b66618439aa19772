"""The one Definitions object of the intune_pipeline code location."""

import dagster as dg

from intune_pipeline.defs.alerts.sensors import alert_defs
from intune_pipeline.defs.integration import integration_defs
from intune_pipeline.settings import Settings, load_settings, settings_path


def build_defs(settings: Settings | None = None) -> dg.Definitions:
    """One set of assets, checks and a job per integration in the settings file, and alerts."""
    settings = settings or load_settings(settings_path())
    return dg.Definitions.merge(
        *(integration_defs(i, settings.alerts) for i in settings.integrations),
        alert_defs(settings),
    )


defs = build_defs()
