"""Delta tokens: opaque to clients; server-side each holds the tenant version it was issued at."""

import secrets
import time
from dataclasses import dataclass

VALID, EXPIRED, UNKNOWN = "valid", "expired", "unknown"


@dataclass(frozen=True)
class DeltaState:
    """Where a delta link resumes: the $select of its round and the tenant version then."""

    select: tuple[str, ...] | None
    version: int
    issued: float  # time.monotonic() when issued


class DeltaTokens:
    """Tokens issued by the delta endpoint; they expire after ttl seconds or when told to."""

    def __init__(self):
        self._states: dict[str, DeltaState] = {}
        self._expired_before = float("-inf")

    def issue(self, select: tuple[str, ...] | None, version: int) -> str:
        token = secrets.token_urlsafe(48)
        self._states[token] = DeltaState(select, version, time.monotonic())
        return token

    def check(self, token: str, ttl: float) -> tuple[str, DeltaState | None]:
        state = self._states.get(token)
        if state is None:
            return UNKNOWN, None
        if state.issued <= self._expired_before or time.monotonic() - state.issued > ttl:
            return EXPIRED, state
        return VALID, state

    def expire_all(self) -> int:
        """Expire every token issued so far (an operator's action); how many were still live."""
        live = sum(1 for state in self._states.values() if state.issued > self._expired_before)
        self._expired_before = time.monotonic()
        return live
