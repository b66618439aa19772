"""SaaS users: the synced users assigned to Oomnitza's SaaS application record for Intune."""

from dataclasses import dataclass, field

from intune_pipeline.errors import RemoteError
from intune_pipeline.oomnitza.client import OomnitzaClient

CHUNK = 500  # assignments per request, so one bad answer costs a little


@dataclass
class AssignmentOutcome:
    """What became of the assignments asked for; errors name the user and Oomnitza's words."""

    assigned: int = 0
    unassigned: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def saas_application(client: OomnitzaClient, name: str) -> dict:
    """The SaaS application record called name, created if Oomnitza has none."""
    quoted = name.replace("'", "''")
    found = client.get("/saas", {"filter": f"saas_name eq '{quoted}'", "limit": 2})
    if not isinstance(found, list):
        raise RemoteError("Oomnitza answered GET /api/v3/saas with something not a list")
    if found:
        return found[0]
    return client.send_json("POST", "/saas", {"saas_name": name})


def assigned_users(client: OomnitzaClient, saas_id) -> dict[str, dict]:
    """The users assigned to the application, by their Oomnitza user_id."""
    found = client.get(f"/saas/{saas_id}/users")
    if not isinstance(found, list):
        raise RemoteError("Oomnitza answered GET /api/v3/saas/{id}/users with something not a list")
    return {user["user_id"]: user for user in found if isinstance(user, dict)}


def set_assignments(
    client: OomnitzaClient, saas_id, assign: list[str], unassign: list[str]
) -> AssignmentOutcome:
    """Assign and unassign Oomnitza users (by user_id), in chunks; per-user errors are kept."""
    outcome = AssignmentOutcome()
    items = [{"user_id": u, "assign": True} for u in assign]
    items += [{"user_id": u, "assign": False} for u in unassign]
    for start in range(0, len(items), CHUNK):
        answers = client.send_json("POST", f"/saas/{saas_id}/users", items[start : start + CHUNK])
        for answer in answers if isinstance(answers, list) else []:
            if answer.get("error"):
                outcome.errors.append((str(answer.get("user_id")), str(answer["error"])))
            elif answer.get("assign"):
                outcome.assigned += 1
            else:
                outcome.unassigned += 1
    return outcome
