"""Graph's error answers, as exceptions that say what to do about them."""

import httpx

from intune_pipeline.errors import RemoteError

CONSENT_ADVICE = (
    "The app registration lacks a Microsoft Graph application permission, or admin consent "
    "for it. In Entra: App registrations > the app > API permissions > Add a permission > "
    "Microsoft Graph > Application permissions: User.Read.All (GroupMember.Read.All for a group "
    "scope, DeviceManagementManagedDevices.Read.All for the Intune scope), then 'Grant admin "
    "consent'."
)
LICENCE_ADVICE = (
    "The tenant has no active Intune licence, so Graph cannot list managed devices. Assign "
    "Intune licences in the Microsoft 365 admin centre, or use the user scope 'all'."
)
DELTA_CODES = {"syncStateNotFound", "resyncRequired", "syncStateInvalid"}


class DeltaExpired(RemoteError):
    """Graph no longer knows the delta token: only a full read can start a new round."""


def graph_error(response: httpx.Response, body) -> RemoteError:
    """Graph's error body as an exception that keeps its code, message and request-id."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    inner = error.get("innerError") or {}
    request_id = inner.get("request-id") or response.headers.get("request-id")
    code = error.get("code", "unknown")
    message = error.get("message", "")
    if code in DELTA_CODES:
        return DeltaExpired(f"Graph answered {code}: {message}", request_id=request_id)
    text = f"Graph answered HTTP {response.status_code} {code}: {message}"
    if response.status_code == 403:
        licence = "licen" in message.lower() or "intune" in message.lower()
        text += " " + (LICENCE_ADVICE if licence else CONSENT_ADVICE)
    return RemoteError(text, status=response.status_code, request_id=request_id)
