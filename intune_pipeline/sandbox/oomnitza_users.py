"""The users REST API's rules: query parameters, filters, sorting and checked changes."""

import re

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
CONDITION = re.compile(r"^\s*(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|(\S+))\s*$", re.IGNORECASE)


def int_param(query, name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.strip().isdigit():
        raise ApiError(400, f"{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def listing(query, found: list[dict], fields=FIELDS, kind="user") -> Response:
    """A list endpoint's answer: limit, skip, filter and sortby applied, x-total-count set."""
    limit = min(int_param(query, "limit", DEFAULT_LIMIT), MAX_LIMIT)
    skip = int_param(query, "skip", 0)
    if query.get("filter"):
        found = filtered(found, query["filter"], fields, kind)
    if query.get("sortby"):
        found = sorted_users(found, query["sortby"], fields, kind)
    headers = {"x-total-count": str(len(found))}
    return json_response(found[skip : skip + limit], headers=headers)


def filtered(users: list[dict], expression: str, fields=FIELDS, kind="user") -> list[dict]:
    """Objects matching "field eq 'value'" conditions joined by "and" (case-insensitive)."""
    for condition in re.split(r"\s+and\s+", expression.strip(), flags=re.IGNORECASE):
        match = CONDITION.match(condition)
        if not match or match.group(1) not in fields:
            raise ApiError(
                400,
                f"Cannot use filter {expression!r}: the sandbox understands field eq 'value' "
                f"conditions on {kind} fields, joined by and",
            )
        field = match.group(1)
        wanted = (match.group(2) or "").replace("''", "'") if match.group(3) is None else None
        wanted = (wanted if wanted is not None else match.group(3)).lower()
        users = [u for u in users if str(u.get(field)).lower() == wanted]
    return users


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
