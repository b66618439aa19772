"""The Oomnitza API emulator: users REST, field metadata, SaaS, bulk portions and run logs."""

import hmac

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.oomnitza_bulk import ApiError, Bulk
from intune_pipeline.sandbox.oomnitza_losses import losses_routes
from intune_pipeline.sandbox.oomnitza_metadata import user_fields_metadata
from intune_pipeline.sandbox.oomnitza_saas import SaasStore
from intune_pipeline.sandbox.oomnitza_saas_api import saas_routes
from intune_pipeline.sandbox.oomnitza_store import UserStore
from intune_pipeline.sandbox.oomnitza_users import UserListings, checked_values
from intune_pipeline.sandbox.requestlog import RequestLog
from intune_pipeline.sandbox.web import json_response, read_json, request_log_route


def oomnitza_app(
    store: UserStore, bulk: Bulk, saas: SaasStore, api_token: str, log: RequestLog
) -> Starlette:
    """Every /api/v3 call needs the Authorization2 header; /_sandbox/* is the operator's."""

    listings = UserListings(store)

    def api(handler):
        async def endpoint(request: Request) -> Response:
            supplied = request.headers.get("authorization2", "").strip().encode()
            if not hmac.compare_digest(supplied, api_token.encode()):
                return json_response({"errors": "Invalid or missing API token"}, 401)
            return await handler(request)

        return endpoint

    async def body(request: Request):
        try:
            return await read_json(request)
        except ValueError as error:
            raise ApiError(400, str(error)) from None

    def user_or_404(request: Request) -> dict:
        user = store.get(request.path_params["ident"])
        if user is None:
            raise ApiError(404, f"User {request.path_params['ident']!r} not found")
        return user

    async def list_users(request: Request) -> Response:
        return listings.answer(request.query_params)

    async def create_user(request: Request) -> Response:
        values = checked_values(store, await body(request))
        return json_response(store.create(values, by="api"))

    async def get_user(request: Request) -> Response:
        return json_response(user_or_404(request))

    async def patch_user(request: Request) -> Response:
        user = user_or_404(request)
        values = checked_values(store, await body(request), user)
        changes = {field: values[field] for field in store.changed_fields(user, values)}
        if changes:
            store.update(user, changes, by="api")
        return json_response(user)

    async def delete_user(request: Request) -> Response:
        user = user_or_404(request)
        store.delete(user)
        return json_response(user)

    async def user_fields(request: Request) -> Response:
        return json_response(user_fields_metadata())

    async def post_bulk(request: Request) -> Response:
        return json_response(bulk.receive(await body(request), request.client.host))

    async def bulk_state(request: Request) -> Response:
        return json_response(bulk.state(request.path_params["portion"]))

    async def finalize(request: Request) -> Response:
        bulk.finalize(request.path_params["portion"])
        return json_response({})

    async def ready_portion(request: Request) -> Response:
        integration = request.path_params["integration"]
        bulk.ready_portion(integration, await body(request), request.client.host)
        return json_response({})

    async def run_log(request: Request) -> Response:
        portion = bulk.portions.get(request.path_params["portion"])
        if portion is None:
            raise ApiError(404, f"Portion {request.path_params['portion']!r} not found")
        return json_response(portion.details())

    async def connector_runs(request: Request) -> Response:
        runs = bulk.runs(request.path_params["connector"])
        return json_response(runs, headers={"x-total-count": str(len(runs))})

    async def cancel(request: Request) -> Response:
        return json_response(bulk.cancel(request.path_params["portion"]).state())

    async def api_error(request: Request, error: ApiError) -> Response:
        return json_response({"errors": error.message}, error.status)

    async def not_found(request: Request, exc) -> Response:
        return json_response({"errors": f"Not found: {request.url.path}"}, 404)

    async def not_allowed(request: Request, exc) -> Response:
        return json_response({"errors": f"Method {request.method} not allowed here"}, 405)

    users, bulk_path = "/api/v3/users", "/api/v3/bulk"
    logs = "/api/v3/connector_run_logs"
    return Starlette(
        routes=[
            Route(users, api(list_users), methods=["GET"]),
            Route(users, api(create_user), methods=["POST"]),
            Route(users + "/{ident}", api(get_user), methods=["GET"]),
            Route(users + "/{ident}", api(patch_user), methods=["PATCH"]),
            Route(users + "/{ident}", api(delete_user), methods=["DELETE"]),
            Route("/api/v3/fields/users", api(user_fields), methods=["GET"]),
            *saas_routes(saas, api, body),
            Route(bulk_path, api(post_bulk), methods=["POST"]),
            Route(bulk_path + "/{portion}", api(bulk_state), methods=["GET"]),
            Route(bulk_path + "/{portion}/finalize", api(finalize), methods=["POST"]),
            Route(
                bulk_path + "/{integration}/add_ready_portion", api(ready_portion), methods=["POST"]
            ),
            Route(logs + "/connectors/{connector}", api(connector_runs), methods=["GET"]),
            Route(logs + "/{portion}", api(run_log), methods=["GET"]),
            Route("/_sandbox/portions/{portion}/cancel", cancel, methods=["POST"]),
            *losses_routes(bulk.losses),
            request_log_route(log),
        ],
        exception_handlers={ApiError: api_error, 404: not_found, 405: not_allowed},
    )
