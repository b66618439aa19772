"""Access tokens the login emulator issued, with their expiry, for the Graph emulator to check."""

import secrets
import time

VALID, EXPIRED, UNKNOWN = "valid", "expired", "unknown"
FORGET_AFTER = 3600.0  # seconds past expiry after which a token is no longer told apart


class TokenStore:
    """Opaque bearer tokens; only unexpired ones issued here are accepted."""

    def __init__(self, lifetime: int):
        self.lifetime = lifetime
        self._expiry: dict[str, float] = {}
        self._issued = 0

    def issue(self) -> str:
        # Opaque and without dots, unlike Entra's JWTs; nothing may read meaning into it.
        token = secrets.token_urlsafe(48)
        self._expiry[token] = time.monotonic() + self.lifetime
        self._issued += 1
        if self._issued % 1000 == 0:
            self._prune()
        return token

    def check(self, token: str) -> str:
        expiry = self._expiry.get(token)
        if expiry is None:
            return UNKNOWN
        return VALID if time.monotonic() < expiry else EXPIRED

    def _prune(self) -> None:
        horizon = time.monotonic() - FORGET_AFTER
        for token in [t for t, expiry in self._expiry.items() if expiry < horizon]:
            del self._expiry[token]
