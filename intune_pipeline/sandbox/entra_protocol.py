"""What Entra says: the discovery document, error bodies and the rules for scopes."""

import base64
import secrets
import string
import uuid
from dataclasses import dataclass
from urllib.parse import unquote

from cryptography import x509
from starlette.requests import Request
from starlette.responses import Response

from intune_pipeline.sandbox.web import json_response, utc_now


@dataclass
class AppRegistration:
    """The tenant and the one application registered in it, with a secret and certificates."""

    tenant_id: str
    tenant_domains: tuple[str, ...]
    client_id: str
    client_secret: str
    login_url: str
    graph_url: str
    certificates: tuple[x509.Certificate, ...] = ()

    def assertion_audiences(self) -> set[str]:
        """The aud values Entra takes in a client assertion: the tenant's token endpoints."""
        tenants = (self.tenant_id, *self.tenant_domains)
        base = self.login_url.lower()
        return {
            f"{base}/{tenant.lower()}/{path}"
            for tenant in tenants
            for path in ("oauth2/v2.0/token", "oauth2/token", "v2.0")
        }


def aad_error(
    login_url: str, status: int, error: str, code: int, text: str, correlation: str | None
) -> Response:
    """An Entra error body; the description carries trace and correlation ids like Entra's."""
    stamp = utc_now().strftime("%Y-%m-%d %H:%M:%SZ")
    trace = str(uuid.uuid4())
    correlation = correlation or str(uuid.uuid4())
    body = {
        "error": error,
        "error_description": (
            f"AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}"
            f"\r\nTimestamp: {stamp}"
        ),
        "error_codes": [code],
        "timestamp": stamp,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"{login_url}/error?code={code}",
    }
    headers = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}
    return json_response(body, status, headers)


def basic_credentials(request: Request) -> tuple[str | None, str | None]:
    """client_secret_basic: the client id and secret in an Authorization: Basic header."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except ValueError:
        return None, None
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


def scope_problem(scope: str, reg: AppRegistration) -> tuple[str, int, str] | None:
    """Entra's answer to a scope a client-credentials request may not ask for, else None."""
    scopes = scope.split()
    if len(scopes) != 1 or not scopes[0].endswith("/.default"):
        return (
            "invalid_scope",
            1002012,
            f"The provided value for scope {scope} is not valid. Client credential flows must "
            "have a scope value with /.default suffixed to the resource identifier "
            "(application ID URI).",
        )
    resource = scopes[0].removesuffix("/.default")
    if resource.lower() != reg.graph_url.lower():
        return (
            "invalid_resource",
            500011,
            f"The resource principal named {resource} was not found in the tenant named "
            f"{reg.tenant_domains[0]}. This can happen if the application has not been installed "
            "by the administrator of the tenant or consented to by any user in the tenant. You "
            "might have sent your authentication request to the wrong tenant.",
        )
    return None


def discovery_document(reg: AppRegistration) -> dict:
    """The tenant's OpenID configuration, as Entra's v2.0 endpoint serves it."""
    base = f"{reg.login_url}/{reg.tenant_id}"
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{base}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{reg.graph_url}/oidc/userinfo",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "tid", "ver", "oid"],
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": "EU",
        "cloud_instance_name": "sandbox.local",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": reg.graph_url.split("://", 1)[1],
        "rbac_url": "https://pas.windows.net",
    }


def entra_secret() -> str:
    """A client secret shaped like Entra's: 40 characters with "Q~" after the first four."""
    alnum = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alnum + "_-.~") for _ in range(34))
    head = "".join(secrets.choice(alnum) for _ in range(3)) + secrets.choice(string.digits)
    return f"{head}Q~{body}"
