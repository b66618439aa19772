"""Access tokens for Graph through msal's client-credentials flow."""

from dataclasses import dataclass, field

import httpx
import msal

from intune_pipeline.errors import ConfigError, RemoteError

# What to do in Entra for each error msal reports; the setting names are the environment variables.
ADVICE = {
    "invalid_client": (
        "Entra refused the client secret. Put the secret's Value (not its Secret ID) in "
        "ENTRA_CLIENT_SECRET, and check under App registrations > Certificates & secrets that "
        "it has not expired."
    ),
    "unauthorized_client": (
        "Entra does not know the application ENTRA_CLIENT_ID in this tenant. Copy the "
        "Application (client) ID from the app registration's overview page, and check "
        "ENTRA_TENANT_ID names the tenant the app is registered in."
    ),
    "invalid_tenant": (
        "Entra does not know the tenant ENTRA_TENANT_ID. Copy the Directory (tenant) ID from "
        "the app registration's overview page, and check the login host is the tenant's cloud."
    ),
    "invalid_resource": (
        "Entra does not know the Graph resource asked for. Check that GRAPH_URL is the Graph "
        "host of the tenant's cloud (for example https://graph.microsoft.com for the global "
        "cloud, https://graph.microsoft.us for US Government)."
    ),
    "invalid_scope": (
        "Entra refused the Graph scope. Check that GRAPH_URL is the Graph host of the "
        "tenant's cloud (for example https://graph.microsoft.com)."
    ),
}


@dataclass(repr=False)
class GraphCredentials:
    """Where and as whom to sign in. The secret is kept out of repr()."""

    login_url: str
    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"GraphCredentials(login_url={self.login_url!r}, tenant_id={self.tenant_id!r}, "
            f"client_id={self.client_id!r}, client_secret='***')"
        )


class TokenProvider:
    """Hands out a valid Graph access token; msal renews it when fewer than 5 minutes remain."""

    def __init__(self, credentials: GraphCredentials, scope: str, http: httpx.Client):
        self._credentials = credentials
        self._scope = scope
        self._http = http
        self._app: msal.ConfidentialClientApplication | None = None

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            authority = f"{self._credentials.login_url}/{self._credentials.tenant_id}"
            try:
                self._app = msal.ConfidentialClientApplication(
                    self._credentials.client_id,
                    client_credential=self._credentials.client_secret,
                    authority=authority,
                    # The authority is always given in full, so msal need not ask the global
                    # login host which instance it belongs to.
                    instance_discovery=False,
                    http_client=self._http,
                )
            except ValueError as error:
                raise ConfigError(
                    f"Could not read the sign-in configuration of {authority}: {error}. "
                    + ADVICE["invalid_tenant"]
                ) from error
            except httpx.TransportError as error:
                raise RemoteError(
                    f"Could not reach the Entra login host {self._credentials.login_url}: {error}. "
                    "Check ENTRA_LOGIN_URL and the network path to it."
                ) from error
        return self._app

    def token(self) -> str:
        app = self._application()
        try:
            result = app.acquire_token_for_client([self._scope])
        except httpx.TransportError as error:
            raise RemoteError(f"Could not reach the Entra token endpoint: {error}") from error
        if "access_token" in result:
            return result["access_token"]
        code = result.get("error", "unknown_error")
        description = (result.get("error_description") or "").split("\r\n")[0]
        advice = ADVICE.get(code, "See the error description from Entra.")
        raise RemoteError(
            f"Entra refused a token ({code}): {description} {advice}",
            request_id=result.get("correlation_id"),
        )

    def forget(self) -> None:
        """Drop cached tokens, so the next call asks Entra for a fresh one."""
        if self._app is not None:
            self._app.remove_tokens_for_client()
