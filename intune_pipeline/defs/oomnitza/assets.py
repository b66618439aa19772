"""Oomnitza users of one integration: mapped from Graph users, then loaded as one bulk portion."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import frame_type, latest_metadata, preview, table
from intune_pipeline.defs.oomnitza.checks import (
    oomnitza_check_specs,
    rejected_share,
    sync_keys_unique,
)
from intune_pipeline.defs.oomnitza.guards import stop_on_rehearsal
from intune_pipeline.defs.oomnitza.outcome import carried_forward, log_outcome, run_log_lines
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings, OomnitzaResource
from intune_pipeline.errors import ConfigError
from intune_pipeline.oomnitza import BULK_FIELD_IDS, upload_portion
from intune_pipeline.oomnitza.plan_records import PlanRecords
from intune_pipeline.oomnitza.rehearsal import FailureGuard, rehearse
from intune_pipeline.users.filter_rules import apply_rules
from intune_pipeline.users.filter_specs import OOMNITZA, Rule
from intune_pipeline.users.mapping import map_users
from intune_pipeline.users.mapping_specs import Mapping
from intune_pipeline.users.roles import RoleRule, roles_for
from intune_pipeline.users.rows import renumbered, rows_where
from intune_pipeline.users.schemas import OomnitzaUser

OOMNITZA_USER_TYPE, OOMNITZA_USER_COLUMNS = frame_type(OomnitzaUser)
RUN_LOG_ORDER = ("failed", "skipped", "added", "updated", "unchanged")


def oomnitza_assets(
    name: str, mappings: Sequence[Mapping], rules: Sequence[Rule], role_rules: Sequence[RoleRule]
) -> list[dg.AssetsDefinition]:
    """The Oomnitza side of the integration called name; its assets are keyed under name/."""
    oomnitza_key, settings_key = f"{name}_oomnitza", f"{name}_integration"
    mapped_rules = [rule for rule in rules if rule.field.startswith(OOMNITZA)]

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"pandas", "pandera"},
        dagster_type=OOMNITZA_USER_TYPE,
        metadata=OOMNITZA_USER_COLUMNS,
        ins={"graph_users": dg.AssetIn(key_prefix=[name])},
        check_specs=oomnitza_check_specs(name),
        required_resource_keys={settings_key},
    )
    def oomnitza_users(context: dg.AssetExecutionContext, graph_users: pd.DataFrame):
        """Graph users mapped to Oomnitza users; users with no sync key are skipped."""
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        roles = roles_for(graph_users, role_rules, integration.default_role())
        users, rejections, skipped = map_users(graph_users, roles, mappings, integration.sync_key)
        # The rules read the mapped fields as oomnitza.<field>: named so, the columns not copied.
        named = users.set_axis(OOMNITZA + users.columns, axis=1, copy=False)
        kept, effects = apply_rules(mapped_rules, named)
        users = renumbered(rows_where(users, users.index.isin(kept.index)))
        if len(skipped):
            context.log.info(f"{len(skipped)} users skipped; see 'skips' in the metadata")
        rejected = rejections["id"].nunique()
        yield dg.Output(
            users,
            metadata={
                "dagster/row_count": len(users),
                "sync_keys": ", ".join(integration.sync_keys),
                "skipped": len(skipped),
                "skips": table(skipped),
                "rejected": rejected,
                "rejections": table(rejections),
                "filtered_out": sum(effect["removed"] for effect in effects),
                "filter_rules": table(pd.DataFrame(effects, columns=["rule", "removed"])),
                "roles": table(users["role"].value_counts().rename_axis("role").reset_index()),
                "preview": preview(users),
            },
        )
        yield sync_keys_unique(users, integration.sync_key, skipped)
        limit = integration.max_rejected_share
        yield rejected_share(context.instance, name, rejected, limit)

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"api"},
        ins={"oomnitza_sync_plan": dg.AssetIn(key_prefix=[name])},
        required_resource_keys={oomnitza_key, settings_key},
    )
    def oomnitza_load(
        context: dg.AssetExecutionContext, oomnitza_sync_plan: pd.DataFrame
    ) -> dg.MaterializeResult:
        """The plan's creates, updates and deactivations sent as one bulk portion; the outcome
        is Oomnitza's own run log."""
        oomnitza: OomnitzaResource = getattr(context.resources, oomnitza_key)
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        if integration.missing:
            raise ConfigError(
                f"The integration {name} is in Draft and cannot load Oomnitza: it needs "
                f"{'; '.join(integration.missing)}. Add that to the settings file."
            )
        plan = oomnitza_sync_plan
        custom_fields = {"intune_user_id": integration.intune_field()}
        records = PlanRecords(plan, custom_fields, integration.sync_keys)
        field_ids = {**BULK_FIELD_IDS, **custom_fields}
        sync_fields = [field_ids[key] for key in integration.sync_keys]
        plan_meta = latest_metadata(context.instance, dg.AssetKey([name, "oomnitza_sync_plan"]))
        guard = None
        if "failure_rate" not in plan_meta.get("approved", ""):
            guard = FailureGuard(integration.failure_share, integration.failure_sample)
        options = {
            "sync_fields": sync_fields,
            "connector_name": integration.connector_name,
            "batch_size": integration.batch_size,
            "concurrency": integration.concurrency,
            "insert_only": integration.preference == "create_only",
            "update_only": integration.preference == "update_only",
        }
        with oomnitza.client() as client:
            rehearsal = rehearse(client, records.rehearsal(guard.sample if guard else 0), **options)
            stop_on_rehearsal(context, name, rehearsal, guard)
            outcome = upload_portion(client, records, **options)
        log_outcome(context, outcome)
        return dg.MaterializeResult(
            metadata={
                **carried_forward(context.instance, name, plan, plan_meta, outcome.canceled),
                "portion": outcome.portion,
                "sent": outcome.sent,
                "canceled": outcome.canceled,
                **{key: count for key, count in outcome.counts.items() if key != "canceled"},
                # Every record's line, failures and skips first (the table keeps 500).
                "run_log": table(run_log_lines(outcome, RUN_LOG_ORDER)),
            }
        )

    return [oomnitza_users, oomnitza_load]
