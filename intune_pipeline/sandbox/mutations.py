"""Changes to the tenant between runs: hires, leavers, soft deletes, renames and retitles."""

import random

from intune_pipeline.sandbox import names
from intune_pipeline.sandbox.directory import Directory
from intune_pipeline.sandbox.licences import member_plans
from intune_pipeline.sandbox.org import org_details
from intune_pipeline.sandbox.people import member, pick

KINDS = ("hires", "leavers", "soft_deletes", "renames", "retitles")


def mutate(directory: Directory, rng: random.Random, counts: dict[str, int]) -> dict[str, list]:
    """Apply counts[kind] changes of each kind; the ids affected, per kind.

    Leavers, soft deletes, renames and retitles each pick different people (members with a
    name), so every changed user changed for one reason.
    """
    for kind, count in counts.items():
        if kind not in KINDS:
            raise ValueError(f"unknown kind of change {kind!r}; give some of {', '.join(KINDS)}")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"{kind} must be a whole number from 0, not {count!r}")
    people = [
        user["id"]
        for user in directory.slots
        if user is not None and user["userType"] == "Member" and user.get("givenName")
        if "@" in (user.get("userPrincipalName") or "")
    ]
    wanted = sum(counts.get(kind, 0) for kind in KINDS[1:])
    if wanted > len(people):
        raise ValueError(f"{wanted} changes asked for, but the tenant has {len(people)} people")
    chosen = iter(rng.sample(people, wanted))
    picked = {kind: [next(chosen) for _ in range(counts.get(kind, 0))] for kind in KINDS[1:]}
    upns = {(user["userPrincipalName"] or "").lower() for user in directory.live_users()}
    done: dict[str, list] = {"hires": []}
    for _ in range(counts.get("hires", 0)):
        done["hires"].append(hire(directory, rng, upns))
    for user_id in picked["leavers"]:
        directory.remove(user_id, hard=True)
    for user_id in picked["soft_deletes"]:
        directory.remove(user_id, hard=False)
    for user_id in picked["renames"]:
        rename(directory, rng, user_id, upns)
    for user_id in picked["retitles"]:
        retitle(directory, rng, user_id)
    done.update(picked)
    return done


def free_upn(local: str, domain: str, upns: set[str]) -> str:
    """local@domain, or local2@domain, local3@domain, ... once it is taken."""
    upn, n = f"{local}@{domain}", 1
    while upn.lower() in upns:
        n += 1
        upn = f"{local}{n}@{domain}"
    upns.add(upn.lower())
    return upn


def hire(directory: Directory, rng: random.Random, upns: set[str]) -> str:
    user = member(rng, {}, len(directory.slots))
    local, domain = user["userPrincipalName"].split("@")
    upn = free_upn(local, domain, upns)
    user.update(userPrincipalName=upn, mail=upn if user["mail"] else None)
    user["assignedPlans"] = member_plans(rng)
    org_details(rng, user)
    directory.add(user, rng)
    return user["id"]


def rename(directory: Directory, rng: random.Random, user_id: str, upns: set[str]) -> None:
    """A new surname (and now and then a new given name) and with it a new address.

    The old address goes: it is neither anyone's userPrincipalName nor mail any more.
    """
    user = directory.user(user_id)
    given, surname = user["givenName"], user["surname"]
    local, domain = user["userPrincipalName"].split("@")
    g = local.split(".")[0]
    if rng.random() < 0.2:
        given, g = pick(rng, names.FIRST_NAMES)
    while True:
        new_surname, s = pick(rng, names.LAST_NAMES)
        if new_surname != surname:
            break
    upns.discard(user["userPrincipalName"].lower())
    upn = free_upn(f"{g}.{s}", domain, upns)
    directory.update(
        user_id,
        {
            "givenName": given,
            "surname": new_surname,
            "displayName": f"{given} {new_surname}",
            "userPrincipalName": upn,
            "mail": upn,
        },
    )


def retitle(directory: Directory, rng: random.Random, user_id: str) -> None:
    """A new job title; now and then a move to another office as well."""
    user = directory.user(user_id)
    values = {"jobTitle": pick(rng, [t for t in names.JOB_TITLES if t != user["jobTitle"]])}
    if rng.random() < 0.4:
        offices = [o for o in names.OFFICES if o != user["officeLocation"]]
        values["officeLocation"] = pick(rng, offices)
    directory.update(user_id, values)
