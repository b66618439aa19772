"""What earlier successful loads recorded for later runs: suspensions and the last full read.

Kept on the oomnitza_load materializations in Dagster's event log, like the delta cursor.
"""

import dagster as dg
import orjson

from intune_pipeline.defs.graph.cursor import latest_successful_metadata

SUSPENDED_KEY = "suspended_by_sync"  # Graph ids of users this sync suspended, as JSON
FULL_READ_KEY = "full_read_users"  # users the latest full Graph read returned


def last_load(instance: dg.DagsterInstance, name: str) -> dict:
    return latest_successful_metadata(instance, dg.AssetKey([name, "oomnitza_load"]))


def suspended_by_sync(instance: dg.DagsterInstance, name: str) -> set[str]:
    """Users the sync suspended and that have not returned since."""
    value = last_load(instance, name).get(SUSPENDED_KEY)
    return set(orjson.loads(value)) if value else set()


def last_full_read(instance: dg.DagsterInstance, name: str) -> int | None:
    value = last_load(instance, name).get(FULL_READ_KEY)
    return int(value) if value is not None else None
