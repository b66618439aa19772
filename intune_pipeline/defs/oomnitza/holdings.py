"""What Oomnitza holds now: the users the plan compares the mapped users with."""

import time
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import pandas as pd

from intune_pipeline.defs.frames import OOMNITZA_USERS_IO_MANAGER
from intune_pipeline.defs.metadata import PREVIEW_ROWS, preview
from intune_pipeline.defs.oomnitza.resources import IntegrationSettings, OomnitzaResource
from intune_pipeline.oomnitza import snapshots
from intune_pipeline.oomnitza.holdings import Holdings, columns_of, current_users


class HoldingsConfig(dg.Config):
    full_read: bool = False
    """Read every Oomnitza user even when the last sync's read can be brought up to date."""


def snapshot_path(instance: dg.DagsterInstance, name: str) -> Path:
    """Where the reconciliation keeps what Oomnitza held after the integration's last load."""
    return Path(instance.storage_directory()) / name / "oomnitza_users_after_load.pickle"


def read_holdings(
    context,
    name: str,
    fields: Sequence[str],
    earlier: pd.DataFrame | None,
    own_earlier: bool = False,
) -> Holdings:
    """Oomnitza's users now, through the integration's resources, from earlier if it can be
    (written into when own_earlier: see current_users)."""
    oomnitza: OomnitzaResource = getattr(context.resources, f"{name}_oomnitza")
    integration: IntegrationSettings = getattr(context.resources, f"{name}_integration")
    intune_field = integration.intune_field()
    columns = columns_of(fields, intune_field)
    with oomnitza.client() as client:
        return current_users(client, columns, intune_field, earlier, own_earlier)


def holdings_metadata(holdings: Holdings) -> dict:
    """How Oomnitza was read, and why in full when an earlier read could not be used."""
    return {
        "read": holdings.how,
        "records_read": holdings.records_read,
        "why_full": holdings.why_full,
    }


def holdings_asset(name: str, fields: Sequence[str]) -> dg.AssetsDefinition:
    """The integration called name's read of Oomnitza; fields are the mapped ones."""

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"api", "pandas"},
        io_manager_key=OOMNITZA_USERS_IO_MANAGER,
        required_resource_keys={f"{name}_oomnitza", f"{name}_integration"},
    )
    def oomnitza_users_current(
        context: dg.AssetExecutionContext, config: HoldingsConfig
    ) -> pd.DataFrame:
        """The users Oomnitza holds now, with only the fields this integration manages: the
        last load's read-back brought up to date by change_date, or a full read."""
        started = time.monotonic()
        earlier = (
            None
            if config.full_read
            else snapshots.load_snapshot(snapshot_path(context.instance, name))
        )
        # Read from disk for this step alone: brought up to date in place.
        holdings = read_holdings(context, name, fields, earlier, own_earlier=True)
        held = holdings.users
        managed = held["intune_user_id"].notna()
        context.add_output_metadata(
            {
                "dagster/row_count": len(held),
                **holdings_metadata(holdings),
                "managed": int(managed.sum()),
                "suspended": int(held["suspended"].eq(True).sum()),
                "seconds": round(time.monotonic() - started, 3),
                # The first managed users only: selecting all of them copied the whole frame.
                "preview": preview(held.loc[managed.index[managed.to_numpy()][:PREVIEW_ROWS]]),
            }
        )
        return held

    return oomnitza_users_current


def holdings_after_load(
    context, name: str, fields: Sequence[str], before: pd.DataFrame
) -> Holdings:
    """Oomnitza's users after the load: the read before it, with what changed since, kept for
    the next run."""
    holdings = read_holdings(context, name, fields, before)
    snapshots.keep(holdings, snapshot_path(context.instance, name))
    return holdings
