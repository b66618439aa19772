"""The load's outcome as the UI shows it, and what it records for the next run."""

import dagster as dg
import orjson
import pandas as pd

from intune_pipeline.defs.graph.cursor import CURSOR_KEY, delta_cursor, latest_read_link
from intune_pipeline.defs.oomnitza.ledger import (
    FULL_READ_KEY,
    SUSPENDED_KEY,
    last_full_read,
    suspended_by_sync,
)
from intune_pipeline.oomnitza.bulk import PortionOutcome

SHOWN_LINES = 20  # run-log lines per category in the run's log; all of them are in metadata


def run_log_lines(outcome: PortionOutcome, categories: tuple[str, ...]) -> pd.DataFrame:
    lines = [(c, line) for c in categories for line in outcome.logs.get(c, [])]
    return pd.DataFrame(lines, columns=["outcome", "message"])


def log_outcome(context: dg.AssetExecutionContext, outcome: PortionOutcome) -> None:
    counts = ", ".join(f"{count} {name}" for name, count in outcome.counts.items() if count)
    context.log.info(f"Portion {outcome.portion}: {outcome.sent} sent; {counts or 'nothing'}")
    for category in ("failed", "skipped"):
        for line in outcome.logs.get(category, [])[:SHOWN_LINES]:
            context.log.warning(f"Oomnitza {category}: {line}")


def carried_forward(
    instance: dg.DagsterInstance, name: str, plan: pd.DataFrame, plan_meta: dict, canceled: bool
) -> dict:
    """The delta cursor, the last full read's size and the users this sync has suspended.

    A cancelled portion did not deliver every change, so the cursor stays where it was.
    """
    read = dg.AssetKey([name, "graph_users_raw"])
    load = dg.AssetKey([name, "oomnitza_load"])
    cursor = delta_cursor(instance, load) if canceled else latest_read_link(instance, read)
    full = last_full_read(instance, name)
    if plan_meta.get("read") == "full":
        full = plan_meta.get("graph_users_read")
    back = set(plan.loc[plan["action"].isin(["create", "update", "unchanged"]), "graph_id"])
    suspended = suspended_by_sync(instance, name) - back
    if not canceled:
        suspended |= set(plan.loc[plan["action"] == "deactivate", "graph_id"])
    metadata = {CURSOR_KEY: cursor or "", SUSPENDED_KEY: orjson.dumps(sorted(suspended)).decode()}
    if full is not None:
        metadata[FULL_READ_KEY] = int(full)
    return metadata
