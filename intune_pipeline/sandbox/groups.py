"""A few security groups of the tenant, one nested in another, deterministic for (users, seed)."""

import random

from intune_pipeline.sandbox.people import new_uuid

# The group properties Graph returns without $select, as far as the sandbox keeps them.
GROUP_PROPERTIES = (
    "id",
    "displayName",
    "description",
    "mail",
    "mailEnabled",
    "mailNickname",
    "securityEnabled",
    "groupTypes",
)


def _group(rng: random.Random, name: str, description: str) -> dict:
    nickname = name.lower().replace(" ", "-")
    return {
        "id": new_uuid(rng),
        "displayName": name,
        "description": description,
        "mail": None,
        "mailEnabled": False,
        "mailNickname": nickname,
        "securityEnabled": True,
        "groupTypes": [],
        "members": [],
    }


def is_person(user: dict) -> bool:
    return user.get("userType") == "Member" and bool(user.get("givenName"))


def generate_groups(users: list[dict], seed: int) -> list[dict]:
    """All Staff, Engineering (with Platform Team nested in it), Sales and Contractors."""
    rng = random.Random(f"groups-{seed}")
    staff = _group(rng, "All Staff", "Every employee")
    engineering = _group(rng, "Engineering", "Engineering department")
    platform = _group(rng, "Platform Team", "Platform engineering, part of Engineering")
    sales = _group(rng, "Sales", "Sales department")
    contractors = _group(rng, "Contractors", "External contractors and guests")
    engineering["members"].append(platform["id"])
    groups = [staff, engineering, platform, sales, contractors]
    for user in users:
        join(groups, user, rng)
    return groups


def join(groups: list[dict], user: dict, rng: random.Random) -> None:
    """Add a user to the groups a person like them belongs to."""
    staff, engineering, platform, sales, contractors = groups[:5]
    user_id = user["id"]
    if user.get("userType") == "Guest":
        if rng.random() < 0.5:
            contractors["members"].append(user_id)
        return
    if not is_person(user):
        return
    if user.get("accountEnabled") is not False:
        staff["members"].append(user_id)
    department = user.get("department")
    if department == "Engineering":
        # A third join Platform Team; one in six of everyone is in both, so transitive
        # members must not repeat them.
        n = len(engineering["members"]) + len(platform["members"])
        if n % 3 == 1:
            platform["members"].append(user_id)
        if n % 3 != 1 or n % 6 == 1:
            engineering["members"].append(user_id)
    elif department == "Sales":
        sales["members"].append(user_id)
    if rng.random() < 0.02:
        contractors["members"].append(user_id)


def transitive(groups_by_id: dict[str, dict], group: dict) -> list[str]:
    """Every member of group and of the groups nested in it, each once, nested groups too."""
    seen: dict[str, None] = {}
    pending = [group]
    visited = {group["id"]}
    while pending:
        for member in pending.pop(0)["members"]:
            if member in seen:
                continue
            seen[member] = None
            nested = groups_by_id.get(member)
            if nested is not None and member not in visited:
                visited.add(member)
                pending.append(nested)
    return list(seen)
