"""GET /v1.0/users: $select, $top, $filter, $count and opaque $skiptoken paging."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.graph_auth import READ_USERS
from intune_pipeline.sandbox.graph_context import GraphContext
from intune_pipeline.sandbox.graph_pages import PageCache, PageTokens
from intune_pipeline.sandbox.graph_query import envelope, listing, next_link, with_id
from intune_pipeline.sandbox.graphschema import DEFAULT_SELECT


def count_of(directory, keep) -> int:
    """How many users keep accepts (all without one): Graph's @odata.count."""
    if keep is None:
        # The live users' index: a loop over a million slots held the event loop 0.15 s, and
        # with it every request answered beside the count.
        return len(directory.index)
    return sum(1 for item in directory.slots if item is not None and keep(item))


def context_url(graph: GraphContext, path: str, select) -> str:
    """The @odata.context of a collection, naming the selected properties."""
    return f"{graph.url}/v1.0/$metadata#{path}" + (f"({','.join(select)})" if select else "")


def users_routes(graph: GraphContext) -> list[Route]:
    """The users collection; users keep the order the tenant holds them in."""
    cache = PageCache()
    pages = PageTokens()

    async def list_users(request: Request) -> Response:
        graph.authorize(request, READ_USERS)
        directory = graph.directory
        asked = listing(request, directory.properties, pages)
        value, stop = cache.page(
            directory.slots,
            directory.generation,
            with_id(asked.select, DEFAULT_SELECT),
            asked.start,
            asked.top,
            asked.keep,
            asked.filter,
        )
        count = None
        if asked.count and "$skiptoken" not in request.query_params:
            count = count_of(directory, asked.keep)  # on the first page only
        link = None
        if stop < len(directory.slots):
            link = next_link(f"{graph.url}/v1.0/users", request, pages.issue(stop))
        body = envelope(
            context_url(graph, "users", asked.select), value, count=count, nextLink=link
        )
        return graph.odata(request, body, {"x-ms-resource-unit": "1" if asked.select else "2"})

    return [Route("/v1.0/users", list_users)]
