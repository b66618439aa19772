"""Which users to read, and how: a full read, or only what changed since a delta link."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Literal

from intune_pipeline.errors import ConfigError, Labels, RemoteError
from intune_pipeline.graph.client import GraphClient
from intune_pipeline.graph.errors import DeltaExpired
from intune_pipeline.graph.odata_filter import UserFilter
from intune_pipeline.graph.segments import Segmenting, listed_users
from intune_pipeline.kinds import all_of

OUT_OF_SCOPE = "out of scope"  # a changed user that no longer matches the scope or filter


@dataclass(frozen=True)
class UserScope:
    """All directory users, only Intune users (owners of a managed device), or a group's.

    labels name the settings kind and group_id came from.
    """

    kind: Literal["all", "intune", "group"] = "all"
    group_id: str | None = None
    labels: Labels = field(default_factory=Labels, compare=False)

    def __post_init__(self):
        kind, group_id = self.labels["kind"], self.labels["group_id"]
        if self.kind not in ("all", "intune", "group"):
            raise ConfigError(
                f"{kind} is {self.kind!r}; use all, intune (users who own a managed device) or "
                f"group (with {group_id})."
            )
        if self.kind == "group" and not self.group_id:
            raise ConfigError(
                f"{kind} is group but {group_id} is not set: set it to the Object ID of the "
                "Entra group whose members are synced."
            )


@dataclass
class UserRead:
    """What one read returned. Users are unique by id; removed maps ids to why they went."""

    mode: Literal["full", "delta"]
    users: list[dict]
    delta_link: str
    removed: dict[str, str] = field(default_factory=dict)
    note: str | None = None


def read_users(
    client: GraphClient,
    select: Sequence[str],
    scope: UserScope,
    user_filter: UserFilter | None,
    delta_link: str | None = None,
    segmenting: Segmenting | None = None,
) -> UserRead:
    """Changes since delta_link when there is one and Graph still honours it, else every user.

    With segmenting, a large full listing may be read in concurrent segments (graph/segments.py).
    """
    note = None
    if delta_link and not client.is_graph_link(delta_link):
        # Kept from a sync against another Graph host, as after the Graph URL setting changed.
        note = "The delta link kept from the last sync is for another Graph host; read every user."
    elif delta_link:
        try:
            return read_changes(client, select, scope, user_filter, delta_link)
        except RemoteError as error:
            # An expired, unknown or malformed token: a full read is always correct.
            if not isinstance(error, DeltaExpired) and error.status not in (400, 404, 410):
                raise
            note = f"Graph refused the delta link ({error}); read every user instead."
    read = read_all(client, select, scope, user_filter, segmenting)
    read.note = note
    return read


def read_all(
    client, select, scope: UserScope, user_filter, segmenting: Segmenting | None = None
) -> UserRead:
    # The link comes first, so a change made while the users are read is seen again next time
    # rather than missed; applying it twice is harmless.
    if scope.kind == "group":
        link = client.latest_delta_link(select)
        pages = client.group_members(scope.group_id, select, user_filter)
    elif segmenting:
        link, listed = listed_users(
            client, select, user_filter, segmenting, lambda: client.latest_delta_link(select)
        )
        pages = [listed]
    else:
        link = client.latest_delta_link(select)
        pages = client.users(select, user_filter)
    users = unique([user for page in pages for user in page])
    if scope.kind == "intune":
        owners = client.managed_device_owners()
        users = [user for user in users if user.get("id") in owners]
    return UserRead("full", users, link)


def read_changes(client, select, scope: UserScope, user_filter, link: str) -> UserRead:
    changed: dict[str, dict] = {}
    removed: dict[str, str] = {}
    next_link = None
    for body in client.delta(select, link):
        for entry in body.get("value") or []:
            # Graph may replay entries: the last word on an id wins, so replays change nothing.
            if "@removed" in entry:
                removed[entry["id"]] = (entry["@removed"] or {}).get("reason", "deleted")
                changed.pop(entry["id"], None)
            else:
                changed[entry["id"]] = entry
                removed.pop(entry["id"], None)
        next_link = body.get("@odata.deltaLink") or next_link
    if not next_link:
        raise RemoteError("Graph ended a delta round without an @odata.deltaLink")
    members = in_scope_ids(client, scope)
    users = []
    for user in changed.values():
        inside = (members is None or user["id"] in members) and (
            user_filter is None or user_filter.matches(user)
        )
        if inside:
            users.append(user)
        else:
            removed[user["id"]] = OUT_OF_SCOPE
    return UserRead("delta", users, next_link, removed)


def in_scope_ids(client: GraphClient, scope: UserScope) -> set[str] | None:
    """Delta covers the whole directory: the scope's members are looked up to narrow it."""
    if scope.kind == "intune":
        return client.managed_device_owners()
    if scope.kind == "group":
        return {
            user["id"] for page in client.group_members(scope.group_id, ["id"]) for user in page
        }
    return None


def group_memberships(client: GraphClient, groups: Sequence[str]) -> dict[str, list[str]]:
    """For each user in any of the groups (nested groups count), the groups they are in."""
    memberships: dict[str, list[str]] = {}
    for group in groups:
        for page in client.group_members(group, ["id"]):
            for user in page:
                memberships.setdefault(user["id"], []).append(group)
    return memberships


def unique(users: Iterable) -> list[dict]:
    """Each user once. A replayed entry counts once; different entries under one id are all
    kept, and validation rejects them as sharing it. An entry without a text id, or that is no
    object at all, is kept (as an empty object) to be rejected with a reason, never fatal."""
    users = list(users)
    # The usual case, checked in C: objects only, each with its own text id.
    if all_of(users, dict):
        ids = list(map(dict.get, users, repeat("id")))
        if all_of(ids, str) and len(set(ids)) == len(ids):
            return users
    by_id: dict[str, list[dict]] = {}
    unidentified = []
    for user in users:
        if not isinstance(user, dict):
            unidentified.append({})
        elif not isinstance(user.get("id"), str):
            unidentified.append(user)
        elif user not in (same := by_id.setdefault(user["id"], [])):
            same.append(user)
    return [user for same in by_id.values() for user in same] + unidentified
