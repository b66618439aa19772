"""Who may call Graph: a valid bearer token, and the application permissions it needs."""

from starlette.requests import Request

from intune_pipeline.sandbox.graph_errors import GraphError
from intune_pipeline.sandbox.tokens import EXPIRED, VALID, TokenStore

# Any one of these application permissions lets an app read what the name says.
READ_USERS = (
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
READ_GROUP_MEMBERS = (
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
READ_DEVICES = (
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
)
MALFORMED = (
    "IDX14100: JWT is not well formed, there are no dots (.).\n"
    "The token needs to be in JWS or JWE Compact Serialization Format. (JWS): "
    "'EncodedHeader.EndcodedPayload.Signature'. (JWE): 'EncodedProtectedHeader."
    "EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext."
    "EncodedAuthenticationTag'."
)


def authenticate(request: Request, tokens: TokenStore) -> None:
    """Raise Graph's 401 unless the request bears a token the login emulator issued."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
    state = tokens.check(token)
    if state == VALID:
        return
    if state == EXPIRED:
        message = "Access token has expired or is not yet valid."
    elif "." not in token:
        message = MALFORMED
    else:
        message = "Access token validation failure. Invalid audience."
    raise GraphError(401, "InvalidAuthenticationToken", message)


def require(granted, accepted: tuple[str, ...]) -> None:
    """Raise Graph's 403 unless one of the accepted permissions was granted to the app."""
    if not set(granted) & set(accepted):
        text = "Insufficient privileges to complete the operation."
        raise GraphError(403, "Authorization_RequestDenied", text)
