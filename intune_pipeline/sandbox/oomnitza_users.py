"""The users REST API's rules: query parameters, filters, sorting and checked changes."""

import contextlib
import operator
import re
from datetime import UTC, datetime

from starlette.responses import Response

from intune_pipeline.sandbox.oomnitza_bulk import ApiError
from intune_pipeline.sandbox.oomnitza_fields import (
    EDITABLE_FIELDS,
    ROLES,
    SYSTEM_FIELDS,
    StoreError,
    normalize,
)
from intune_pipeline.sandbox.oomnitza_store import UserStore
from intune_pipeline.sandbox.web import json_response

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
FIELDS = EDITABLE_FIELDS | SYSTEM_FIELDS
CONDITION = re.compile(
    r"^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+(?:'((?:[^']|'')*)'|(\S+))\s*$", re.IGNORECASE
)
# Dates compare as Unix seconds; the API takes them as those or as ISO 8601 (inferred for filters).
DATE_FIELDS = frozenset({"creation_date", "change_date", "last_login_date", "last_visit"})
ORDER = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}


def int_param(query, name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit():
        raise ApiError(400, f"{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def listing(query, found: list[dict], fields=FIELDS, kind="user") -> Response:
    """A list endpoint's answer: limit, skip, filter and sortby applied, x-total-count set."""
    return page_of(query, selected(query, found, fields, kind))


def selected(query, found: list[dict], fields=FIELDS, kind="user") -> list[dict]:
    """found with the query's filter and sortby applied."""
    if query.get("filter"):
        found = filtered(found, query["filter"], fields, kind)
    if query.get("sortby"):
        found = sorted_users(found, query["sortby"], fields, kind)
    return found


def page_of(query, found: list[dict]) -> Response:
    limit = min(int_param(query, "limit", DEFAULT_LIMIT), MAX_LIMIT)
    skip = int_param(query, "skip", 0)
    headers = {"x-total-count": str(len(found))}
    return json_response(found[skip : skip + limit], headers=headers)


class UserListings:
    """The users listing, its last filtered and sorted selections kept while the store is
    unchanged: a client paging a filtered listing asks for the same selection once a page, and
    filtering 100,000 users for each of 100 pages made the sandbox the bottleneck. A few are
    kept, as a client counting the users while it pages the changed ones asks for two at once."""

    KEPT = 4

    def __init__(self, store: UserStore):
        self.store = store
        self._kept: dict[tuple, list[dict]] = {}
        self._revision = store.revision

    def answer(self, query) -> Response:
        if self._revision != self.store.revision:
            self._kept.clear()
            self._revision = self.store.revision
        key = (query.get("filter"), query.get("sortby"))
        if key not in self._kept:
            if len(self._kept) == self.KEPT:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = selected(query, self.candidates(query.get("filter")))
        return page_of(query, self._kept[key])

    def candidates(self, expression: str | None) -> list[dict]:
        """The users a filter can match, in uid order: with a change_date ge or gt condition,
        those the store's change_date index gives; else all."""
        moments = []
        for condition in conditions(expression or ""):
            field, op, text = parsed(condition) or (None, None, None)
            if field == "change_date" and op in ("ge", "gt"):
                with contextlib.suppress(ApiError):  # filtered says what is wrong with it
                    moments.append(unix_seconds(text, expression))
        if moments:
            return self.store.changed_since(max(moments))
        return self.store.in_uid_order()


def filtered(users: list[dict], expression: str, fields=FIELDS, kind="user") -> list[dict]:
    """Objects matching "field op value" conditions joined by "and": eq and ne compare text
    case-insensitively; gt, ge, lt and le compare dates."""
    for condition in conditions(expression):
        field, op, text = parsed(condition) or (None, None, None)
        if field not in fields or (op in ORDER and field not in DATE_FIELDS):
            raise ApiError(
                400,
                f"Cannot use filter {expression!r}: the sandbox understands field eq 'value' "
                f"and ne conditions on {kind} fields, and gt, ge, lt and le on dates "
                f"({', '.join(sorted(DATE_FIELDS & fields))}), joined by and",
            )
        if op in ORDER:
            bound, compare = unix_seconds(text, expression), ORDER[op]
            users = [u for u in users if u.get(field) is not None and compare(u[field], bound)]
        else:
            wanted = text.lower()
            users = [u for u in users if (str(u.get(field)).lower() == wanted) == (op == "eq")]
    return users


def conditions(expression: str) -> list[str]:
    return re.split(r"\s+and\s+", expression.strip(), flags=re.IGNORECASE)


def parsed(condition: str) -> tuple[str, str, str] | None:
    """A condition's field, operator (lower case) and value (quotes undone); None if malformed."""
    match = CONDITION.match(condition)
    if not match:
        return None
    text = match.group(3).replace("''", "'") if match.group(4) is None else match.group(4)
    return match.group(1), match.group(2).lower(), text


def unix_seconds(text: str, expression: str) -> int:
    """A date given as Unix seconds or as ISO 8601 ('YYYY-MM-DDTHH:mm:SSZ', taken as UTC)."""
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(
            400, f"Cannot use filter {expression!r}: {text!r} is not Unix seconds or ISO 8601"
        ) from None
    return int(moment.timestamp())


def sorted_users(users: list[dict], sortby: str, fields=FIELDS, kind="user") -> list[dict]:
    """sortby is "field", "-field", "field asc" or "field desc"."""
    parts = sortby.split()
    field = parts[0].lstrip("-") if parts else ""
    descending = sortby.strip().startswith("-") or (len(parts) > 1 and parts[1].lower() == "desc")
    if field not in fields or len(parts) > 2:
        raise ApiError(400, f"Cannot sort by {sortby!r}: give a {kind} field, such as uid or -uid")
    present = [u for u in users if u.get(field) is not None]
    absent = [u for u in users if u.get(field) is None]
    present.sort(key=lambda u: u[field], reverse=descending)
    return present + absent


def checked_values(store: UserStore, body, user: dict | None = None) -> dict:
    """The changes a POST (user is None) or PATCH body asks for, refused as Oomnitza would."""
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object of user fields")
    values = {}
    for field, value in body.items():
        if field in SYSTEM_FIELDS:
            continue  # read-only fields are ignored, so a fetched user can be sent back
        if field not in EDITABLE_FIELDS:
            raise ApiError(400, f"Unknown field {field!r} for users")
        try:
            values[field] = normalize(field, value)
        except StoreError as error:
            raise ApiError(400, str(error)) from None
    if (user is None or "role" in values) and values.get("role") not in ROLES:
        known = ", ".join(f"{rid} ({label})" for rid, label in ROLES.items())
        raise ApiError(400, f"A defined role is necessary: role must be one of {known}")
    if (user is None or "username" in values) and not values.get("username"):
        raise ApiError(400, "username is required")
    conflict = store.conflict(values, user)
    if conflict:
        raise ApiError(400, conflict)
    return values
