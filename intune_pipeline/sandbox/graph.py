"""The Microsoft Graph emulator: GET /v1.0/users with $select, $top and opaque $skiptoken paging."""

from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.graph_errors import (
    GraphError,
    error_response,
    not_allowed,
    not_found,
    response_headers,
)
from intune_pipeline.sandbox.graph_pages import UserPages
from intune_pipeline.sandbox.graphschema import DEFAULT_SELECT, USER_PROPERTIES
from intune_pipeline.sandbox.requestlog import RequestLog
from intune_pipeline.sandbox.tokens import EXPIRED, VALID, TokenStore
from intune_pipeline.sandbox.web import json_response, request_log_route

ODATA_JSON = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8"
)
DEFAULT_TOP = 100
SUPPORTED_OPTIONS = {"$select", "$top", "$skiptoken"}


def graph_app(graph_url: str, users: list[dict], tokens: TokenStore, log: RequestLog) -> Starlette:
    """The Graph host; users keep the order they are given in."""
    pages = UserPages(users)
    names = {p.lower(): p for p in USER_PROPERTIES}
    # A tenant file may hold properties beyond the list; every user there has the same keys.
    names.update({p.lower(): p for user in users[:1] for p in user if not p.startswith("@")})

    def authorize(request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
        state = tokens.check(token)
        if state == VALID:
            return
        if state == EXPIRED:
            message = "Access token has expired or is not yet valid."
        elif "." not in token:
            message = (
                "IDX14100: JWT is not well formed, there are no dots (.).\n"
                "The token needs to be in JWS or JWE Compact Serialization Format. (JWS): "
                "'EncodedHeader.EndcodedPayload.Signature'. (JWE): 'EncodedProtectedHeader."
                "EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext."
                "EncodedAuthenticationTag'."
            )
        else:
            message = "Access token validation failure. Invalid audience."
        raise GraphError(401, "InvalidAuthenticationToken", message)

    def parse_select(raw: str | None) -> tuple[str, ...] | None:
        if raw is None or not raw.strip():
            return None
        chosen: list[str] = []
        for item in (part.strip() for part in raw.split(",")):
            prop = names.get(item.lower())
            if prop is None:
                text = f"Could not find a property named '{item}' on type 'microsoft.graph.user'."
                raise GraphError(400, "Request_BadRequest", text)
            if prop not in chosen:
                chosen.append(prop)
        return tuple(chosen)

    def parse_top(raw: str | None) -> int:
        if raw is None:
            return DEFAULT_TOP
        if not raw.isdigit() or not 1 <= int(raw) <= 999:
            text = f"Invalid page size specified: '{raw}'. Must be between 1 and 999 inclusive."
            raise GraphError(400, "Request_UnsupportedQuery", text)
        return int(raw)

    async def list_users(request: Request) -> Response:
        authorize(request)
        query = request.query_params
        for option in query:
            if option == "$skip":
                raise GraphError(
                    400, "Request_UnsupportedQuery", "'$skip' is not supported by the service."
                )
            if option.startswith("$") and option not in SUPPORTED_OPTIONS:
                text = f"Query option '{option}' is not supported by the sandbox's Graph emulator."
                raise GraphError(400, "Request_UnsupportedQuery", text)
        select = parse_select(query.get("$select"))
        top = parse_top(query.get("$top"))
        start = 0
        if "$skiptoken" in query:
            start = pages.position(query["$skiptoken"])
            if start is None:
                raise GraphError(400, "Request_BadRequest", "The specified page token is invalid.")
        props = select or DEFAULT_SELECT
        if "id" not in props:
            props = (*props, "id")
        value, stop = pages.page(props, start, top)
        context = f"{graph_url}/v1.0/$metadata#users"
        if select:
            context += f"({','.join(select)})"
        body = b'{"@odata.context":"' + context.encode() + b'","value":' + value
        if stop < len(pages.users):
            link = f"{graph_url}/v1.0/users?"
            if select:
                link += f"$select={quote(','.join(select), safe=',')}&"
            if "$top" in query:
                link += f"$top={top}&"
            link += f"$skiptoken={pages.skiptoken(stop)}"
            body += b',"@odata.nextLink":"' + link.encode() + b'"'
        headers = response_headers(request)
        headers["x-ms-resource-unit"] = "1" if select else "2"
        return json_response(body + b"}", headers=headers, media_type=ODATA_JSON)

    async def not_yet(request: Request) -> Response:
        authorize(request)
        text = "The sandbox does not emulate users/delta yet."
        raise GraphError(501, "NotImplemented", text)

    async def graph_error(request: Request, error: GraphError) -> Response:
        return error_response(error, response_headers(request))

    return Starlette(
        routes=[
            Route("/v1.0/users", list_users),
            Route("/v1.0/users/delta", not_yet),
            Route("/v1.0/users/delta()", not_yet),
            request_log_route(log),
        ],
        exception_handlers={GraphError: graph_error, 404: not_found, 405: not_allowed},
    )
