"""The SaaS routes of the Oomnitza API: applications, assignments and SaaS users' status."""

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.oomnitza_bulk import ApiError
from intune_pipeline.sandbox.oomnitza_saas import SETTABLE, SaasStore
from intune_pipeline.sandbox.oomnitza_users import filtered, listing
from intune_pipeline.sandbox.web import json_response

SAAS_FIELDS = frozenset((*SETTABLE, "saas_id", "uid", "changedate", "creationdate"))
SAAS_USER_FIELDS = frozenset(("saas_id", "saas_user_id", "user_id", "username", "email", "active"))


def saas_routes(saas: SaasStore, api: Callable, body: Callable) -> list[Route]:
    """Routes for /api/v3/saas and /api/v3/saas_users; api() adds the token check."""

    def application_or_404(request: Request) -> dict:
        application = saas.get(request.path_params["ident"])
        if application is None:
            raise ApiError(404, f"SaaS {request.path_params['ident']!r} not found")
        return application

    async def list_saas(request: Request) -> Response:
        found = list(saas.applications.values())
        return listing(request.query_params, found, SAAS_FIELDS, "SaaS")

    async def create_saas(request: Request) -> Response:
        try:
            values = saas.check(await body(request))
        except ValueError as error:
            raise ApiError(400, str(error)) from None
        return json_response(saas.create(values, by="api"))

    async def get_saas(request: Request) -> Response:
        return json_response(application_or_404(request))

    async def assigned_users(request: Request) -> Response:
        application = application_or_404(request)
        return json_response([saas.view(a) for a in saas.of(application)])

    async def assign_users(request: Request) -> Response:
        application = application_or_404(request)
        items = await body(request)
        if not isinstance(items, list):
            raise ApiError(400, 'Send a JSON array such as [{"user_id": "...", "assign": true}]')
        return json_response([assign_one(application, item) for item in items])

    def assign_one(application: dict, item) -> dict:
        """One item's outcome; a bad item is an error of its own, not of the request."""
        user_id = item.get("user_id") if isinstance(item, dict) else None
        assign = item.get("assign") if isinstance(item, dict) else None
        outcome = {"user_id": user_id, "assign": assign, "saas_user_id": None, "error": None}
        if not isinstance(user_id, str) or not isinstance(assign, bool):
            outcome["error"] = "Each item needs user_id (text) and assign (true or false)"
        elif user_id not in saas.users.users:
            outcome["error"] = f"User {user_id!r} not found"
        elif assign:
            outcome["saas_user_id"] = saas.assign(application, user_id)["saas_user_id"]
        else:
            outcome["saas_user_id"] = saas.unassign(application, user_id)
        return outcome

    async def list_saas_users(request: Request) -> Response:
        found = [saas.view(a) for a in saas.assignments.values()]
        if request.query_params.get("filter"):
            found = filtered(found, request.query_params["filter"], SAAS_USER_FIELDS, "SaaS user")
        return json_response(found, headers={"x-total-count": str(len(found))})

    def set_active(active: bool):
        async def endpoint(request: Request) -> Response:
            sent = await body(request)
            ids = sent.get("saas_user_ids") if isinstance(sent, dict) else None
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ApiError(400, 'Send {"saas_user_ids": ["...", ...]}')
            answers = []
            for saas_user_id in ids:
                assignment = saas.assignments.get(saas_user_id)
                if assignment is not None:
                    assignment["active"] = active
                error = None if assignment else f"SaaS user {saas_user_id!r} not found"
                answers.append({"saas_user_id": saas_user_id, "error": error})
            return json_response(answers)

        return endpoint

    one = "/api/v3/saas/{ident}"
    return [
        Route("/api/v3/saas", api(list_saas), methods=["GET"]),
        Route("/api/v3/saas", api(create_saas), methods=["POST"]),
        Route(one, api(get_saas), methods=["GET"]),
        Route(one + "/users", api(assigned_users), methods=["GET"]),
        Route(one + "/users", api(assign_users), methods=["POST"]),
        Route("/api/v3/saas_users", api(list_saas_users), methods=["GET"]),
        Route("/api/v3/saas_users/activate", api(set_active(True)), methods=["PATCH"]),
        Route("/api/v3/saas_users/deactivate", api(set_active(False)), methods=["PATCH"]),
    ]
