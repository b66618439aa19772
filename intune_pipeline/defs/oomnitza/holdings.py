"""What Oomnitza holds now: the users the plan compares the mapped users with."""

import time
from collections.abc import Sequence

import dagster as dg
import pandas as pd

from intune_pipeline.defs.metadata import preview
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings, OomnitzaResource
from intune_pipeline.oomnitza.client import OomnitzaClient

# Read besides the mapped fields: the record's identity, its role, and whether it is suspended.
RECORD_FIELDS = ["user_id", "uid", "role", "suspended"]


def held_users(client: OomnitzaClient, fields: Sequence[str], intune_field: str) -> pd.DataFrame:
    """Oomnitza's users with only the fields given; the Intune id field named intune_user_id."""
    rest = [intune_field if field == "intune_user_id" else field for field in fields]
    columns = list(dict.fromkeys([*RECORD_FIELDS, *rest]))
    pages = [
        pd.DataFrame.from_records(page, columns=columns) for page in client.list_users() if page
    ]
    frame = pd.concat(pages, ignore_index=True) if pages else pd.DataFrame(columns=columns)
    return frame.rename(columns={intune_field: "intune_user_id"})


def holdings_asset(name: str, fields: Sequence[str]) -> dg.AssetsDefinition:
    """The integration called name's read of Oomnitza; fields are the mapped ones."""
    oomnitza_key, settings_key = f"{name}_oomnitza", f"{name}_integration"

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"api", "pandas"},
        required_resource_keys={oomnitza_key, settings_key},
    )
    def oomnitza_users_current(context: dg.AssetExecutionContext) -> pd.DataFrame:
        """The users Oomnitza holds now, with only the fields this integration manages."""
        oomnitza: OomnitzaResource = getattr(context.resources, oomnitza_key)
        integration: IntegrationSettings = getattr(context.resources, settings_key)
        started = time.monotonic()
        with oomnitza.client() as client:
            held = held_users(client, fields, integration.intune_field())
        managed = held["intune_user_id"].notna()
        context.add_output_metadata(
            {
                "dagster/row_count": len(held),
                "managed": int(managed.sum()),
                "suspended": int(held["suspended"].eq(True).sum()),
                "seconds": round(time.monotonic() - started, 3),
                "preview": preview(held[managed]),
            }
        )
        return held

    return oomnitza_users_current
