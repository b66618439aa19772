"""The Microsoft Graph emulator: users (with delta), Intune devices, groups, operator routes."""

from starlette.applications import Starlette

from intune_pipeline.sandbox.config import SandboxConfig
from intune_pipeline.sandbox.directory import Directory
from intune_pipeline.sandbox.graph_context import GraphContext
from intune_pipeline.sandbox.graph_delta import delta_routes
from intune_pipeline.sandbox.graph_devices import devices_routes
from intune_pipeline.sandbox.graph_errors import (
    GraphError,
    error_response,
    not_allowed,
    not_found,
    response_headers,
)
from intune_pipeline.sandbox.graph_groups import groups_routes
from intune_pipeline.sandbox.graph_operator import operator_routes
from intune_pipeline.sandbox.graph_users import users_routes
from intune_pipeline.sandbox.requestlog import RequestLog
from intune_pipeline.sandbox.tokens import TokenStore
from intune_pipeline.sandbox.web import request_log_route


def graph_app(
    graph_url: str,
    tenant: Directory | list[dict],
    tokens: TokenStore,
    log: RequestLog,
    config: SandboxConfig | None = None,
) -> Starlette:
    """The Graph host over a Directory (or a plain list of users, wrapped in one)."""
    config = config or SandboxConfig()
    directory = tenant if isinstance(tenant, Directory) else Directory(tenant, config.seed)
    graph = GraphContext(graph_url, directory, tokens, config)

    async def graph_error(request, error: GraphError):
        return error_response(error, response_headers(request))

    return Starlette(
        routes=[
            *delta_routes(graph),  # before /v1.0/users, though the paths differ anyway
            *users_routes(graph),
            *devices_routes(graph),
            *groups_routes(graph),
            *operator_routes(directory),
            request_log_route(log),
        ],
        exception_handlers={GraphError: graph_error, 404: not_found, 405: not_allowed},
    )
