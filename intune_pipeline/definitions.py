"""The one Definitions object of the intune_pipeline code location."""

import gc
import os

import dagster as dg

from intune_pipeline.defs.alerts.sensors import alert_defs
from intune_pipeline.defs.frames import OOMNITZA_USERS_IO_MANAGER, RunMemoryIOManagerFactory
from intune_pipeline.defs.integration import integration_defs
from intune_pipeline.settings import Settings, load_settings, settings_path

# Every process that loads the code location (the code server, each run worker, `make sync`)
# writes people's data under DAGSTER_HOME: the frames passed between steps, run and event
# storage. Whatever it creates is readable by its owner only, wherever DAGSTER_HOME is.
os.umask(0o077)


def build_defs(settings: Settings | None = None) -> dg.Definitions:
    """One set of assets, checks and a job per integration in the settings file, and alerts."""
    settings = settings or load_settings(settings_path())
    return dg.Definitions.merge(
        *(integration_defs(i, settings.alerts) for i in settings.integrations),
        alert_defs(settings),
        dg.Definitions(
            resources={
                "io_manager": RunMemoryIOManagerFactory(),
                OOMNITZA_USERS_IO_MANAGER: RunMemoryIOManagerFactory(oomnitza_users=True),
            }
        ),
    )


defs = build_defs()

# What the imports and these definitions made lives as long as the process (Dagster's, pandas'
# and Pandera's modules, classes and schemas); frozen, the collector's full collections during a
# run no longer walk it (0.16 -> 0.05 s of a 100,000-user run).
gc.freeze()
# A run makes millions of dicts and lists that hold no cycles (parsed pages, records); with a
# collection of young objects every 700 of them, collecting took 0.5-0.6 s of a 100,000-user
# run, 0.3 s every 50,000.
gc.set_threshold(50_000, 20, 100)
