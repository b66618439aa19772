"""Checking a client assertion (a JWT signed with the app's certificate key) as Entra does."""

import base64
import binascii
from collections.abc import Iterable
from datetime import UTC, datetime

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SKEW = 300  # seconds of clock difference tolerated, IdentityModel's default
DOCS = "https://learn.microsoft.com/entra/identity-platform/certificate-credentials"
ALGORITHMS = ("PS256", "RS256")  # msal 1.39: PS256 with x5t#S256; RS256 with x5t (SHA-1)
CLAIMS = ("exp", "nbf", "iat", "aud", "iss", "sub", "jti")
NO_CHECKS = {f"verify_{claim}": False for claim in CLAIMS}  # checked here, Entra's way


class AssertionRefused(Exception):
    """Why Entra refuses the assertion: AADSTS code and text, HTTP status and OAuth error."""

    def __init__(self, code: int, text: str, status: int = 401, error: str = "invalid_client"):
        super().__init__(text)
        self.code, self.text, self.status, self.error = code, text, status, error


def check_assertion(
    assertion: str,
    client_id: str,
    audiences: set[str],
    certificates: Iterable[x509.Certificate],
    now: float,
) -> None:
    """Raise AssertionRefused unless assertion proves client_id holds a registered key."""
    malformed = AssertionRefused(50027, "JWT token is invalid or malformed.")
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise malformed from None
    if header.get("alg") not in ALGORITHMS:
        text = "Invalid JWT token. Unsupported key for the signing algorithm."
        raise AssertionRefused(5002730, text, 400, "invalid_request")
    thumbprint, certificate = registered_key(header, certificates)
    if thumbprint is None:
        text = "Invalid JWT token. No certificate thumbprint specified in token header."
        raise AssertionRefused(50027, text)
    portal = (
        "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured "
        f"keys for app Id '{client_id}'."
    )
    if certificate is None:
        reason = f"The key was not found., Thumbprint of key used by client: '{thumbprint}'"
        text = f"Client assertion contains an invalid signature. [Reason - {reason}, {portal}]"
        raise AssertionRefused(700027, text)
    try:
        claims = jwt.decode(
            assertion, certificate.public_key(), algorithms=[header["alg"]], options=NO_CHECKS
        )
    except jwt.InvalidSignatureError:
        start, end = (
            f"{moment:%m/%d/%Y %H:%M:%S}"
            for moment in (certificate.not_valid_before_utc, certificate.not_valid_after_utc)
        )
        reason = (
            "The provided signature value did not match the expected signature value., "
            f"Thumbprint of key used by client: '{thumbprint}', "
            f"Found key 'Start={start}, End={end}'"
        )
        text = f"Client assertion contains an invalid signature. [Reason - {reason}, {portal}]"
        raise AssertionRefused(700027, text) from None
    except jwt.PyJWTError:
        raise malformed from None
    check_claims(claims, client_id, audiences, now, malformed)


def check_claims(claims: dict, client_id: str, audiences: set[str], now: float, malformed) -> None:
    audience = claims.get("aud")
    if isinstance(audience, list):
        if len(audience) != 1:
            text = (
                "Number of audience values in the provided client credential exceed maximum "
                f"allowed. {len(audience)} audience values provided, maximum allowed is 1."
            )
            raise AssertionRefused(5002741, text)
        audience = audience[0]
    if not isinstance(audience, str) or audience.rstrip("/").lower() not in audiences:
        text = (
            "Client assertion audience claim does not match Realm issuer. "
            f"Review the documentation at {DOCS} ."
        )
        raise AssertionRefused(700023, text)
    if claims.get("iss") != client_id:
        text = (
            "Client assertion application identifier doesn't match 'client_id' parameter. "
            f"Review the documentation at {DOCS} ."
        )
        raise AssertionRefused(700021, text)
    if claims.get("sub") != claims["iss"]:
        raise AssertionRefused(
            50048, "Subject must match the issuer claim in the client assertion."
        )
    expiry, start = claims.get("exp"), claims.get("nbf", 0)
    if not claims.get("jti") or not all(isinstance(t, int | float) for t in (expiry, start)):
        raise malformed
    if expiry + SKEW <= now or start - SKEW > now:
        text = (
            f"Client assertion is not within its valid time range. Current time: {stamp(now)}, "
            f"assertion valid from {stamp(start)}, expiry time of assertion {stamp(expiry)}. "
            f"Review the documentation at {DOCS} ."
        )
        raise AssertionRefused(700024, text)


def registered_key(header: dict, certificates: Iterable[x509.Certificate]):
    """(the thumbprint as Entra shows it, the registered certificate it names or None)."""
    for name, algorithm in (("x5t#S256", hashes.SHA256()), ("x5t", hashes.SHA1())):
        value = header.get(name)
        if not isinstance(value, str):
            continue
        try:
            digest = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return value, None
        match = next((c for c in certificates if c.fingerprint(algorithm) == digest), None)
        return digest.hex().upper(), match
    return None, None


def stamp(moment: float) -> str:
    """A time as Entra writes it: seven decimal places, then Z."""
    try:
        return f"{datetime.fromtimestamp(moment, UTC):%Y-%m-%dT%H:%M:%S.%f}0Z"
    except (OverflowError, OSError, ValueError):
        return str(moment)
