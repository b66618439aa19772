"""The Graph delta cursor, kept in Dagster's event log rather than in a file beside the code.

The link is recorded on the oomnitza_load materialization, so it advances only when the
changes it covers have reached Oomnitza, and only runs that succeeded count.
"""

import dagster as dg

from intune_pipeline.defs.metadata import metadata_values

CURSOR_KEY = "graph_delta_link"
READ_KEY = "delta_link"  # where graph_users_raw records the link of its own read
LOOKBACK = 20  # materializations searched for one whose run succeeded


def latest_successful_metadata(instance: dg.DagsterInstance, asset: dg.AssetKey) -> dict:
    """The metadata of the asset's latest materialization whose run succeeded, as values.

    The latest is asked for alone first: it mostly is the one, and each materialization read
    brings its metadata tables along (20 at once took several times as long as one).
    """
    cursor = None
    for limit in (1, LOOKBACK - 1):
        found = instance.fetch_materializations(asset, limit=limit, cursor=cursor)
        for record in found.records:
            run = instance.get_run_by_id(record.run_id)
            if run is not None and run.status == dg.DagsterRunStatus.SUCCESS:
                return metadata_values(record.asset_materialization.metadata)
        if not found.has_more:
            break
        cursor = found.cursor
    return {}


def delta_cursor(instance: dg.DagsterInstance, load: dg.AssetKey) -> str | None:
    """The delta link of the latest load whose run succeeded, if any."""
    return latest_successful_metadata(instance, load).get(CURSOR_KEY) or None


def latest_read_link(instance: dg.DagsterInstance, read: dg.AssetKey) -> str | None:
    """The delta link of the read whose users the load is about to send."""
    event = instance.get_latest_materialization_event(read)
    value = event.asset_materialization.metadata.get(READ_KEY) if event else None
    return value.value if value else None
