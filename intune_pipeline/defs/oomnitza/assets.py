"""Oomnitza users of one integration: mapped from Graph users, then loaded as one bulk portion."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from intune_pipeline.defs.graph.cursor import CURSOR_KEY, latest_read_link
from intune_pipeline.defs.metadata import frame_type, preview, table
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings, OomnitzaResource
from intune_pipeline.errors import ConfigError
from intune_pipeline.oomnitza import BULK_FIELD_IDS, bulk_records, unknown_roles, upload_portion
from intune_pipeline.users.filter_rules import apply_rules
from intune_pipeline.users.filter_specs import OOMNITZA, Rule
from intune_pipeline.users.mapping import map_users
from intune_pipeline.users.mapping_specs import Mapping
from intune_pipeline.users.roles import RoleRule, roles_for
from intune_pipeline.users.schemas import OomnitzaUser

OOMNITZA_USER_TYPE, OOMNITZA_USER_COLUMNS = frame_type(OomnitzaUser)


def oomnitza_assets(
    name: str, mappings: Sequence[Mapping], rules: Sequence[Rule], role_rules: Sequence[RoleRule]
) -> list[dg.AssetsDefinition]:
    """The Oomnitza side of the integration called name; its assets are keyed under name/."""
    oomnitza_key, settings_key = f"{name}_oomnitza", f"{name}_integration"
    mapped_rules = [rule for rule in rules if rule.field.startswith(OOMNITZA)]

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        kinds={"pandas", "pandera"},
        dagster_type=OOMNITZA_USER_TYPE,
        metadata=OOMNITZA_USER_COLUMNS,
        ins={"graph_users": dg.AssetIn(key_prefix=[name])},
        required_resource_keys={settings_key},
    )
    def oomnitza_users(
        context: dg.AssetExecutionContext, graph_users: pd.DataFrame
    ) -> pd.DataFrame:
        """Graph users mapped to Oomnitza users; users with no sync key are skipped."""
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        roles = roles_for(graph_users, role_rules, integration.role_id)
        users, rejections, skipped = map_users(graph_users, roles, mappings, integration.sync_key)
        kept, effects = apply_rules(mapped_rules, users.add_prefix(OOMNITZA))
        users = users.loc[kept.index].reset_index(drop=True)
        if len(skipped):
            context.log.info(f"{len(skipped)} users skipped; see 'skips' in the metadata")
        context.add_output_metadata(
            {
                "dagster/row_count": len(users),
                "sync_keys": ", ".join(integration.sync_keys),
                "skipped": len(skipped),
                "skips": table(skipped),
                "rejected": rejections["id"].nunique(),
                "rejections": table(rejections),
                "filtered_out": sum(effect["removed"] for effect in effects),
                "filter_rules": table(pd.DataFrame(effects, columns=["rule", "removed"])),
                "roles": table(users["role"].value_counts().rename_axis("role").reset_index()),
                "preview": preview(users),
            }
        )
        return users

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        kinds={"api"},
        ins={"oomnitza_users": dg.AssetIn(key_prefix=[name])},
        required_resource_keys={oomnitza_key, settings_key},
    )
    def oomnitza_load(
        context: dg.AssetExecutionContext, oomnitza_users: pd.DataFrame
    ) -> dg.MaterializeResult:
        """Oomnitza users sent as one bulk portion; the outcome is Oomnitza's own run log."""
        oomnitza: OomnitzaResource = getattr(context.resources, oomnitza_key)
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        if integration.missing:
            raise ConfigError(
                f"The integration {name} is in Draft and cannot load Oomnitza: it needs "
                f"{'; '.join(integration.missing)}. Add that to the settings file."
            )
        custom_fields = {"intune_user_id": integration.intune_user_id_field}
        records = bulk_records(oomnitza_users, custom_fields)
        field_ids = {**BULK_FIELD_IDS, **custom_fields}
        sync_fields = [field_ids[key] for key in integration.sync_keys]
        with oomnitza.client() as client:
            refused = unknown_roles(
                client,
                records,
                sync_fields=sync_fields,
                connector_name=integration.connector_name,
            )
            if refused:
                raise ConfigError(
                    f"Oomnitza does not know the role {', '.join(map(str, refused))}, so nothing "
                    "was written. Set role (or its rules) in the settings file to the ids of "
                    "roles defined in Oomnitza."
                )
            outcome = upload_portion(
                client,
                records,
                sync_fields=sync_fields,
                connector_name=integration.connector_name,
                batch_size=integration.batch_size,
                insert_only=integration.preference == "create_only",
                update_only=integration.preference == "update_only",
            )
        for category in ("failed", "skipped"):
            for line in outcome.logs.get(category, [])[:20]:
                context.log.warning(f"Oomnitza {category}: {line}")
        logs = pd.DataFrame(
            [(category, line) for category, lines in outcome.logs.items() for line in lines],
            columns=["outcome", "message"],
        )
        read = dg.AssetKey([name, "graph_users_raw"])
        return dg.MaterializeResult(
            metadata={
                CURSOR_KEY: latest_read_link(context.instance, read) or "",
                "portion": outcome.portion,
                "sent": outcome.sent,
                "canceled": outcome.canceled,
                **{key: count for key, count in outcome.counts.items() if key != "canceled"},
                "run_log": table(logs[logs["outcome"].isin(["failed", "skipped"])]),
            }
        )

    return [oomnitza_users, oomnitza_load]
