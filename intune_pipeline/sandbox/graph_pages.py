"""Pages of a collection as JSON bytes, cached until it changes, and opaque page tokens."""

import secrets
from bisect import bisect_left
from collections.abc import Callable
from operator import itemgetter

import orjson

from intune_pipeline.collector import collector_paused
from intune_pipeline.sandbox.graphschema import unset_value

MAX_CACHED_BYTES = 256 * 1024 * 1024  # encoded pages kept for the next read of the tenant
MAX_TOKENS = 200_000  # issued page tokens kept; the oldest are forgotten first


class PageCache:
    """Encoded pages of one collection, each built once per (query, position) until it changes."""

    def __init__(self):
        self._pages: dict[tuple, tuple[bytes, int]] = {}
        self._cached_bytes = 0
        self._generation = None
        # A property's lower-cased texts in order, with their slots; the slots under a prefix.
        self._sorted: dict[str, tuple[list[str], list[int]]] = {}
        self._prefixed: dict[tuple[str, str], list[int]] = {}

    def page(
        self,
        slots: list,
        generation: int,
        select: tuple[str, ...],
        start: int,
        size: int,
        keep: Callable[[dict], bool] | None = None,
        keep_key: str | None = None,
    ) -> tuple[bytes, int]:
        """The JSON array of the next size objects kept from slots[start:] and where it stopped."""
        if generation != self._generation:
            self._pages.clear()
            self._cached_bytes = 0
            self._generation = generation
            self._sorted.clear()
            self._prefixed.clear()
        key = (select, start, size, keep_key)
        hit = self._pages.get(key)
        if hit is not None:
            return hit
        prefix = getattr(keep, "prefix", None)
        if prefix is None:
            items, stop = walk(slots, start, size, keep)
        else:
            items, stop = self._starting(slots, start, size, *prefix)
        with collector_paused():
            body = orjson.dumps(project(items, select))
        if self._cached_bytes + len(body) <= MAX_CACHED_BYTES:
            self._pages[key] = (body, stop)
            self._cached_bytes += len(body)
        return body, stop

    def _starting(
        self, slots: list, start: int, size: int, prop: str, low: str
    ) -> tuple[list, int]:
        """walk for startswith(prop, low) alone, from an index, as Graph answers it: the pages
        of 45 segments scanned 100,000 users 45 times over (0.4 µs a user, about 2 s), holding
        the event loop while the other segments' pages waited."""
        found = self._prefixed.get((prop, low))
        if found is None:
            if prop not in self._sorted:
                pairs = sorted(
                    (value.lower(), n)
                    for n, item in enumerate(slots)
                    if item is not None and type(value := item.get(prop)) is str
                )
                self._sorted[prop] = ([key for key, _ in pairs], [n for _, n in pairs])
            keys, positions = self._sorted[prop]
            end = first = bisect_left(keys, low)
            while end < len(keys) and keys[end].startswith(low):
                end += 1
            found = self._prefixed[(prop, low)] = sorted(positions[first:end])
        at = bisect_left(found, start)
        taken = found[at : at + size]
        stop = taken[-1] + 1 if len(taken) == size else len(slots)
        return [slots[n] for n in taken], stop


def walk(slots: list, start: int, size: int, keep=None) -> tuple[list, int]:
    """Up to size objects from slots[start:] (holes skipped) that keep accepts, and the stop."""
    if keep is None:
        # A hole makes the page shorter, as Graph's pages sometimes are.
        stop = min(start + size, len(slots))
        return [item for item in slots[start:stop] if item is not None], stop
    items = []
    n, end = start, len(slots)
    while n < end and len(items) < size:
        item = slots[n]
        n += 1
        if item is not None and keep(item):
            items.append(item)
    return items, n


class PageTokens:
    """Opaque tokens for server-side paging state; only tokens issued here are honoured."""

    def __init__(self, prefix: str = "RFNwdAIA"):
        self.prefix = prefix
        self._states: dict[str, object] = {}

    def issue(self, state) -> str:
        if len(self._states) >= MAX_TOKENS:
            del self._states[next(iter(self._states))]
        token = self.prefix + secrets.token_urlsafe(33)
        self._states[token] = state
        return token

    def get(self, token: str):
        return self._states.get(token)


def project(users: list[dict], select: tuple[str, ...]) -> list[dict]:
    """Each object with exactly the selected properties, null (or []) where unset."""
    # Every user of a tenant has the same keys, so the first tells whether all are there.
    if users and all(prop in users[0] for prop in select):
        if len(select) == 1:
            (prop,) = select
            return [{prop: user[prop]} for user in users]
        values = itemgetter(*select)  # the fastest projection CPython offers
        return [dict(zip(select, values(user), strict=True)) for user in users]
    defaults = {prop: unset_value(prop) for prop in select}
    return [{prop: user.get(prop, defaults[prop]) for prop in select} for user in users]
