"""Oomnitza users: mapped from Graph users, then loaded into Oomnitza as one bulk portion."""

import dagster as dg
import pandas as pd

from intune_pipeline.defs.graph.cursor import CURSOR_KEY, latest_read_link
from intune_pipeline.defs.metadata import frame_type, preview, table
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings, OomnitzaResource
from intune_pipeline.oomnitza import bulk_records, upload_portion
from intune_pipeline.users.mapping import SYNC_KEY, map_users
from intune_pipeline.users.schemas import OomnitzaUser

OOMNITZA_USER_TYPE, OOMNITZA_USER_COLUMNS = frame_type(OomnitzaUser)


@dg.asset(
    group_name="oomnitza",
    kinds={"pandas", "pandera"},
    dagster_type=OOMNITZA_USER_TYPE,
    metadata=OOMNITZA_USER_COLUMNS,
)
def oomnitza_users(
    context: dg.AssetExecutionContext, graph_users: pd.DataFrame, integration: IntegrationSettings
) -> pd.DataFrame:
    """Graph users mapped with Oomnitza's standard mappings; users with no sync key are skipped."""
    users, rejections, skipped = map_users(graph_users, integration.role_id)
    if len(skipped):
        context.log.info(f"{len(skipped)} users skipped; see 'skips' in the metadata")
    context.add_output_metadata(
        {
            "dagster/row_count": len(users),
            "sync_key": SYNC_KEY,
            "skipped": len(skipped),
            "skips": table(skipped),
            "rejected": rejections["id"].nunique(),
            "rejections": table(rejections),
            "preview": preview(users),
        }
    )
    return users


@dg.asset(group_name="oomnitza", kinds={"api"})
def oomnitza_load(
    context: dg.AssetExecutionContext,
    oomnitza_users: pd.DataFrame,
    oomnitza: OomnitzaResource,
    integration: IntegrationSettings,
) -> dg.MaterializeResult:
    """Oomnitza users sent to Oomnitza as one bulk portion; the outcome is Oomnitza's run log."""
    records = bulk_records(oomnitza_users, {"intune_user_id": integration.intune_user_id_field})
    with oomnitza.client() as client:
        outcome = upload_portion(
            client,
            records,
            sync_fields=[f"{SYNC_KEY.upper()}"],
            connector_name=integration.connector_name,
            batch_size=integration.batch_size,
        )
    for category in ("failed", "skipped"):
        for line in outcome.logs.get(category, [])[:20]:
            context.log.warning(f"Oomnitza {category}: {line}")
    logs = pd.DataFrame(
        [(category, line) for category, lines in outcome.logs.items() for line in lines],
        columns=["outcome", "message"],
    )
    return dg.MaterializeResult(
        metadata={
            CURSOR_KEY: latest_read_link(context.instance, dg.AssetKey("graph_users_raw")) or "",
            "portion": outcome.portion,
            "sent": outcome.sent,
            "canceled": outcome.canceled,
            **{name: count for name, count in outcome.counts.items() if name != "canceled"},
            "run_log": table(logs[logs["outcome"].isin(["failed", "skipped"])]),
        }
    )
