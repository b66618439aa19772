"""The sync job of each integration."""

import dagster as dg

INTEGRATION_TAG = "intune_pipeline/integration"  # the run queue allows one run per value


def sync_job_name(integration: str) -> str:
    return f"{integration}_sync"


def sync_job(integration: str, status: str):
    # One process for the whole graph: the frames are small enough that separate step
    # processes would only add start-up time.
    return dg.define_asset_job(
        sync_job_name(integration),
        selection=dg.AssetSelection.groups(integration),
        executor_def=dg.in_process_executor,
        tags={INTEGRATION_TAG: integration},
        description=(
            f"Read {integration}'s users from Graph, validate and map them, and load Oomnitza "
            f"({status})."
        ),
    )
