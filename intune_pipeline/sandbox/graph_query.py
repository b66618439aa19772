"""Query options of Graph's user collections: $select, $top, $count, $filter, ConsistencyLevel."""

from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request

from intune_pipeline.sandbox.graph_errors import GraphError
from intune_pipeline.sandbox.graph_filter import compile_filter
from intune_pipeline.sandbox.graph_filter_terms import Keep, unsupported
from intune_pipeline.sandbox.graph_pages import PageTokens

ODATA_JSON = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8"
)
LISTING_OPTIONS = frozenset({"$select", "$top", "$skiptoken", "$filter", "$count"})


@dataclass
class Listing:
    """What a request for a page of users asked for, checked."""

    select: tuple[str, ...] | None  # as asked, for @odata.context
    top: int
    count: bool
    keep: Keep | None
    filter: str | None
    start: int  # where the page starts: 0, or where the $skiptoken says


def check_options(query, supported: frozenset[str]) -> None:
    for option in query:
        if option == "$skip":
            text = "'$skip' is not supported by the service."
            raise GraphError(400, "Request_UnsupportedQuery", text)
        if option.startswith("$") and option not in supported:
            text = f"Query option '{option}' is not supported by the sandbox's Graph emulator."
            raise GraphError(400, "Request_UnsupportedQuery", text)


def parse_select(
    raw: str | None, names: dict[str, str], type_name="user", code="Request_BadRequest"
):
    """The properties asked for, in Graph's spelling, or None when $select is absent."""
    if raw is None or not raw.strip():
        return None
    chosen: list[str] = []
    for item in (part.strip() for part in raw.split(",")):
        prop = names.get(item.lower())
        if prop is None:
            text = (
                f"Could not find a property named '{item}' on type 'microsoft.graph.{type_name}'."
            )
            raise GraphError(400, code, text)
        if prop not in chosen:
            chosen.append(prop)
    return tuple(chosen)


def parse_top(raw: str | None, default: int, high: int, code="Request_UnsupportedQuery") -> int:
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        text = f"Invalid page size specified: '{raw}'. Must be between 1 and {high} inclusive."
        raise GraphError(400, code, text)
    return int(raw)


def with_id(select: tuple[str, ...] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """What to project: the selected properties (or the defaults), id always among them."""
    props = select or default
    return props if "id" in props else (*props, "id")


def listing(request: Request, names: dict[str, str], pages: PageTokens) -> Listing:
    """A users listing's options, with Graph's rules for advanced queries.

    $count, and filters with ne, not, endsWith or a lambda, need the ConsistencyLevel:
    eventual header and $count=true; nextLinks repeat $count, so every page needs the header.
    """
    query = request.query_params
    check_options(query, LISTING_OPTIONS)
    select = parse_select(query.get("$select"), names)
    top = parse_top(query.get("$top"), 100, 999)
    eventual = request.headers.get("consistencylevel", "").strip().lower() == "eventual"
    count = query.get("$count", "false").lower()
    if count not in ("true", "false"):
        raise GraphError(400, "Request_BadRequest", f"Invalid value '{count}' for $count.")
    if count == "true" and not eventual:
        raise GraphError(400, "Request_BadRequest", "$count is not currently supported.")
    keep, text = None, query.get("$filter")
    if text is not None:
        keep, advanced = compile_filter(text, names)
        if advanced and not (eventual and count == "true"):
            raise unsupported(advanced)  # Graph says the same as for a clause it never takes
    start = 0
    if "$skiptoken" in query:
        start = pages.get(query["$skiptoken"])
        if start is None:
            raise GraphError(400, "Request_BadRequest", "The specified page token is invalid.")
    return Listing(select, top, count == "true", keep, text, start)


def next_link(base: str, request: Request, skiptoken: str) -> str:
    """base with the request's options but its $skiptoken, then the new $skiptoken."""
    options = [
        f"{key}={quote(value, safe=',()/:')}"
        for key, value in request.query_params.multi_items()
        if key != "$skiptoken"
    ]
    return f"{base}?{'&'.join([*options, f'$skiptoken={skiptoken}'])}"


def envelope(context: str, value: bytes, **annotations) -> bytes:
    """A collection page: @odata.context, any @odata.count, value, then the links."""
    body = b'{"@odata.context":"' + context.encode() + b'"'
    if annotations.get("count") is not None:
        body += b',"@odata.count":' + str(annotations["count"]).encode()
    body += b',"value":' + value
    for name in ("nextLink", "deltaLink"):
        if annotations.get(name):
            body += b',"@odata.' + name.encode() + b'":"' + annotations[name].encode() + b'"'
    return body + b"}"
