"""A generated tenant of realistic, messy Graph users, deterministic for (users, seed)."""

import random

from intune_pipeline.collector import collector_paused
from intune_pipeline.sandbox.licences import member_plans, service_plans
from intune_pipeline.sandbox.names import DOMAIN, ONMICROSOFT
from intune_pipeline.sandbox.org import org_details
from intune_pipeline.sandbox.people import guest, member, new_uuid, pick, service

__all__ = ["DOMAIN", "ONMICROSOFT", "generate_tenant", "tenant_identity"]
CONTROL_CHARS = ("\x07", "\x1b", "\x00")


def tenant_identity(seed: int) -> tuple[str, str]:
    """The tenant id and the application (client) id of the sandbox's app registration."""
    rng = random.Random(f"identity-{seed}")
    return new_uuid(rng), new_uuid(rng)


def generate_tenant(count: int, seed: int) -> list[dict]:
    """count Graph user objects with every property the pipeline may select."""
    with collector_paused():
        return _generate(count, seed)


def _generate(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    r = rng.random
    # Plans draw from their own generator, so adding them left every other value as it was.
    plan_rng = random.Random(f"plans-{seed}")
    org_rng = random.Random(f"org-{seed}")  # likewise for city, country and employeeOrgData
    taken: dict[str, int] = {}
    last_mail = None
    users = []
    for n in range(count):
        kind = r()
        if kind < 0.05:
            user = guest(rng, taken)
            user["assignedPlans"] = []
        elif kind < 0.08:
            user = service(rng, taken)
            user["assignedPlans"] = service_plans(plan_rng)
        else:
            user = member(rng, taken, n)
            user["assignedPlans"] = member_plans(plan_rng)
            org_details(org_rng, user)
        mail = user["mail"]
        if mail and kind >= 0.08:
            if last_mail and r() < 0.005:
                mail = last_mail  # two accounts of one person sharing a mailbox address
            elif r() < 0.03:
                mail = mail.upper() if r() < 0.5 else mail.title()
            last_mail = mail
        if r() < 0.005:
            if mail and r() < 0.5:
                mail = mail.split("@")[0] + ("@" if r() < 0.5 else "")
            else:
                name = user["displayName"]
                cut = rng.randrange(1, len(name))
                user["displayName"] = name[:cut] + pick(rng, CONTROL_CHARS) + name[cut:]
        user["mail"] = mail
        if r() < 0.05:
            user["accountEnabled"] = False
        users.append(user)
    return users
