"""Users' assignedPlans: the service plans their licences give them, Intune among them."""

import random

INTUNE_PLAN = "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"  # INTUNE_A

# (servicePlanId, service) of real Microsoft 365 service plans.
EXCHANGE = ("efb87545-963c-4e0d-99df-69c6916d9eb0", "exchange")
EXCHANGE_BASIC = ("9aaf7827-d63c-4b61-89c3-182f06f82e5c", "exchange")
SHAREPOINT = ("5dbe027f-2339-4123-9542-606e4d348a72", "SharePoint")
TEAMS = ("57ff2da0-773e-42df-b2af-ffb7a2317929", "TeamspaceAPI")
OFFICE = ("43de0ff5-c92c-492b-9116-175376d08c38", "MicrosoftOffice")
ENTRA_P1 = ("41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AADPremiumService")
MFA = ("8a256a2b-b617-496d-b51b-e76466e88db0", "MultiFactorService")
INTUNE = (INTUNE_PLAN, "SCO")

DATES = [
    "2019-03-14T09:12:44Z",
    "2020-11-02T16:03:09Z",
    "2021-06-21T07:45:30Z",
    "2022-01-10T12:00:01Z",
    "2023-09-05T18:27:56Z",
    "2024-04-29T08:31:12Z",
]


def _bundle(plans, date: str, intune: str | None = None) -> list[dict]:
    chosen = [*plans, INTUNE] if intune else plans
    return [
        {
            "assignedDateTime": date,
            "capabilityStatus": intune if plan is INTUNE else "Enabled",
            "service": plan[1],
            "servicePlanId": plan[0],
        }
        for plan in chosen
    ]


E3 = (EXCHANGE, SHAREPOINT, TEAMS, OFFICE, ENTRA_P1, MFA)
E1 = (EXCHANGE_BASIC, SHAREPOINT, TEAMS)
# Users share these lists, so generating 100,000 users stays cheap: never change one in place.
ENABLED = [_bundle(E3, date, "Enabled") for date in DATES]
SUSPENDED = [_bundle(E3, date, "Suspended") for date in DATES[:3]]
REMOVED = [_bundle(E3, date, "Deleted") for date in DATES[2:4]]
NO_INTUNE = [_bundle(E1, date) for date in DATES]
MAILBOX_ONLY = [_bundle((EXCHANGE_BASIC,), date) for date in DATES[:2]]


def member_plans(rng: random.Random) -> list[dict]:
    """Most members hold Intune, enabled; some a lapsed or removed one, some none at all."""
    r = rng.random()
    if r < 0.80:
        pool = ENABLED
    elif r < 0.83:
        pool = SUSPENDED
    elif r < 0.85:
        pool = REMOVED
    elif r < 0.95:
        pool = NO_INTUNE
    else:
        return []
    return pool[int(rng.random() * len(pool))]


def service_plans(rng: random.Random) -> list[dict]:
    """Shared mailboxes and service accounts: a mailbox plan at most."""
    return MAILBOX_ONLY[int(rng.random() * 2)] if rng.random() < 0.5 else []
