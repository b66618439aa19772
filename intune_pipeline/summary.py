"""What a sync run did, in the words of the make sync summary."""

import dagster as dg

from intune_pipeline.defs.metadata import metadata_values
from intune_pipeline.errors import PipelineError


def materializations(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    """Each materialized asset's metadata values, by asset name (without the integration)."""
    found = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        found[materialization.asset_key.path[-1]] = metadata_values(materialization.metadata)
    return found


def run_summary(result: dg.ExecuteInProcessResult) -> str:
    assets = materializations(result)
    raw = assets.get("graph_users_raw", {})
    graph_users = assets.get("graph_users", {})
    mapped = assets.get("oomnitza_users", {})
    plan = assets.get("oomnitza_sync_plan", {})
    load = assets.get("oomnitza_load", {})
    rejected = graph_users.get("rejected", 0) + mapped.get("rejected", 0)
    counts = {
        "users read": raw.get("dagster/row_count", 0),
        "rejected": rejected,
        "filtered": graph_users.get("filtered_out", 0) + mapped.get("filtered_out", 0),
        "created": load.get("added", 0),
        "updated": load.get("updated", 0),
        "suspended": plan.get("deactivate", 0) if load else 0,
        "unchanged": plan.get("unchanged", 0) + load.get("unchanged", 0),
        # The plan's skips include the rejected users, counted on their own line above.
        "skipped": max(0, plan.get("skip", 0) - rejected) + load.get("skipped", 0),
        "failed": load.get("failed", 0),
    }
    verdict = "succeeded" if result.success else "FAILED"
    lines = [f"Sync run {result.run_id} of {result.job_def.name}: {verdict}"]
    lines += [f"  {name:<10} {count:>8}" for name, count in counts.items()]
    for check in result.get_asset_check_evaluations():
        if not check.passed:
            lines.append(f"  check {check.check_name} failed: {check.description}")
    for event in result.all_events:
        if event.is_step_failure:
            error = root_cause(event.step_failure_data.error)
            if error.cls_name != "DagsterAssetCheckFailedError":  # said above, with the numbers
                lines.append(f"  {event.step_key} failed: {error.message.strip()}")
    return "\n".join(lines)


def root_cause(error):
    """The innermost error: Dagster wraps what the pipeline raised."""
    while error.cause is not None:
        error = error.cause
    return error


def oomnitza_holdings(defs: dg.Definitions, integration: str) -> str:
    """How many users the integration's Oomnitza holds now, read back through its API."""
    wanted = {name: defs.resources[f"{integration}_{name}"] for name in ("oomnitza", "integration")}
    try:
        with dg.build_resources(wanted) as resources, resources.oomnitza.client() as client:
            field = resources.integration.intune_field()
            users, _ = client.list_users()
    except PipelineError as error:
        return f"Could not read Oomnitza back: {error}"
    linked = sum(1 for user in users if user.get(field))
    return f"Oomnitza now holds {len(users)} users, {linked} of them linked to a Graph user."
