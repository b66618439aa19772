"""The sync plan asset: what the load would do to each user, and why; nothing is written here."""

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import latest_metadata, table
from intune_pipeline.defs.oomnitza.guards import Guard, plan_guard_specs, plan_guards
from intune_pipeline.defs.oomnitza.ledger import suspended_by_sync
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings
from intune_pipeline.users.leavers import READ_MODE, find_leavers, present
from intune_pipeline.users.plan import counts, plan_sync

UPSTREAM_COUNTS = (("graph_users", "rejected"), ("oomnitza_users", "rejected"))
UPSTREAM_COUNTS += (("oomnitza_users", "skipped"),)
SHOWN = ["action", "user", "changes", "reason", "matched_by", "graph_id", "oomnitza_user_id"]


class SyncPlanConfig(dg.Config):
    approve: list[Guard] = []
    """Guards released for this run only, after a person has read why they stopped the load."""


def upstream_skips(metadata: dict) -> pd.DataFrame:
    """Users rejected or skipped before the plan, from the tables earlier assets recorded."""
    # One row per user, every reason given, users in the order they first come. (pandas'
    # groupby took 0.1 s to join the reasons of 1,500 rows, a Series made per user.)
    reasons: dict[tuple[str, str], list[str]] = {}
    for asset, entry, prefix in (
        ("graph_users", "rejections", "rejected: "),
        ("oomnitza_users", "rejections", "rejected: "),
        ("oomnitza_users", "skips", ""),
    ):
        found = metadata[asset].get(entry)
        for row in found.records if found else []:
            data = row.data
            user = (data["id"], data["userPrincipalName"])
            reasons.setdefault(user, []).append(prefix + data["reason"])
    rows = [(*user, "; ".join(given)) for user, given in reasons.items()]
    return pd.DataFrame(rows, columns=["id", "userPrincipalName", "reason"])


def plan_asset(name: str, clear_when_blank: frozenset[str]) -> dg.AssetsDefinition:
    """The plan of the integration called name; clear_when_blank are fields whose mappings let
    a blank source value clear what Oomnitza holds."""
    settings_key = f"{name}_integration"

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"pandas"},
        ins={
            "oomnitza_users": dg.AssetIn(key_prefix=[name]),
            "oomnitza_users_current": dg.AssetIn(key_prefix=[name]),
            "graph_users_raw": dg.AssetIn(key_prefix=[name]),
        },
        check_specs=plan_guard_specs(name),
        required_resource_keys={settings_key},
    )
    def oomnitza_sync_plan(
        context: dg.AssetExecutionContext,
        config: SyncPlanConfig,
        oomnitza_users: pd.DataFrame,
        oomnitza_users_current: pd.DataFrame,
        graph_users_raw: pd.DataFrame,
    ):
        """Each mapped user to create, update (old → new), leave, skip or deactivate, and why."""
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        earlier = {
            asset: latest_metadata(context.instance, dg.AssetKey([name, asset]))
            for asset in ("graph_users", "oomnitza_users")
        }
        held = oomnitza_users_current
        skipped = upstream_skips(earlier)
        leavers = None
        if integration.deactivation:
            leavers = find_leavers(
                graph_users_raw,
                held.loc[held["suspended"].ne(True), "intune_user_id"],
                missing=integration.deactivate_missing,
                disabled=integration.deactivate_disabled,
            )
        plan = plan_sync(
            oomnitza_users,
            held,
            sync_keys=integration.sync_keys,
            preference=integration.preference,
            skipped=skipped,
            leavers=leavers,
            clear_when_blank=clear_when_blank,
            suspended_by_sync=suspended_by_sync(context.instance, name),
        )
        found = counts(plan)
        # The upstream tables list at most MAX_TABLE_ROWS users; their counts are exact.
        upstream = sum(earlier[a].get(k, 0) for a, k in UPSTREAM_COUNTS)
        found["skip"] += max(0, upstream - len(skipped))
        changing = plan[plan["action"].isin(["update", "deactivate"])]
        figures = {
            **found,
            "read": graph_users_raw.attrs.get(READ_MODE, "full"),
            "graph_users_read": len(present(graph_users_raw)),
            "managed": int(held["intune_user_id"].notna().sum()),
        }
        context.log.info(", ".join(f"{count} {action}" for action, count in found.items()))
        approved = [guard.value for guard in config.approve]
        yield dg.Output(
            plan,
            metadata={
                "dagster/row_count": len(plan),
                **figures,
                "skipped_upstream": upstream,
                "held": len(held),
                "approved": ", ".join(approved),
                "changes": table(changing[SHOWN]),
                "skips": table(plan.loc[plan["action"] == "skip", SHOWN]),
                "creates": table(plan.loc[plan["action"] == "create", SHOWN]),
            },
        )
        yield from plan_guards(context.instance, name, figures, set(approved), integration)

    return oomnitza_sync_plan
