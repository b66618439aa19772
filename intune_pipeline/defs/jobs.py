"""The sync job of each integration."""

import dagster as dg
from dagster._core.storage.tags import MAX_RUNTIME_SECONDS_TAG

from intune_pipeline.defs.retries import retry_transient_failures
from intune_pipeline.settings import Integration

INTEGRATION_TAG = "intune_pipeline/integration"  # names the integration a job's run belongs to


def integration_of(run: dg.DagsterRun) -> str | None:
    """The integration a run belongs to: its tag, or the prefix of the assets it materializes
    (a run launched from the UI's Materialize button carries no tag of ours)."""
    if INTEGRATION_TAG in run.tags:
        return run.tags[INTEGRATION_TAG]
    prefixes = {key.path[0] for key in run.asset_selection or () if len(key.path) > 1}
    prefixes |= {key.asset_key.path[0] for key in run.asset_check_selection or ()}
    return prefixes.pop() if len(prefixes) == 1 else None


def sync_job_name(integration: str) -> str:
    return f"{integration}_sync"


def sync_job(integration: str, status: str, max_runtime_hours: float = 24):
    # One process for the whole graph: the frames are small enough that separate step
    # processes would only add start-up time.
    return dg.define_asset_job(
        sync_job_name(integration),
        selection=dg.AssetSelection.groups(integration),
        executor_def=dg.in_process_executor,
        # Run monitoring stops a run past its max runtime and marks it failed, which alerts.
        tags={
            INTEGRATION_TAG: integration,
            MAX_RUNTIME_SECONDS_TAG: str(round(max_runtime_hours * 3600)),
        },
        hooks={retry_transient_failures},
        description=(
            f"Read {integration}'s users from Graph, validate and map them, and load Oomnitza "
            f"({status})."
        ),
    )


def dry_run_job_name(integration: str) -> str:
    return f"{integration}_dry_run"


def dry_run_job(integration: str):
    """Everything up to the sync plan: what a sync would do, with nothing written to Oomnitza."""
    load = dg.AssetSelection.assets(dg.AssetKey([integration, "oomnitza_load"]))
    return dg.define_asset_job(
        dry_run_job_name(integration),
        # Without the load and all that follows it (the SaaS assignments write too).
        selection=dg.AssetSelection.groups(integration) - load.downstream(),
        executor_def=dg.in_process_executor,
        tags={INTEGRATION_TAG: integration},
        description=f"Plan {integration}'s sync without writing to Oomnitza.",
    )


def sync_schedule(integration: Integration) -> dg.ScheduleDefinition:
    """Running for a launched integration; a Draft one's is there, but stopped."""
    launched, schedule = integration.status == "launched", integration.schedule
    return dg.ScheduleDefinition(
        name=f"{integration.name}_schedule",
        job_name=sync_job_name(integration.name),
        cron_schedule=schedule.cron,
        execution_timezone=schedule.timezone,
        default_status=(
            dg.DefaultScheduleStatus.RUNNING if launched else dg.DefaultScheduleStatus.STOPPED
        ),
        description=f"{integration.name} at {schedule.cron} ({schedule.timezone})",
    )
