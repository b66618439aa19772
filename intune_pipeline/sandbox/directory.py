"""The live tenant the Graph emulator serves: users, their change versions, devices and groups."""

import random
from datetime import UTC, datetime

from intune_pipeline.sandbox.delta_tokens import DeltaTokens
from intune_pipeline.sandbox.devices import devices_for, generate_devices, owner_fields
from intune_pipeline.sandbox.graphschema import USER_PROPERTIES, unset_value
from intune_pipeline.sandbox.groups import generate_groups, join, transitive

EVERYTHING = "*"  # the mark of a change to a whole user: a hire or a removal
OWNER_FIELDS = ("id", "userPrincipalName", "mail", "displayName")


class Directory:
    """Users by slot: a removed user leaves a hole, so positions in page tokens stay valid.

    Every change raises the tenant's version; each changed user keeps, per property, the
    version of its last change, which is what a delta token is compared with.
    """

    def __init__(self, users: list[dict], seed: int):
        self.seed = seed
        self.slots: list[dict | None] = list(users)
        self.index = {user["id"]: n for n, user in enumerate(users)}
        self.version = 0
        self.changes: dict[str, dict[str, int]] = {}  # users never changed are not here
        self.removed: dict[str, str] = {}  # id: "changed" (soft-deleted) or "deleted" (hard)
        self.generation = 0  # raised on every change, so cached pages are dropped
        self.delta_tokens = DeltaTokens()
        self.rng = random.Random(f"changes-{seed}")  # for changes made without a seed of their own
        self.keys = tuple(users[0]) if users else ()
        self.properties = {p.lower(): p for p in (*USER_PROPERTIES, *self.keys) if p[0] != "@"}
        self._devices: list[dict | None] | None = None
        self._owned: dict[str, list[int]] = {}
        self._groups: list[dict] | None = None
        self._flat: dict[str, tuple[int, list[str]]] = {}  # group id: (generation, members)

    def live_users(self) -> list[dict]:
        return [user for user in self.slots if user is not None]

    def user(self, user_id: str) -> dict | None:
        n = self.index.get(user_id)
        return None if n is None else self.slots[n]

    def add(self, user: dict, rng) -> None:
        """A hire: appended, so it comes last in listings; it joins groups and enrols devices."""
        if user["id"] in self.index or user["id"] in self.removed:
            raise ValueError(f"user id {user['id']} is taken")
        if self.keys and tuple(user) != self.keys:  # every user has the same keys, always
            user = {key: user.get(key, unset_value(key)) for key in self.keys}
        self.index[user["id"]] = len(self.slots)
        self.slots.append(user)
        self._touch(user["id"], (EVERYTHING,))
        if self._groups is not None:
            join(self._groups, user, rng)
        if self._devices is not None:
            today = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            self._enrol(devices_for(rng, user, today))

    def update(self, user_id: str, values: dict) -> dict:
        """Set properties; the stored user is replaced, so copies handed out stay as they were."""
        n = self.index.get(user_id)
        if n is None:
            raise KeyError(f"no user with id {user_id} in the tenant")
        old = self.slots[n]
        added = tuple(values.keys() - old.keys())
        if added:  # a property no user had yet: every user gets it, unset
            self.keys += added
            blank = {key: unset_value(key) for key in added}
            self.slots = [None if u is None else {**u, **blank} for u in self.slots]
            old = self.slots[n]
        new = {**old, **values}
        self.slots[n] = new
        changed = [key for key, value in values.items() if old.get(key) != value]
        if changed:
            self._touch(user_id, changed)
        if self._devices is not None and any(key in OWNER_FIELDS for key in changed):
            fields = owner_fields(new)
            for slot in self._owned.get(user_id, ()):
                self._devices[slot] = {**self._devices[slot], **fields}
        return new

    def remove(self, user_id: str, hard: bool) -> None:
        """Soft delete (restorable, Graph's "changed") or hard delete ("deleted")."""
        n = self.index.pop(user_id, None)
        if n is not None:
            self.slots[n] = None
        elif not (hard and self.removed.get(user_id) == "changed"):
            raise KeyError(f"no user with id {user_id} in the tenant")
        self.removed[user_id] = "deleted" if hard else "changed"
        self._touch(user_id, (EVERYTHING,))
        # Intune keeps the devices of a soft-deleted user (inferred), and drops them for good.
        if hard and self._devices is not None:
            for slot in self._owned.pop(user_id, ()):
                self._devices[slot] = None

    def changed_since(self, version: int, tracked: frozenset[str] | None) -> list[str]:
        """Ids changed after version, oldest change first; only tracked properties count."""
        hits = []
        for user_id, marks in self.changes.items():
            latest = max(
                (v for key, v in marks.items() if not tracked or key in tracked), default=0
            )
            if latest > version:
                hits.append((latest, user_id))
        return [user_id for _, user_id in sorted(hits)]

    def _touch(self, user_id: str, keys) -> None:
        self.version += 1
        self.generation += 1
        marks = self.changes.setdefault(user_id, {})
        for key in keys:
            marks[key] = self.version

    @property
    def devices(self) -> list[dict | None]:
        """Managed devices by slot, made on first use (holes where a leaver's devices were)."""
        if self._devices is None:
            self._devices = []
            self._enrol(generate_devices(self.live_users(), self.seed))
        return self._devices

    def _enrol(self, devices: list[dict]) -> None:
        for device in devices:
            if device["userId"]:
                self._owned.setdefault(device["userId"], []).append(len(self._devices))
            self._devices.append(device)
        self.generation += 1

    @property
    def groups(self) -> list[dict]:
        """The groups, made on first use; members hold ids, removed users included."""
        if self._groups is None:
            self._groups = generate_groups(self.live_users(), self.seed)
        return self._groups

    def group(self, group_id: str) -> dict | None:
        return next((group for group in self.groups if group["id"] == group_id), None)

    def members(self, group: dict, nested: bool) -> list[str]:
        """Member ids (users and groups) of group, or of it and its nested groups."""
        if not nested:
            return group["members"]
        generation, flat = self._flat.get(group["id"], (None, []))
        if generation != self.generation:  # flattened once, not once per page
            flat = transitive({g["id"]: g for g in self.groups}, group)
            self._flat[group["id"]] = (self.generation, flat)
        return flat
