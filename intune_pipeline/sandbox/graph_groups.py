"""Groups: GET /v1.0/groups, and members and transitiveMembers, with or without the user cast."""

import re

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.graph_auth import READ_GROUP_MEMBERS
from intune_pipeline.sandbox.graph_context import GraphContext
from intune_pipeline.sandbox.graph_errors import GraphError
from intune_pipeline.sandbox.graph_pages import PageTokens, project
from intune_pipeline.sandbox.graph_query import (
    check_options,
    envelope,
    listing,
    next_link,
    parse_select,
    with_id,
)
from intune_pipeline.sandbox.graph_users import context_url
from intune_pipeline.sandbox.graphschema import DEFAULT_SELECT
from intune_pipeline.sandbox.groups import GROUP_PROPERTIES

GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
USER_CAST = "/microsoft.graph.user"


def groups_routes(graph: GraphContext) -> list[Route]:
    directory = graph.directory
    pages = PageTokens("R3JvdXBQYWdl")
    group_names = {prop.lower(): prop for prop in GROUP_PROPERTIES}

    async def list_groups(request: Request) -> Response:
        graph.authorize(request, READ_GROUP_MEMBERS)
        check_options(request.query_params, frozenset({"$select"}))
        select = parse_select(request.query_params.get("$select"), group_names, "group")
        value = orjson.dumps(project(directory.groups, with_id(select, GROUP_PROPERTIES)))
        return graph.odata(request, envelope(context_url(graph, "groups", select), value))

    def find(request: Request) -> dict:
        group_id = request.path_params["group_id"]
        if not GUID.fullmatch(group_id):
            raise GraphError(400, "Request_BadRequest", f"Invalid object identifier '{group_id}'.")
        group = directory.group(group_id)
        if group is None:
            text = (
                f"Resource '{group_id}' does not exist or one of its queried reference-property "
                "objects are not present."
            )
            raise GraphError(404, "Request_ResourceNotFound", text)
        return group

    async def members(request: Request) -> Response:
        graph.authorize(request, READ_GROUP_MEMBERS)
        group = find(request)
        path = request.url.path
        cast = path.endswith(USER_CAST)
        names = directory.properties if cast else {**group_names, **directory.properties}
        asked = listing(request, names, pages)
        user_props = with_id(asked.select, DEFAULT_SELECT)
        group_props = [p for p in asked.select or GROUP_PROPERTIES if p in GROUP_PROPERTIES]
        ids = directory.members(group, "/transitiveMembers" in path)

        def kept(member_id: str):
            """The member as listed, or None when the cast or the filter leaves it out."""
            user = directory.user(member_id)
            if user is None:
                found = None if cast else directory.group(member_id)
                if found is None or (asked.keep and not asked.keep(found)):
                    return None
                return {"@odata.type": "#microsoft.graph.group"} | {
                    prop: found[prop] for prop in (*group_props, "id")
                }
            if asked.keep and not asked.keep(user):
                return None
            listed = project([user], user_props)[0]
            return listed if cast else {"@odata.type": "#microsoft.graph.user", **listed}

        value, n = [], asked.start
        while n < len(ids) and len(value) < asked.top:
            member = kept(ids[n])
            n += 1
            if member is not None:
                value.append(member)
        count = None
        if asked.count and "$skiptoken" not in request.query_params:
            count = sum(1 for member_id in ids if kept(member_id) is not None)
        link = next_link(f"{graph.url}{path}", request, pages.issue(n)) if n < len(ids) else None
        context = context_url(graph, "users" if cast else "directoryObjects", asked.select)
        body = envelope(context, orjson.dumps(value), count=count, nextLink=link)
        return graph.odata(request, body)

    routes = [Route("/v1.0/groups", list_groups)]
    for relation in ("members", "transitiveMembers"):
        for suffix in ("", USER_CAST):
            routes.append(Route(f"/v1.0/groups/{{group_id}}/{relation}{suffix}", members))
    return routes
