"""Helpers of the tests that run syncs: the example settings with changes, runs, group facts."""

import dagster as dg

from intune_pipeline.definitions import build_defs
from intune_pipeline.settings import load_settings, settings_path

INTEGRATION = "intune_users"  # the one integration of the example settings file


def example_settings(**changes):
    """The project's integrations.yaml, with changes to its integration's settings."""
    settings = load_settings(settings_path())
    integration = settings.integrations[0]
    for name, value in changes.items():
        section = getattr(integration, name, None)
        if isinstance(value, dict) and section is not None and hasattr(section, "model_copy"):
            value = type(section).model_validate({**section.model_dump(warnings=False), **value})
        integration = integration.model_copy(update={name: value})
    return settings.model_copy(update={"integrations": [integration]})


def sync(
    instance,
    full_read: bool | None = None,
    approve: tuple[str, ...] = (),
    job: str = "sync",
    **changes,
) -> dg.ExecuteInProcessResult:
    """One run of the sync job (or the dry run); changes alter the settings, full_read
    configures the read, approve releases guards for the run."""
    job_def = build_defs(example_settings(**changes)).resolve_job_def(f"{INTEGRATION}_{job}")
    ops = {}
    if full_read is not None:
        ops[f"{INTEGRATION}__graph_users_raw"] = {"config": {"full_read": full_read}}
    if approve:
        ops[f"{INTEGRATION}__oomnitza_sync_plan"] = {"config": {"approve": list(approve)}}
    config = {"ops": ops} if ops else None
    return job_def.execute_in_process(instance=instance, run_config=config, raise_on_error=False)


def evaluations(result: dg.ExecuteInProcessResult) -> dict:
    """The run's asset check evaluations by check name."""
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def transitive_users(groups: list[dict], group_id: str) -> set[str]:
    """The users in a sandbox group, directly or through nested groups."""
    by_id = {group["id"]: group for group in groups}
    users, pending, seen = set(), [group_id], set()
    while pending:
        current = pending.pop()
        seen.add(current)
        for member in by_id[current]["members"]:
            if member in by_id:
                pending += [] if member in seen else [member]
            else:
                users.add(member)
    return users
