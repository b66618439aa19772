"""The Entra ID login emulator: OpenID discovery and the client-credentials token endpoint."""

import hmac
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.entra_assertion import JWT_BEARER, AssertionRefused, check_assertion
from intune_pipeline.sandbox.entra_protocol import (
    AppRegistration,
    aad_error,
    basic_credentials,
    discovery_document,
    scope_problem,
)
from intune_pipeline.sandbox.requestlog import RequestLog
from intune_pipeline.sandbox.tokens import TokenStore
from intune_pipeline.sandbox.web import json_response, read_form, request_log_route

NO_CACHE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}


def entra_app(reg: AppRegistration, tokens: TokenStore, log: RequestLog) -> Starlette:
    """The login host: /{tenant}/v2.0/.well-known/openid-configuration and the token endpoint."""
    known = {reg.tenant_id.lower(), *(d.lower() for d in reg.tenant_domains)}

    def fail(request: Request, status: int, error: str, code: int, text: str) -> Response:
        correlation = request.headers.get("client-request-id")
        return aad_error(reg.login_url, status, error, code, text, correlation)

    def unknown_tenant(request: Request, tenant: str) -> Response:
        return fail(
            request,
            400,
            "invalid_tenant",
            90002,
            f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
            "are signing into the correct cloud. Check with your subscription administrator, "
            "this may happen if there are no active subscriptions for the tenant.",
        )

    async def openid_configuration(request: Request) -> Response:
        tenant = request.path_params["tenant"]
        if tenant.lower() not in known:
            return unknown_tenant(request, tenant)
        return json_response(discovery_document(reg))

    async def keys(request: Request) -> Response:
        return json_response({"keys": []})  # tokens are opaque: nothing to verify

    async def token(request: Request) -> Response:
        tenant = request.path_params["tenant"]
        if tenant.lower() not in known:
            return unknown_tenant(request, tenant)
        form = await read_form(request)
        basic_id, basic_secret = basic_credentials(request)
        for name in ("grant_type", "client_id", "scope"):
            if not form.get(name) and not (name == "client_id" and basic_id):
                text = f"The request body must contain the following parameter: '{name}'."
                return fail(request, 400, "invalid_request", 900144, text)
        if form["grant_type"] != "client_credentials":
            text = f"The app requested an unsupported grant type '{form['grant_type']}'."
            return fail(request, 400, "unsupported_grant_type", 70003, text)
        client_id = form.get("client_id") or basic_id
        if client_id != reg.client_id:
            text = (
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{reg.tenant_domains[0]}'. This can happen if the application has not been "
                "installed by the administrator of the tenant or consented to by any user in the "
                "tenant. You may have sent your authentication request to the wrong tenant."
            )
            return fail(request, 400, "unauthorized_client", 700016, text)
        if form.get("client_assertion") or form.get("client_assertion_type"):
            refusal = assertion_refusal(form, client_id)
            if refusal is not None:
                return fail(request, refusal.status, refusal.error, refusal.code, refusal.text)
            return issue_token(form["scope"], request)
        secret = form.get("client_secret") or basic_secret
        if not secret:
            text = (
                "The request body must contain the following parameter: 'client_assertion' or "
                "'client_secret'."
            )
            return fail(request, 401, "invalid_client", 7000218, text)
        if not hmac.compare_digest(secret.encode(), reg.client_secret.encode()):
            text = (
                "Invalid client secret provided. Ensure the secret being sent in the request is "
                "the client secret value, not the client secret ID, for a secret added to app "
                f"'{client_id}'."
            )
            return fail(request, 401, "invalid_client", 7000215, text)
        return issue_token(form["scope"], request)

    def assertion_refusal(form: dict[str, str], client_id: str) -> AssertionRefused | None:
        if form.get("client_assertion_type") != JWT_BEARER:
            text = "Unexpected client assertion type."
            return AssertionRefused(90011, text, 400, "invalid_request")
        if not form.get("client_assertion"):
            text = "The request body must contain the following parameter: 'client_assertion'."
            return AssertionRefused(900144, text, 400, "invalid_request")
        audiences = reg.assertion_audiences()
        try:
            check_assertion(
                form["client_assertion"], client_id, audiences, reg.certificates, time.time()
            )
        except AssertionRefused as refusal:
            return refusal
        return None

    def issue_token(scope: str, request: Request) -> Response:
        problem = scope_problem(scope, reg)
        if problem:
            return fail(request, 400, *problem)
        body = {
            "token_type": "Bearer",
            "expires_in": tokens.lifetime,
            "ext_expires_in": tokens.lifetime,
            "access_token": tokens.issue(),
        }
        return json_response(body, headers=NO_CACHE)

    return Starlette(
        routes=[
            Route("/{tenant}/v2.0/.well-known/openid-configuration", openid_configuration),
            Route("/{tenant}/discovery/v2.0/keys", keys),
            Route("/{tenant}/oauth2/v2.0/token", token, methods=["POST"]),
            request_log_route(log),
        ]
    )
