"""Access tokens for Graph through msal's client-credentials flow."""

import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import msal

from intune_pipeline.errors import ConfigError, Labels, RemoteError
from intune_pipeline.http import DEFAULT_RETRY, RetryPolicy, send

# What to do in Entra for each error msal reports; {parameter} is replaced by its setting's label.
ADVICE = {
    "invalid_client": (
        "Entra refused the app's credential. For a secret, set {client_secret} to the secret's "
        "Value (not its Secret ID); for a certificate, upload the one that {certificate_path} "
        "names to the app registration. Check under App registrations > Certificates & secrets "
        "that it has not expired."
    ),
    "unauthorized_client": (
        "Entra does not know, in this tenant, the application that {client_id} names. Set it to "
        "the Application (client) ID from the app registration's overview page, and check that "
        "{tenant_id} names the tenant the app is registered in."
    ),
    "invalid_tenant": (
        "Entra does not know the tenant that {tenant_id} names. Set it to the Directory "
        "(tenant) ID from the app registration's overview page, and check that {login_url} is "
        "the login host of the tenant's cloud."
    ),
    "invalid_resource": (
        "Entra does not know the Graph resource asked for. Check that {graph_url} is the Graph "
        "host of the tenant's cloud (for example https://graph.microsoft.com for the global "
        "cloud, https://graph.microsoft.us for US Government)."
    ),
    "invalid_scope": (
        "Entra refused the Graph scope. Check that {graph_url} is the Graph host of the "
        "tenant's cloud (for example https://graph.microsoft.com)."
    ),
}


@dataclass(repr=False)
class GraphCredentials:
    """Where and as whom to sign in: a client secret, or a certificate (key and certificate PEM).

    Secrets are kept out of repr(), so they cannot leak through logs or error reports. labels
    name the settings the values came from (graph_url too, for Entra's advice on the scope).
    """

    login_url: str
    tenant_id: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    certificate_path: str | None = None
    private_key_path: str | None = None
    labels: Labels = field(default_factory=Labels)

    def __repr__(self) -> str:
        how = "certificate" if self.certificate_path else "client secret"
        return (
            f"GraphCredentials(login_url={self.login_url!r}, tenant_id={self.tenant_id!r}, "
            f"client_id={self.client_id!r}, signs in with a {how})"
        )

    def msal_credential(self) -> str | dict:
        """What msal takes: the secret, or the certificate (msal then signs a PS256 assertion)."""
        if self.certificate_path or self.private_key_path:
            return {
                "private_key": self._pem("private_key_path"),
                "public_certificate": self._pem("certificate_path"),
            }
        if not self.client_secret:
            labels = self.labels
            raise ConfigError(
                f"No Entra credential is set: set {labels['client_secret']} to the client "
                f"secret's Value, or {labels['certificate_path']} and "
                f"{labels['private_key_path']} to the PEM files of a certificate uploaded to the "
                "app registration."
            )
        return self.client_secret

    def _pem(self, parameter: str) -> str:
        path, setting = getattr(self, parameter), self.labels[parameter]
        if not path:
            raise ConfigError(
                f"{setting} is not set: certificate sign-in needs both "
                f"{self.labels['certificate_path']} (the certificate PEM) and "
                f"{self.labels['private_key_path']} (its private key PEM)."
            )
        try:
            text = Path(path).read_text()
        except OSError as error:
            raise ConfigError(
                f"{setting} names {path!r}, which cannot be read ({error.strerror}): point it at "
                "a PEM file the pipeline may read."
            ) from error
        if "-----BEGIN" not in text:
            raise ConfigError(
                f"{setting} names {path!r}, which is not a PEM file: point it at the PEM file "
                "(text beginning -----BEGIN)."
            )
        return text


class MsalHttp:
    """The httpx client as msal's http_client, with the pipeline's retries and redirect refusal.

    Entra throttles and fails like any service, and tokens are renewed all through a long run,
    so its answers get the same retries as Graph's. msal passes the signed client assertion as
    bytes, which httpx would send as the text "b'...'"; the form values are decoded first.
    """

    def __init__(self, http: httpx.Client, retry: RetryPolicy = DEFAULT_RETRY):
        self._http = http
        self._retry = retry

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        if isinstance(data, dict):
            data = {k: v.decode() if isinstance(v, bytes) else v for k, v in data.items()}
        return self._send("POST", url, params=params, data=data, headers=headers, **kwargs)

    def get(self, url, params=None, headers=None, **kwargs):
        return self._send("GET", url, params=params, headers=headers, **kwargs)

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        request = self._http.build_request(method, url, **kwargs)
        return send(self._http, request, "Entra", self._retry)

    def close(self) -> None:
        """The httpx client belongs to the caller, who closes it."""


class TokenProvider:
    """Hands out a valid Graph access token; msal renews it when fewer than 5 minutes remain."""

    def __init__(self, credentials: GraphCredentials, scope: str, http: httpx.Client):
        self._credentials = credentials
        self._scope = scope
        self._http = http
        self._app: msal.ConfidentialClientApplication | None = None
        # Requests made side by side (the delta link and the count, segments) share one sign-in.
        self._lock = threading.Lock()

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            authority = f"{self._credentials.login_url}/{self._credentials.tenant_id}"
            try:
                self._app = msal.ConfidentialClientApplication(
                    self._credentials.client_id,
                    client_credential=self._credentials.msal_credential(),
                    authority=authority,
                    # The authority is always given in full, so msal need not ask the global
                    # login host which instance it belongs to.
                    instance_discovery=False,
                    http_client=MsalHttp(self._http),
                )
            except ValueError as error:
                # msal raises ValueError both for an unknown tenant and for a bad key file.
                raise self._sign_in_configuration_error(authority, error) from error
            except httpx.TransportError as error:
                raise RemoteError(
                    f"Could not reach the Entra login host {self._credentials.login_url}: {error}. "
                    f"Check {self._credentials.labels['login_url']} and the network path to it."
                ) from error
        return self._app

    def _sign_in_configuration_error(self, authority: str, error: ValueError) -> ConfigError:
        """What Entra said about the authority, with its trace id, rather than msal's summary."""
        try:
            response = self._http.get(f"{authority}/v2.0/.well-known/openid-configuration")
            body = response.json() if response.status_code >= 400 else {}
        except (httpx.HTTPError, ValueError):
            body = {}
        description = (body.get("error_description") or str(error)).split("\r\n")[0]
        advice = ADVICE.get(body.get("error", "invalid_tenant"), ADVICE["invalid_tenant"])
        advice = advice.format_map(self._credentials.labels)
        trace = f" (trace id {body['trace_id']})" if body.get("trace_id") else ""
        return ConfigError(
            f"Entra refused the sign-in authority {authority}: {description} {advice}{trace}"
        )

    def token(self) -> str:
        with self._lock:
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
        advice = advice.format_map(self._credentials.labels)
        raise RemoteError(
            f"Entra refused a token ({code}): {description} {advice}",
            request_id=result.get("correlation_id"),
        )

    def forget(self) -> None:
        """Drop cached tokens, so the next call asks Entra for a fresh one."""
        with self._lock:
            if self._app is not None:
                self._app.remove_tokens_for_client()
