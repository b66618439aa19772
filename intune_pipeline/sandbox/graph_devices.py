"""GET /v1.0/deviceManagement/managedDevices: Intune's devices, $select, $top, paging."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.devices import DEVICE_PROPERTIES
from intune_pipeline.sandbox.graph_auth import READ_DEVICES
from intune_pipeline.sandbox.graph_context import GraphContext
from intune_pipeline.sandbox.graph_errors import GraphError
from intune_pipeline.sandbox.graph_pages import PageCache, PageTokens
from intune_pipeline.sandbox.graph_query import (
    check_options,
    envelope,
    next_link,
    parse_select,
    parse_top,
    with_id,
)
from intune_pipeline.sandbox.graph_users import context_url

DEVICE_OPTIONS = frozenset({"$select", "$top", "$skiptoken"})
# Inferred: Graph's documentation says reading devices needs an Intune licence, not what a
# tenant without one gets; this is Graph's error shape with a message that says so.
NO_LICENCE = (
    "The tenant does not have an active Microsoft Intune license: managed devices cannot be read."
)


def devices_routes(graph: GraphContext) -> list[Route]:
    cache = PageCache()
    pages = PageTokens("MGRldmljZQ")
    names = {prop.lower(): prop for prop in DEVICE_PROPERTIES}

    async def managed_devices(request: Request) -> Response:
        graph.authorize(request, READ_DEVICES)
        if not graph.config.intune_licensed:
            raise GraphError(403, "Forbidden", NO_LICENCE)
        query = request.query_params
        check_options(query, DEVICE_OPTIONS)
        select = parse_select(query.get("$select"), names, "managedDevice", "BadRequest")
        # Intune pages hold up to 1000 devices; the error for more is inferred.
        top = parse_top(query.get("$top"), 1000, 1000, "BadRequest")
        start = 0
        if "$skiptoken" in query:
            start = pages.get(query["$skiptoken"])
            if start is None:
                raise GraphError(400, "BadRequest", "The specified page token is invalid.")
        directory = graph.directory
        devices = directory.devices
        props = with_id(select, DEVICE_PROPERTIES)
        value, stop = cache.page(devices, directory.generation, props, start, top)
        link = None
        if stop < len(devices):
            base = f"{graph.url}/v1.0/deviceManagement/managedDevices"
            link = next_link(base, request, pages.issue(stop))
        context = context_url(graph, "deviceManagement/managedDevices", select)
        return graph.odata(request, envelope(context, value, nextLink=link))

    return [Route("/v1.0/deviceManagement/managedDevices", managed_devices)]
