"""Guards that stop the load before it writes anything.

Each says which numbers tripped it and how to release it for one run (run config). Two are
checks of the plan evaluated in the plan's own step (check specs), from the plan's figures; the
failure-rate guard judges the load's rehearsal, a test run of its first records.
"""

from enum import Enum

import dagster as dg

from intune_pipeline.defs.metadata import table
from intune_pipeline.defs.oomnitza.ledger import last_full_read
from intune_pipeline.defs.oomnitza.outcome import log_outcome, run_log_lines
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings
from intune_pipeline.errors import ConfigError
from intune_pipeline.oomnitza.rehearsal import FailureGuard, Rehearsal


class Guard(Enum):
    """The guards a run config can release; the first two are checks of the plan."""

    source_shrink = "source_shrink"
    mass_change = "mass_change"
    failure_rate = "failure_rate"


def release_advice(name: str, guard: str) -> str:
    """How to release a guard for one run: the run config to launch the sync with."""
    return (
        f"release this guard for one run by launching {name}_sync with the run config "
        f"ops: {{{name}__oomnitza_sync_plan: {{config: {{approve: [{guard}]}}}}}}."
    )


def plan_guard_specs(name: str) -> list[dg.AssetCheckSpec]:
    """The source-shrink and mass-change guards of the integration called name."""
    plan = dg.AssetKey([name, "oomnitza_sync_plan"])
    return [
        dg.AssetCheckSpec(
            Guard.source_shrink.value,
            asset=plan,
            blocking=True,
            description="A full Graph read did not return far fewer users than the last one.",
        ),
        dg.AssetCheckSpec(
            Guard.mass_change.value,
            asset=plan,
            blocking=True,
            description="Updates and deactivations stay under their limits (a count and a share).",
        ),
    ]


def plan_guards(
    instance: dg.DagsterInstance,
    name: str,
    plan: dict,
    approved: set[str],
    integration: IntegrationSettings,
) -> list[dg.AssetCheckResult]:
    """Both guards' verdicts on the plan's figures (its metadata values); approved are the
    guards the run config released."""

    def verdict(guard: str, tripped: bool, text: str, numbers: dict) -> dg.AssetCheckResult:
        released = guard in approved
        if tripped and released:
            text += " Released for this run by run config."
        elif tripped:
            text += " The load is blocked. If the change is intended, " + release_advice(
                name, guard
            )
        return dg.AssetCheckResult(
            check_name=guard,
            passed=not tripped or released,
            metadata={**numbers, "approved": released},
            description=text,
        )

    return [
        verdict(Guard.source_shrink.value, *source_shrink(instance, name, plan, integration)),
        verdict(Guard.mass_change.value, *mass_change(plan, integration)),
    ]


def source_shrink(
    instance: dg.DagsterInstance, name: str, plan: dict, integration: IntegrationSettings
) -> tuple:
    """A permissions or licence problem must never look like everyone left: whether the guard
    trips, why, and the numbers."""
    limit = integration.source_shrink
    before, now = last_full_read(instance, name), plan.get("graph_users_read", 0)
    if plan.get("read") != "full" or not before:
        return (
            False,
            "Nothing to compare: a delta read, or no earlier full read.",
            {"read": now, "last_full_read": before or 0, "limit": limit},
        )
    drop = (before - now) / before
    tripped = drop > limit
    text = (
        f"Graph returned {now} users; the last successful full read returned {before} "
        f"({drop:.1%} fewer; the limit is {limit:.0%})."
    )
    if tripped:
        text += (
            " Check the app registration's permissions and consent, the Intune licence, "
            "the scope and the filter before releasing."
        )
    numbers = {"read": now, "last_full_read": before, "drop": drop, "limit": limit}
    return tripped, text, numbers


def mass_change(plan: dict, integration: IntegrationSettings) -> tuple:
    """In the spirit of Entra Connect's 500-deletion threshold, scaled to the tenant: whether
    the guard trips, why, and the numbers."""
    managed = plan.get("managed", 0)
    numbers, parts, tripped = {"managed": managed}, [], False
    for action, (count, share) in (
        ("update", integration.max_updates),
        ("deactivate", integration.max_deactivations),
    ):
        planned = plan.get(action, 0)
        over = planned > count and planned > share * managed
        tripped |= over
        numbers[action] = planned
        parts.append(
            f"{planned} to {action} of {managed} managed users "
            f"({'over' if over else 'within'} the limit of {count} and {share:.0%})"
        )
    return tripped, "; ".join(parts) + ".", numbers


def stop_on_rehearsal(
    context: dg.AssetExecutionContext, name: str, rehearsal: Rehearsal, guard: FailureGuard | None
) -> None:
    """Stop the load, before it writes anything, if its rehearsal refused a role or failed too
    many records (unless the failure-rate guard is released: guard None)."""
    if rehearsal.refused_roles:
        raise ConfigError(
            f"Oomnitza does not know the role {', '.join(map(str, rehearsal.refused_roles))}, so "
            "nothing was written. Set role (or its rules) in the settings file to the ids of "
            "roles defined in Oomnitza."
        )
    tripped = guard and rehearsal.failure_rate(guard)
    if tripped:
        log_outcome(context, rehearsal.outcome)
        raise dg.Failure(
            description=f"{tripped} Nothing was written. Read the failed records' messages here, "
            "fix the cause and run again; if the failures are expected, "
            + release_advice(name, Guard.failure_rate.value),
            metadata={
                **rehearsal.outcome.counts,
                "run_log": table(run_log_lines(rehearsal.outcome, ("failed",))),
            },
        )
