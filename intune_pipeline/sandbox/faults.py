"""Injected failures per server: throttling, server errors, dropped connections and delays.

Every request outside ``/_sandbox/`` gets its fate from a seeded generator when it arrives, so the
same seed replays the same faults. Throttling, errors and resets happen before the app sees the
request, so they change nothing. A malformed answer comes after the app did its work (a proxy
that mangles the answer), so a client that retries it must not apply anything twice; a hostile
answer points the client at another host, which it must refuse.
"""

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace

RATES = ("throttle_rate", "error_rate", "reset_rate", "malformed_rate", "hostile_rate", "slow_rate")
# Each request gets at most one of these faults, in this order of the draw.
FAULT_RATES = {
    "throttled": "throttle_rate",
    "errors": "error_rate",
    "resets": "reset_rate",
    "malformed": "malformed_rate",
    "hostile": "hostile_rate",
}
MAX_SECONDS = {"retry_after": 3600, "latency": 60, "slow_seconds": 600}
COUNTS = ("requests", "throttled", "errors", "resets", "malformed", "hostile", "slow")
# What a malformed answer is, in turn: a proxy's HTML page, invalid JSON, a truncated body.
MALFORMED_KINDS = ("html", "invalid_json", "truncated")


@dataclass(frozen=True)
class FaultSettings:
    """Shares of requests faulted, and the delays; all zero means a well-behaved server."""

    throttle_rate: float = 0.0  # answered 429 with Retry-After
    retry_after: float = 1.0
    error_rate: float = 0.0  # answered 503 with Retry-After
    reset_rate: float = 0.0  # connection dropped without an answer
    malformed_rate: float = 0.0  # the app's answer, mangled (see MALFORMED_KINDS)
    hostile_rate: float = 0.0  # a redirect, or an @odata.nextLink, to another host
    latency: float = 0.0  # added to every request
    slow_rate: float = 0.0  # delayed slow_seconds more
    slow_seconds: float = 10.0
    seed: int = 0

    def updated(self, values: Mapping[str, object]) -> "FaultSettings":
        """A copy with values (numbers or their text) applied; ValueError says what is wrong."""
        known = [field.name for field in fields(self)]
        changes = {}
        for key, raw in values.items():
            if key not in known:
                raise ValueError(f"unknown setting {key!r}; use {', '.join(known)}")
            changes[key] = checked(key, raw)
        settings = replace(self, **changes)
        if sum(getattr(settings, rate) for rate in FAULT_RATES.values()) > 1:
            raise ValueError(f"{' + '.join(FAULT_RATES.values())} may not exceed 1")
        return settings


def checked(key: str, raw: object) -> float | int:
    kind = int if key == "seed" else float
    try:
        value = None if isinstance(raw, bool) else kind(raw)
    except (TypeError, ValueError, OverflowError):
        value = None
    if kind is int and isinstance(raw, float) and not raw.is_integer():
        value = None
    if key == "seed":
        low, high, example = 0, 2**63, "a whole number such as 3"
    elif key in RATES:
        low, high, example = 0, 1, "a share from 0 to 1, such as 0.1"
    else:
        low, high, example = 0, MAX_SECONDS[key], f"seconds from 0 to {MAX_SECONDS[key]}"
    if value is None or not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{key}={raw} will not do; give {example}")
    return value


def parse_faults(text: str) -> dict[str, float | int]:
    """'throttle_rate=0.1,retry_after=0.05' as settings; ValueError says what is wrong."""
    values: dict[str, object] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, equals, value = item.partition("=")
        if not equals:
            raise ValueError(f"{item!r} is not key=value, such as throttle_rate=0.1")
        values[key.strip()] = value.strip()
    settings = FaultSettings().updated(values)
    return {key: getattr(settings, key) for key in values}


class Faults:
    """One server's settings, the generator its decisions come from, and what it injected."""

    def __init__(self, settings: FaultSettings):
        self.settings = settings
        self._random = random.Random(settings.seed)
        self.counts = dict.fromkeys(COUNTS, 0)
        # Set by the server thread: drops the connection a request came in on.
        self.abort: Callable[[dict], bool] | None = None

    def update(self, values: Mapping[str, object]) -> None:
        """Change the given settings only; a new seed restarts the sequence of decisions."""
        self.settings = self.settings.updated(values)
        if "seed" in values:
            self._random = random.Random(self.settings.seed)

    def decide(self) -> tuple[str | None, bool, float]:
        """The next request's fault (a key of FAULT_RATES, or None), slow?, delay."""
        settings = self.settings
        draw, slow_draw = self._random.random(), self._random.random()  # always two: replayable
        self.counts["requests"] += 1
        fault = None
        for name, setting in FAULT_RATES.items():
            rate = getattr(settings, setting)
            if draw < rate:
                fault = name
                self.counts[name] += 1
                break
            draw -= rate
        slow = slow_draw < settings.slow_rate
        self.counts["slow"] += slow
        return fault, slow, settings.latency + (settings.slow_seconds if slow else 0.0)

    def malformed_kind(self) -> str:
        """The kind of the malformed answer just counted: each kind in turn."""
        return MALFORMED_KINDS[(self.counts["malformed"] - 1) % len(MALFORMED_KINDS)]

    def report(self) -> dict:
        return {"settings": asdict(self.settings), "counts": dict(self.counts)}
