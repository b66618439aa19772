"""Graph's response headers and error body: {"error": {"code", "message", "innerError"}}."""

import uuid

from starlette.requests import Request
from starlette.responses import Response

from intune_pipeline.sandbox.web import json_response, utc_now

# Graph's own application id, which Graph names in its WWW-Authenticate challenge.
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


class GraphError(Exception):
    """Raised by a handler; answered in Graph's error shape."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(error: GraphError, headers: dict[str, str]) -> Response:
    body = {
        "error": {
            "code": error.code,
            "message": error.message,
            "innerError": {
                "date": utc_now().strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": headers["request-id"],
                "client-request-id": headers["client-request-id"],
            },
        }
    }
    headers = {**headers, **error.headers}
    if error.status == 401:
        headers["WWW-Authenticate"] = f'Bearer realm="", client_id="{GRAPH_APP_ID}"'
    return json_response(body, error.status, headers)


def response_headers(request: Request) -> dict[str, str]:
    """The ids Graph puts on every response; client-request-id echoes the client's."""
    request_id = request.scope.setdefault("graph.request_id", str(uuid.uuid4()))
    return {
        "request-id": request_id,
        "client-request-id": request.headers.get("client-request-id") or request_id,
        "x-ms-ags-diagnostic": '{"ServerInfo":{"DataCenter":"Sandbox","Slice":"E","Ring":"1"}}',
        "Strict-Transport-Security": "max-age=31536000",
        "Cache-Control": "no-cache",
    }


async def not_found(request: Request, exc) -> Response:
    segment = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    error = GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")
    return error_response(error, response_headers(request))


async def not_allowed(request: Request, exc) -> Response:
    text = "Specified HTTP method is not allowed for the request target."
    return error_response(GraphError(405, "Request_BadRequest", text), response_headers(request))
