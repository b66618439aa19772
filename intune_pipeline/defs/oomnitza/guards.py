"""Guards on the sync plan: blocking checks that stop the load before it writes anything.

Each says which numbers tripped it and how to release it for one run (run config).
"""

import dagster as dg

from intune_pipeline.defs.metadata import latest_metadata
from intune_pipeline.defs.oomnitza.ledger import last_full_read


def release_advice(name: str, guard: str) -> str:
    """How to release a guard for one run: the run config to launch the sync with."""
    return (
        f"release this guard for one run by launching {name}_sync with the run config "
        f"ops: {{{name}__oomnitza_sync_plan: {{config: {{approve: [{guard}]}}}}}}."
    )


def plan_guards(name: str) -> list[dg.AssetChecksDefinition]:
    """The source-shrink and mass-change guards of the integration called name."""
    plan_key = dg.AssetKey([name, "oomnitza_sync_plan"])
    settings_key = f"{name}_integration"

    def verdict(context, guard: str, tripped: bool, text: str, numbers: dict):
        approved = guard in latest_metadata(context.instance, plan_key).get("approved", "")
        if tripped and approved:
            text += " Released for this run by run config."
        elif tripped:
            text += " The load is blocked. If the change is intended, " + release_advice(
                name, guard
            )
        return dg.AssetCheckResult(
            passed=not tripped or approved,
            metadata={**numbers, "approved": approved},
            description=text,
        )

    @dg.asset_check(
        asset=plan_key,
        blocking=True,
        description="A full Graph read did not return far fewer users than the last one.",
        required_resource_keys={settings_key},
    )
    def source_shrink(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        """A permissions or licence problem must never look like everyone left."""
        plan = latest_metadata(context.instance, plan_key)
        limit = getattr(context.resources, settings_key).source_shrink
        before, now = last_full_read(context.instance, name), plan.get("graph_users_read", 0)
        if plan.get("read") != "full" or not before:
            return dg.AssetCheckResult(
                passed=True,
                metadata={"read": now, "last_full_read": before or 0, "limit": limit},
                description="Nothing to compare: a delta read, or no earlier full read.",
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
        return verdict(context, "source_shrink", tripped, text, numbers)

    @dg.asset_check(
        asset=plan_key,
        blocking=True,
        description="Updates and deactivations stay under their limits (a count and a share).",
        required_resource_keys={settings_key},
    )
    def mass_change(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        """In the spirit of Entra Connect's 500-deletion threshold, scaled to the tenant."""
        plan = latest_metadata(context.instance, plan_key)
        integration = getattr(context.resources, settings_key)
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
        text = "; ".join(parts) + "."
        return verdict(context, "mass_change", tripped, text, numbers)

    return [source_shrink, mass_change]
