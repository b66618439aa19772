"""The Graph delta sensor: a sync run only when Graph says something changed."""

import hashlib

import dagster as dg

from intune_pipeline.defs.graph.cursor import delta_cursor
from intune_pipeline.defs.graph.resources import GraphResource
from intune_pipeline.defs.jobs import sync_job_name
from intune_pipeline.errors import RemoteError
from intune_pipeline.graph.errors import DeltaExpired
from intune_pipeline.settings import Integration


def delta_sensor(integration: Integration) -> dg.SensorDefinition:
    name, graph_key = integration.name, f"{integration.name}_graph"
    load = dg.AssetKey([name, "oomnitza_load"])
    launched = integration.status == "launched"

    @dg.sensor(
        name=f"{name}_graph_changes",
        job_name=sync_job_name(name),
        minimum_interval_seconds=integration.delta_sensor.interval_seconds,
        required_resource_keys={graph_key},
        default_status=(
            dg.DefaultSensorStatus.RUNNING if launched else dg.DefaultSensorStatus.STOPPED
        ),
    )
    def graph_changes(context: dg.SensorEvaluationContext):
        """Asks Graph what changed since it last looked; a sync run when anything did."""
        graph: GraphResource = getattr(context.resources, graph_key)
        # Its own delta link (kept in the instance, so it survives daemon restarts), else the
        # link of the last successful load: the changes Oomnitza has not seen.
        link = context.cursor or delta_cursor(context.instance, load)
        if not link:
            return dg.SkipReason("No sync has succeeded yet: the first one reads every user")
        key = hashlib.sha256(link.encode()).hexdigest()[:24]
        try:
            with graph.client() as client:
                if not client.is_graph_link(link):
                    raise DeltaExpired("the delta link is for another Graph host")
                changed, next_link = look(client, link)
        except RemoteError as error:
            if not isinstance(error, DeltaExpired) and error.status not in (400, 404, 410):
                raise
            # Graph no longer knows what changed since then: a sync (reading every user) will.
            context.update_cursor(None)
            return dg.RunRequest(run_key=f"resync-{key}", tags={"intune_pipeline/trigger": "delta"})
        context.update_cursor(next_link)
        if not changed:
            return dg.SkipReason("Graph reports no change")
        # The key is the link asked with: each change is seen after exactly one link.
        context.log.info(f"Graph reports {changed} changed or removed users: requesting a sync")
        return dg.RunRequest(run_key=key, tags={"intune_pipeline/trigger": "delta"})

    return graph_changes


def look(client, link: str) -> tuple[int, str]:
    """How many users changed since the link, and the link to ask with next time."""
    changed, next_link = 0, None
    for body in client.delta([], link):
        changed += len(body.get("value") or [])
        next_link = body.get("@odata.deltaLink") or next_link
    if not next_link:
        raise RemoteError("Graph ended a delta round without an @odata.deltaLink")
    return changed, next_link
