"""Small helpers the three emulated services share."""

from datetime import UTC, datetime
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.requestlog import RequestLog

JSON = "application/json; charset=utf-8"


def json_response(body, status: int = 200, headers=None, media_type: str = JSON) -> Response:
    """orjson-encoded JSON; bytes are sent as they are (already encoded)."""
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return Response(content, status_code=status, headers=headers, media_type=media_type)


def utc_now() -> datetime:
    return datetime.now(UTC)


async def read_form(request: Request) -> dict[str, str]:
    """An x-www-form-urlencoded body (Starlette's own parser needs python-multipart)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))


async def read_json(request: Request):
    """The JSON body, or raise ValueError with a message fit for an error response."""
    body = await request.body()
    if not body:
        raise ValueError("The request has no JSON body")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise ValueError(f"The request body is not valid JSON: {error}") from None


async def read_json_object(request: Request, refusal: str) -> dict:
    """The JSON body, which must be an object; else ValueError (refusal when not an object)."""
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ValueError(refusal)
    return body


def request_log_route(log: RequestLog) -> Route:
    """GET /_sandbox/requests: every request the sandbox served, as a JSON array."""

    async def requests(request: Request) -> Response:
        return json_response(log.entries())

    return Route("/_sandbox/requests", requests, methods=["GET"])
