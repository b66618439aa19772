"""Graph users: read from the tenant, then validated against the GraphUser model."""

import time

import dagster as dg
import pandas as pd

from intune_pipeline.defs.graph.resources import GraphResource
from intune_pipeline.defs.metadata import frame_type, preview, table
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES, GraphUser
from intune_pipeline.users.validation import validate_graph_users

GRAPH_USER_TYPE, GRAPH_USER_COLUMNS = frame_type(GraphUser)


@dg.asset(group_name="graph", kinds={"azure", "pandas"})
def graph_users_raw(context: dg.AssetExecutionContext, graph: GraphResource) -> pd.DataFrame:
    """Every user of the tenant as Microsoft Graph returns them, with only the mapped properties."""
    started = time.monotonic()
    with graph.client() as client:
        pages = list(client.list_users(GRAPH_USER_PROPERTIES))
    frame = pd.DataFrame.from_records([user for page in pages for user in page])
    context.add_output_metadata(
        {
            "dagster/row_count": len(frame),
            "pages": len(pages),
            "seconds": round(time.monotonic() - started, 3),
        }
    )
    return frame


@dg.asset(
    group_name="graph",
    kinds={"pandas", "pandera"},
    dagster_type=GRAPH_USER_TYPE,
    metadata=GRAPH_USER_COLUMNS,
)
def graph_users(context: dg.AssetExecutionContext, graph_users_raw: pd.DataFrame) -> pd.DataFrame:
    """Graph users that pass the GraphUser schema; failing users are quarantined with reasons."""
    users, rejections = validate_graph_users(graph_users_raw)
    rejected = rejections["id"].nunique()
    if rejected:
        context.log.warning(f"{rejected} Graph users rejected; see 'rejections' in the metadata")
    context.add_output_metadata(
        {
            "dagster/row_count": len(users),
            "rejected": rejected,
            "rejections": table(rejections),
            "preview": preview(users),
        }
    )
    return users
