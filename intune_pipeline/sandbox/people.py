"""The kinds of account a tenant holds: members, guests, and rooms or service accounts."""

import random

from intune_pipeline.sandbox import names
from intune_pipeline.sandbox.names import DOMAIN, ONMICROSOFT

INTL_FIRST = names.INTL_FIRST_NAMES + names.FIRST_NAMES[:10]


def new_uuid(rng: random.Random) -> str:
    """A version 4 UUID string drawn from rng (uuid.uuid4 would not be reproducible)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def unique(base: str, taken: dict[str, int]) -> str:
    """base, or base2, base3, ... once base is taken (bases never end in a digit)."""
    seen = taken.get(base, 0)
    taken[base] = seen + 1
    return base if not seen else f"{base}{seen + 1}"


def pick(rng: random.Random, seq):
    # Cheaper than rng.choice, which dominated generation time.
    return seq[int(rng.random() * len(seq))]


def phone(rng: random.Random) -> str:
    """A phone number in one of a few countries' formats."""
    return f"{pick(rng, names.PHONE_PREFIXES)}{int(rng.random() * 10000):04d}"


def member(rng: random.Random, taken: dict[str, int], n: int) -> dict:
    """An ordinary employee account; some with non-ASCII names, no job title or no phone."""
    r = rng.random
    if r() < 0.10:
        if r() < 0.2:
            given, surname, g, s = pick(rng, names.CJK_NAMES)
            display = surname + given
        else:
            given, g = pick(rng, INTL_FIRST)
            surname, s = pick(rng, names.INTL_LAST_NAMES)
            display = f"{given} {surname}"
    else:
        given, g = pick(rng, names.FIRST_NAMES)
        surname, s = pick(rng, names.LAST_NAMES)
        display = f"{given} {surname}"
    upn = f"{unique(f'{g}.{s}', taken)}@{DOMAIN}"
    desk = mobile = r() >= 0.24
    if desk:
        desk, mobile = (True, r() < 0.5) if r() < 0.85 else (False, True)
    return {
        "id": new_uuid(rng),
        "businessPhones": [phone(rng)] if desk else [],
        "displayName": display,
        "givenName": given,
        "jobTitle": None if r() < 0.08 else pick(rng, names.JOB_TITLES),
        "mail": None if r() < 0.02 else upn,
        "mobilePhone": phone(rng) if mobile else None,
        "officeLocation": None if r() < 0.1 else pick(rng, names.OFFICES),
        "preferredLanguage": pick(rng, names.LANGUAGES),
        "surname": surname,
        "userPrincipalName": upn,
        "accountEnabled": True,
        "userType": "Member",
        "department": None if r() < 0.1 else pick(rng, names.DEPARTMENTS),
        "employeeId": None if r() < 0.1 else f"E{100000 + n}",
        "companyName": pick(rng, names.COMPANIES),
        "otherMails": [f"{g}.{s}{n}@outlook.com"] if r() < 0.05 else [],
        # Set by org.org_details, from a generator of their own (see tenant.py).
        "city": None,
        "country": None,
        "employeeOrgData": None,
    }


def guest(rng: random.Random, taken: dict[str, int]) -> dict:
    """An external account invited from another domain; most have no mail in this tenant."""
    given, g = pick(rng, names.FIRST_NAMES)
    surname, s = pick(rng, names.LAST_NAMES)
    domain = pick(rng, names.GUEST_DOMAINS)
    email = f"{unique(f'{g}.{s}', taken)}@{domain}"
    return bare(
        rng,
        displayName=f"{given} {surname}",
        givenName=given,
        surname=surname,
        mail=email if rng.random() < 0.4 else None,
        userPrincipalName=f"{email.replace('@', '_')}#EXT#@{ONMICROSOFT}",
        userType="Guest",
        otherMails=[email],
    )


def service(rng: random.Random, taken: dict[str, int]) -> dict:
    """A room or service account: no given name or surname, often disabled or without mail."""
    if rng.random() < 0.5:
        room = f"{rng.randint(1, 9)}{pick(rng, 'ABCDEF')}"
        display = pick(rng, names.ROOM_NAMES).format(room)
        local = unique(display.lower().replace(" ", "-"), taken)
        mail, enabled, office = f"{local}@{DOMAIN}", rng.random() < 0.3, pick(rng, names.OFFICES)
    else:
        display = pick(rng, names.SERVICE_NAMES)
        local = unique(display.lower().replace(" ", "-"), taken)
        mail, enabled, office = (f"{local}@{DOMAIN}" if rng.random() < 0.5 else None), True, None
    return bare(
        rng,
        displayName=display,
        mail=mail,
        userPrincipalName=f"{local}@{DOMAIN}",
        accountEnabled=enabled,
        officeLocation=office,
    )


def bare(rng: random.Random, **values) -> dict:
    """A user with only the given values set, in the generator's property order."""
    user = {
        "id": new_uuid(rng),
        "businessPhones": [],
        "displayName": None,
        "givenName": None,
        "jobTitle": None,
        "mail": None,
        "mobilePhone": None,
        "officeLocation": None,
        "preferredLanguage": None,
        "surname": None,
        "userPrincipalName": None,
        "accountEnabled": True,
        "userType": "Member",
        "department": None,
        "employeeId": None,
        "companyName": None,
        "otherMails": [],
        "city": None,
        "country": None,
        "employeeOrgData": None,
    }
    user.update(values)
    return user
