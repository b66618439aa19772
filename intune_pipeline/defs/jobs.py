"""Jobs over the asset graph."""

import dagster as dg

# One process for the whole graph: the frames are small enough that separate step processes
# would only add start-up time.
sync_job = dg.define_asset_job(
    "intune_user_sync",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Read the tenant's users from Graph, validate and map them, and load Oomnitza.",
)
