"""Pages of a collection as JSON bytes, cached until it changes, and opaque page tokens."""

import secrets
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
        key = (select, start, size, keep_key)
        hit = self._pages.get(key)
        if hit is not None:
            return hit
        items, stop = walk(slots, start, size, keep)
        with collector_paused():
            body = orjson.dumps(project(items, select))
        if self._cached_bytes + len(body) <= MAX_CACHED_BYTES:
            self._pages[key] = (body, stop)
            self._cached_bytes += len(body)
        return body, stop


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
