"""What every Graph endpoint shares: the tenant, the tokens, the settings, the response shape."""

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from intune_pipeline.sandbox.config import SandboxConfig
from intune_pipeline.sandbox.directory import Directory
from intune_pipeline.sandbox.graph_auth import authenticate, require
from intune_pipeline.sandbox.graph_errors import response_headers
from intune_pipeline.sandbox.graph_query import ODATA_JSON
from intune_pipeline.sandbox.tokens import TokenStore
from intune_pipeline.sandbox.web import json_response


@dataclass
class GraphContext:
    url: str  # the Graph host, https://127.0.0.1:PORT
    directory: Directory
    tokens: TokenStore
    config: SandboxConfig  # read on each request, so changes to it apply at once

    def authorize(self, request: Request, accepted: tuple[str, ...]) -> None:
        """401 without a valid token, then 403 without one of the accepted permissions."""
        authenticate(request, self.tokens)
        require(self.config.app_permissions, accepted)

    def odata(self, request: Request, body: bytes, headers: dict | None = None) -> Response:
        """A 200 OData JSON answer with Graph's response headers."""
        merged = {**response_headers(request), **(headers or {})}
        return json_response(body, headers=merged, media_type=ODATA_JSON)
