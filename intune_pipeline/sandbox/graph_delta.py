"""GET /v1.0/users/delta (and delta()): full rounds, changes since a delta token, expiry."""

import random
from dataclasses import dataclass, replace

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.delta_tokens import EXPIRED, UNKNOWN
from intune_pipeline.sandbox.directory import EVERYTHING
from intune_pipeline.sandbox.graph_auth import READ_USERS
from intune_pipeline.sandbox.graph_context import GraphContext
from intune_pipeline.sandbox.graph_errors import GraphError
from intune_pipeline.sandbox.graph_pages import PageCache, PageTokens, project
from intune_pipeline.sandbox.graph_query import envelope, parse_select, with_id
from intune_pipeline.sandbox.graph_users import context_url
from intune_pipeline.sandbox.graphschema import DEFAULT_SELECT

DELTA_OPTIONS = frozenset({"$select", "$skiptoken", "$deltatoken"})
NOT_WITH_DELTA = ("$top", "$orderby", "$expand", "$skip", "$count", "$search")


@dataclass(frozen=True)
class Round:
    """A delta round in progress, behind a $skiptoken."""

    select: tuple[str, ...] | None
    version: int  # the tenant's version when the round began: its deltaLink resumes there
    ids: tuple[str, ...] | None  # the changed users, or None for a full round
    position: int = 0
    replay: tuple[str, ...] = ()  # entries of the last page to send again on this one


def page_size(position: int) -> int:
    """A few hundred, varying from page to page as Graph's delta pages do."""
    return 250 + position * 7919 % 400


def delta_routes(graph: GraphContext) -> list[Route]:
    directory = graph.directory
    rounds = PageTokens()
    cache = PageCache()
    replays = random.Random(f"delta-replays-{directory.seed}")

    def entry(user_id: str, props: tuple[str, ...]) -> dict:
        user = directory.user(user_id)
        if user is not None:
            return project([user], props)[0]
        return {"id": user_id, "@removed": {"reason": directory.removed.get(user_id, "deleted")}}

    def start(request: Request) -> Round:
        query = request.query_params
        for option in query:
            if option in NOT_WITH_DELTA:
                text = f"The query option '{option}' is not supported with delta queries."
                raise GraphError(400, "Request_UnsupportedQuery", text)  # wording inferred
            if option.startswith("$") and option not in DELTA_OPTIONS:
                text = f"Query option '{option}' is not supported by the sandbox's delta emulator."
                raise GraphError(400, "Request_UnsupportedQuery", text)
        if "$skiptoken" in query:
            state = rounds.get(query["$skiptoken"])
            if state is None:
                raise GraphError(400, "Request_BadRequest", "The specified page token is invalid.")
            return state
        token = query.get("$deltatoken")
        if token is None or token == "latest":  # a full round, or none at all
            select = parse_select(query.get("$select"), directory.properties)
            return Round(select, directory.version, None if token is None else ())
        status, state = directory.delta_tokens.check(token, graph.config.delta_token_ttl)
        if status == UNKNOWN:
            raise GraphError(400, "Request_BadRequest", "The specified delta token is invalid.")
        if status == EXPIRED:
            raise expired(state.select)
        # With $select, only changes to the selected properties count, as Graph documents.
        tracked = frozenset((*state.select, EVERYTHING)) if state.select else None
        changed = directory.changed_since(state.version, tracked)
        return Round(state.select, directory.version, tuple(changed))

    def expired(select) -> GraphError:
        # Graph answers an expired token with 410 Gone and a Location to start again from, or
        # with a 4xx resyncRequired; both codes are documented, the messages are inferred.
        if graph.config.delta_expiry_style == "resync":
            text = "Resync required: the delta token has expired. Start again with a full sync."
            return GraphError(400, "resyncRequired", text)
        restart = f"{graph.url}/v1.0/users/delta"
        if select:
            restart += f"?$select={','.join(select)}"
        text = "The sync state of this delta token was not found or has expired."
        return GraphError(410, "syncStateNotFound", text, {"Location": restart})

    async def delta(request: Request) -> Response:
        graph.authorize(request, READ_USERS)
        state = start(request)
        props = with_id(state.select, DEFAULT_SELECT)
        size = page_size(state.position)
        if state.ids is None:
            value, stop = cache.page(
                directory.slots, directory.generation, props, state.position, size
            )
            total = len(directory.slots)
            served = ()
            if graph.config.delta_replays:
                served = [user["id"] for user in directory.slots[state.position : stop] if user]
        else:
            stop = min(state.position + size, len(state.ids))
            served = state.ids[state.position : stop]
            value = orjson.dumps([entry(user_id, props) for user_id in served])
            total = len(state.ids)
        share = graph.config.delta_replays
        again = tuple(user_id for user_id in served if share and replays.random() < share)
        if stop >= total:  # replays of the last page come at its end
            value = joined(value, [entry(user_id, props) for user_id in again])
            again = ()
        value = joined(orjson.dumps([entry(user_id, props) for user_id in state.replay]), value)
        links = {}
        if stop < total:
            following = replace(state, position=stop, replay=again)
            links["nextLink"] = f"{graph.url}/v1.0/users/delta?$skiptoken={rounds.issue(following)}"
        else:
            token = directory.delta_tokens.issue(state.select, state.version)
            links["deltaLink"] = f"{graph.url}/v1.0/users/delta?$deltatoken={token}"
        return graph.odata(
            request, envelope(context_url(graph, "users", state.select), value, **links)
        )

    return [Route("/v1.0/users/delta", delta), Route("/v1.0/users/delta()", delta)]


def joined(first: bytes, more) -> bytes:
    """Two JSON arrays (bytes, or a list for the second) made one."""
    second = more if isinstance(more, bytes) else orjson.dumps(more)
    if second == b"[]":
        return first
    if first == b"[]":
        return second
    return first[:-1] + b"," + second[1:]
