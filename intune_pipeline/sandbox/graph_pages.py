"""Users pages as JSON bytes, each built once per ($select, position) and then reused."""

import secrets
from operator import itemgetter

import orjson

from intune_pipeline.sandbox.graphschema import unset_value
from intune_pipeline.sandbox.speed import paused_gc

MAX_CACHED_BYTES = 256 * 1024 * 1024  # encoded pages kept for the next read of the tenant
MAX_SKIPTOKENS = 200_000  # issued skiptokens kept; the oldest are forgotten first


class UserPages:
    """The tenant's users in a fixed order, served in slices for any $select."""

    def __init__(self, users: list[dict]):
        self.users = users
        self._pages: dict[tuple, bytes] = {}
        self._cached_bytes = 0
        self._skiptokens: dict[str, int] = {}

    def page(self, select: tuple[str, ...], start: int, size: int) -> tuple[bytes, int]:
        """The JSON array of users[start:start+size] and the position after it."""
        stop = min(start + size, len(self.users))
        key = (select, start, stop)
        body = self._pages.get(key)
        if body is None:
            with paused_gc():
                body = orjson.dumps(project(self.users[start:stop], select))
            if self._cached_bytes + len(body) <= MAX_CACHED_BYTES:
                self._pages[key] = body
                self._cached_bytes += len(body)
        return body, stop

    def forget_pages(self) -> None:
        """Drop encoded pages; for when the users change."""
        self._pages.clear()
        self._cached_bytes = 0

    def skiptoken(self, position: int) -> str:
        """An opaque token for a position; only tokens issued here are honoured."""
        if len(self._skiptokens) >= MAX_SKIPTOKENS:
            del self._skiptokens[next(iter(self._skiptokens))]
        token = "RFNwdAIA" + secrets.token_urlsafe(33)
        self._skiptokens[token] = position
        return token

    def position(self, skiptoken: str) -> int | None:
        return self._skiptokens.get(skiptoken)


def project(users: list[dict], select: tuple[str, ...]) -> list[dict]:
    """Each user with exactly the selected properties, null (or []) where unset."""
    # Every user of a tenant has the same keys, so the first tells whether all are there.
    if users and all(prop in users[0] for prop in select):
        if len(select) == 1:
            (prop,) = select
            return [{prop: user[prop]} for user in users]
        values = itemgetter(*select)  # the fastest projection CPython offers
        return [dict(zip(select, values(user), strict=True)) for user in users]
    defaults = {prop: unset_value(prop) for prop in select}
    return [{prop: user.get(prop, defaults[prop]) for prop in select} for user in users]
