"""Where a member works and how the organisation files them: city, country, employeeOrgData."""

import random

from intune_pipeline.sandbox import names
from intune_pipeline.sandbox.people import pick


def org_details(rng: random.Random, user: dict) -> None:
    """A member's city and country (from the office) and employeeOrgData; some left unset."""
    r = rng.random
    city, country = names.OFFICE_PLACES.get(user["officeLocation"], (None, None))
    if country is None and (user["officeLocation"] == "Remote" or r() < 0.5):
        country = pick(rng, names.COUNTRIES)
    if r() < 0.05:
        city = None  # never filled in
    org = None
    if r() >= 0.15:
        division, first = names.DIVISIONS.get(user["department"], (None, None))
        center = None if first is None or r() < 0.1 else f"CC-{first + int(r() * 4) * 10}"
        org = {"costCenter": center, "division": division}
    user.update(city=city, country=country, employeeOrgData=org)
