"""Operating the Graph tenant: Sandbox methods and the Graph server's /_sandbox routes."""

import random

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intune_pipeline.sandbox.directory import Directory
from intune_pipeline.sandbox.graph_errors import GraphError
from intune_pipeline.sandbox.mutations import KINDS, mutate
from intune_pipeline.sandbox.web import json_response, read_json_object


def change_tenant(directory: Directory, counts: dict, seed=None) -> dict[str, list[str]]:
    """mutate() with a generator from seed, or the tenant's own sequence when seed is None."""
    if seed is None:
        rng = directory.rng
    elif isinstance(seed, int) and not isinstance(seed, bool):
        rng = random.Random(f"mutations-{seed}")
    else:
        raise ValueError(f"seed must be a whole number, not {seed!r}")
    return mutate(directory, rng, counts)


class TenantOperations:
    """What a Sandbox offers to change its Graph tenant between (or during) runs.

    Each change runs on the servers' event loop, between requests, so a request sees the
    tenant either before or after it, never half-changed.
    """

    directory: Directory

    def _on_graph_loop(self, function):
        servers = getattr(self, "_servers", None)
        return servers.call(function) if servers is not None else function()

    @property
    def graph_users(self) -> list[dict]:
        """The tenant's users now, removed ones gone, in the order /users lists them."""
        return self._on_graph_loop(self.directory.live_users)

    @property
    def groups(self) -> list[dict]:
        """Each group's id, displayName and direct member ids (users now present, and groups)."""

        def snapshot() -> list[dict]:
            directory = self.directory
            return [
                {
                    "id": group["id"],
                    "displayName": group["displayName"],
                    "members": [
                        member
                        for member in group["members"]
                        if member in directory.index or directory.group(member) is not None
                    ],
                }
                for group in directory.groups
            ]

        return self._on_graph_loop(snapshot)

    def managed_devices(self) -> list[dict]:
        """Copies of the Intune managed devices now, in the order Graph lists them."""
        return self._on_graph_loop(lambda: [dict(d) for d in self.directory.devices if d])

    def mutate_tenant(
        self, hires=0, leavers=0, soft_deletes=0, renames=0, retitles=0, seed=None
    ) -> dict[str, list[str]]:
        """Hire, hard-delete, soft-delete, rename and retitle users; the ids of each kind."""
        counts = dict(zip(KINDS, (hires, leavers, soft_deletes, renames, retitles), strict=True))
        return self._on_graph_loop(lambda: change_tenant(self.directory, counts, seed))

    def update_user(self, user_id: str, **properties) -> dict:
        """Set Graph properties of one user (Graph's spelling); a copy of the user after."""
        known = set(self.directory.properties.values()) - {"id"}
        unknown = sorted(set(properties) - known)
        if unknown:
            raise ValueError(f"not user properties the sandbox can set: {', '.join(unknown)}")
        return dict(self._on_graph_loop(lambda: self.directory.update(user_id, properties)))

    def remove_user(self, user_id: str, hard: bool) -> None:
        """Delete a user: hard (gone, delta says "deleted") or soft (delta says "changed")."""
        self._on_graph_loop(lambda: self.directory.remove(user_id, hard))

    def expire_delta_tokens(self) -> int:
        """Expire every delta token issued so far; how many were still valid."""
        return self._on_graph_loop(self.directory.delta_tokens.expire_all)


def operator_routes(directory: Directory) -> list[Route]:
    """POST /_sandbox/tenant/mutations and POST /_sandbox/delta/expire, without auth."""

    async def mutations(request: Request) -> Response:
        try:
            body = await read_json_object(
                request, 'give a JSON object such as {"hires": 3, "leavers": 1}'
            )
            counts = {key: value for key, value in body.items() if key != "seed"}
            return json_response(change_tenant(directory, counts, body.get("seed")))
        except ValueError as error:
            raise GraphError(400, "BadRequest", str(error)) from None

    async def expire(request: Request) -> Response:
        return json_response({"expired": directory.delta_tokens.expire_all()})

    return [
        Route("/_sandbox/tenant/mutations", mutations, methods=["POST"]),
        Route("/_sandbox/delta/expire", expire, methods=["POST"]),
    ]
