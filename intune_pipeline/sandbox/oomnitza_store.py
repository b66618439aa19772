"""Oomnitza's users in the REST shape, with the indexes that matching and uniqueness need."""

import bisect
import random
import time
from operator import itemgetter

from intune_pipeline.sandbox.oomnitza_fields import TEXT_FIELDS, UNIQUE_FIELDS, label_of

NEW_USER = {
    "user_id": None,
    "uid": None,
    **dict.fromkeys(TEXT_FIELDS),
    "suspended": False,
    "role": None,
    "version": "1",
    "creation_date": None,
    "created_by": None,
    "change_date": None,
    "changed_by": None,
    "last_login_date": None,
    "deleted": None,
    "email_subscription": True,
}
_ids = random.Random()  # seeded from the OS; far cheaper than uuid4 per user
# Unique fields compared exactly; username has its own case-insensitive index.
EXACT_UNIQUE = tuple(field for field in UNIQUE_FIELDS if field != "username")


def uid_of(user: dict) -> int:
    return user["uid"]


change_date_of = itemgetter(0)  # of a (change_date, user_id) change


class UserStore:
    """Users by user_id, indexed by username, email, the unique custom fields, and change_date
    (as a database would, so that asking for the users changed since a moment costs those
    users, not a pass over a million)."""

    def __init__(self):
        self.users: dict[str, dict] = {}
        self._by_username: dict[str, dict] = {}
        self._by_email: dict[str, list[dict]] = {}
        self._unique: dict[str, dict[str, dict]] = {field: {} for field in EXACT_UNIQUE}
        self._next_uid = 1
        self._in_uid_order = True  # until a loaded file gives uids out of order
        self.revision = 0  # counts changes, so a listing can be kept while there are none
        self._changes: list[tuple[int, str]] = []  # (change_date, user_id) of every change

    def in_uid_order(self) -> list[dict]:
        """All users, sorted by uid as Oomnitza lists them."""
        users = list(self.users.values())
        if not self._in_uid_order:
            users.sort(key=uid_of)
        return users

    def changed_since(self, moment: int) -> list[dict]:
        """The users whose change_date is moment or later (and maybe some changed just before),
        sorted by uid."""
        start = bisect.bisect_left(self._changes, moment, key=change_date_of)
        found = {user_id: self.users.get(user_id) for _, user_id in self._changes[start:]}
        users = [user for user in found.values() if user is not None]
        users.sort(key=uid_of)
        return users

    def get(self, ident: str) -> dict | None:
        """By user_id or, as Oomnitza's {ident} allows, by username."""
        return self.users.get(ident) or self._by_username.get(ident.lower())

    def find(self, field: str, value) -> dict | None:
        """The first user holding value in field (case-insensitive for username and email)."""
        if value is None:
            return None
        if field == "username":
            return self._by_username.get(str(value).lower())
        if field == "email":
            holders = self._by_email.get(str(value).lower())
            return holders[0] if holders else None
        if field in self._unique:
            return self._unique[field].get(value)
        return next((u for u in self.users.values() if u.get(field) == value), None)

    def conflict(self, values: dict, user: dict | None = None) -> str | None:
        """Why values would break a unique field held by a user other than user, else None."""
        for field in UNIQUE_FIELDS:
            other = self.find(field, values.get(field))
            if other is not None and other is not user:
                return (
                    f"{label_of(field)} '{values[field]}' is already held by another user "
                    f"(user_id {other['user_id']}, username '{other['username']}')"
                )
        return None

    def changed_fields(self, user: dict, values: dict) -> list[str]:
        return [field for field, value in values.items() if user.get(field) != value]

    def create(self, values: dict, by: str) -> dict:
        """A new user from normalized values; system fields may be given (loading a file)."""
        user = NEW_USER.copy()  # copying a template is far cheaper than a 22-key literal
        user["user_id"] = f"{_ids.getrandbits(128):032x}"
        user["uid"] = self._next_uid
        user["creation_date"] = user["change_date"] = int(time.time())
        user["created_by"] = user["changed_by"] = by
        user.update(values)
        if user["uid"] < self._next_uid:
            self._in_uid_order = False
        self._next_uid = max(self._next_uid, user["uid"] + 1)
        self.users[user["user_id"]] = user
        self._index(user)
        return user

    def update(self, user: dict, changes: dict, by: str) -> None:
        self._unindex(user)
        user.update(changes)
        user["version"] = str(int(user.get("version") or 0) + 1)
        user["change_date"] = int(time.time())
        user["changed_by"] = by
        self._index(user)

    def delete(self, user: dict) -> None:
        self._unindex(user)
        del self.users[user["user_id"]]

    def _index(self, user: dict) -> None:
        self.revision += 1
        if isinstance(user.get("change_date"), int):
            change = (user["change_date"], user["user_id"])
            # Ordered by change_date alone (out of order: a loaded file, a clock set back): a bulk
            # portion creates tens of thousands of users a second, and ordering those by their
            # random ids too moved half of the second's changes at each insert (0.46 s of 93,000).
            if self._changes and change[0] < self._changes[-1][0]:
                bisect.insort(self._changes, change, key=change_date_of)
            else:
                self._changes.append(change)
        if user.get("username"):
            self._by_username[user["username"].lower()] = user
        if user.get("email"):
            holders = self._by_email.setdefault(user["email"].lower(), [])
            # Kept in uid order: the oldest holder of a shared address matches first.
            bisect.insort(holders, user, key=uid_of)
        for field, index in self._unique.items():
            if user.get(field):
                index[user[field]] = user

    def _unindex(self, user: dict) -> None:
        self.revision += 1
        if user.get("username"):
            self._by_username.pop(user["username"].lower(), None)
        if user.get("email"):
            holders = self._by_email.get(user["email"].lower(), [])
            holders[:] = [u for u in holders if u is not user]
        for field, index in self._unique.items():
            if user.get(field):
                index.pop(user[field], None)
