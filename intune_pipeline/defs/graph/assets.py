"""Graph users of one integration: read from the tenant (in full or as changes), then validated."""

import time
from collections.abc import Sequence

import dagster as dg
import pandas as pd

from intune_pipeline import pickles
from intune_pipeline.collector import collector_paused
from intune_pipeline.defs.graph.cursor import READ_KEY, delta_cursor
from intune_pipeline.defs.graph.resources import GraphResource
from intune_pipeline.defs.metadata import frame_type, preview, table
from intune_pipeline.graph import read_users
from intune_pipeline.graph.reads import group_memberships
from intune_pipeline.users.filter_rules import apply_rules, graph_properties
from intune_pipeline.users.filter_specs import OOMNITZA, Rule
from intune_pipeline.users.leavers import READ_MODE, REMOVED, present
from intune_pipeline.users.mapping_engine import properties_needed
from intune_pipeline.users.mapping_specs import Mapping
from intune_pipeline.users.roles import GROUPS_COLUMN, RoleRule, groups_of
from intune_pipeline.users.rows import renumbered
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES, GraphUser
from intune_pipeline.users.validation import validate_graph_users

GRAPH_USER_TYPE, GRAPH_USER_COLUMNS = frame_type(GraphUser)


class GraphReadConfig(dg.Config):
    full_read: bool = False
    """Read every user even when a delta link from an earlier successful sync is known."""


def graph_assets(
    name: str,
    mappings: Sequence[Mapping],
    rules: Sequence[Rule],
    role_rules: Sequence[RoleRule],
    deactivation: bool = False,
) -> list[dg.AssetsDefinition]:
    """The Graph side of the integration called name; its assets are keyed under name/.

    With deactivation on, accountEnabled is read too, so disabled users can be told apart.
    """
    graph_key = f"{name}_graph"
    # Rules on mapped fields (oomnitza.email) run on the Oomnitza side, after mapping.
    graph_rules = [rule for rule in rules if not rule.field.startswith(OOMNITZA)]
    # Beyond the GraphUser model's properties, whatever the mappings and filter rules read.
    role_conditions = [rule.condition for rule in role_rules if rule.condition]
    role_groups = groups_of(role_rules)
    wanted = properties_needed(mappings) | graph_properties([*graph_rules, *role_conditions])
    if deactivation:
        wanted.add("accountEnabled")
    extra = sorted(wanted - set(GRAPH_USER_PROPERTIES))
    # Kept through validation; the groups column is made here, never asked of Graph.
    kept = [*extra, GROUPS_COLUMN] if role_groups else extra

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"azure", "pandas"},
        required_resource_keys={graph_key},
    )
    def graph_users_raw(context: dg.AssetExecutionContext, config: GraphReadConfig) -> pd.DataFrame:
        """The tenant's users as Graph returns them: all, or those changed since the last sync."""
        graph: GraphResource = getattr(context.resources, graph_key)
        started = time.monotonic()
        user_filter = graph.parsed_filter()
        select = [*GRAPH_USER_PROPERTIES, *extra]
        if user_filter:  # delta reads evaluate the filter here, so its properties must come too
            select += sorted(user_filter.properties - set(select))
        load = dg.AssetKey([name, "oomnitza_load"])
        link = None if config.full_read else delta_cursor(context.instance, load)
        # Paused until the users' dicts are a frame and gone: resumed while they were held, the
        # collector walked every one of them (0.12 s at 100,000 users).
        with graph.client() as client, collector_paused():
            read = read_users(client, select, graph.scope(), user_filter, link, graph.segmenting())
            memberships = group_memberships(client, role_groups)
            if role_groups:
                for user in read.users:
                    user[GROUPS_COLUMN] = memberships.get(user["id"], [])
            count = len(read.users)
            frame = pd.DataFrame.from_records(read.users)
            removed = pd.DataFrame(list(read.removed.items()), columns=["id", "reason"])
            # Users a delta read says went stay in the frame, marked, so leavers can be found.
            if len(removed):
                marked = removed.rename(columns={"reason": REMOVED})
                frame = pd.concat([frame, marked], ignore_index=True)
            frame = pickles.compacted(frame)
            # Freed only now: the compacted values are laid out anew in memory, not in the holes
            # the dicts would leave (validation and mapping ran a quarter slower so).
            read.users.clear()
        if read.note:
            context.log.warning(read.note)
        frame.attrs[READ_MODE] = read.mode
        context.add_output_metadata(
            {
                "dagster/row_count": count,
                "read": read.mode,
                "removed": len(removed),
                "removed_users": table(removed),
                "fallback": read.note or "",
                "scope": graph.scope().kind,
                "filter": user_filter.text if user_filter else "",
                READ_KEY: read.delta_link,
                "seconds": round(time.monotonic() - started, 3),
            }
        )
        return frame

    @dg.asset(
        key_prefix=[name],
        group_name=name,
        pool=name,
        kinds={"pandas", "pandera"},
        dagster_type=GRAPH_USER_TYPE,
        metadata=GRAPH_USER_COLUMNS,
        ins={"graph_users_raw": dg.AssetIn(key_prefix=[name])},
    )
    def graph_users(
        context: dg.AssetExecutionContext, graph_users_raw: pd.DataFrame
    ) -> pd.DataFrame:
        """Graph users that pass the GraphUser schema; failing ones are quarantined with reasons."""
        users, rejections = validate_graph_users(present(graph_users_raw), kept)
        users, effects = apply_rules(graph_rules, users)
        users = renumbered(users)
        rejected = rejections["id"].nunique()
        if rejected:
            context.log.warning(f"{rejected} Graph users rejected; see 'rejections' in metadata")
        context.add_output_metadata(
            {
                "dagster/row_count": len(users),
                "rejected": rejected,
                "rejections": table(rejections),
                "filtered_out": sum(effect["removed"] for effect in effects),
                "filter_rules": table(pd.DataFrame(effects, columns=["rule", "removed"])),
                "preview": preview(users),
            }
        )
        return users

    return [graph_users_raw, graph_users]
