"""Oomnitza's SaaS applications and the users assigned to them (SaaS users).

Shapes follow the OpenAPI schemas "SaaS" and "SaaS assigned User". The subset gives saas_id
as an integer in "SaaS" but as a string in the create response; the sandbox answers the
integer everywhere. An assignment also carries saas_user_id, saas_id and active, the flag
that /api/v3/saas_users/activate and /deactivate change.
"""

import random
import time

from intune_pipeline.sandbox.oomnitza_store import UserStore

# Settable SaaS fields by the JSON types the schema gives them.
TEXT = """saas_name linked category usage_statistic usage_history link_key publisher url source
    ignored version renewal_date"""
SETTABLE = {
    **dict.fromkeys(TEXT.split(), (str,)),
    **dict.fromkeys(("visited", "available_licenses", "total_licenses"), (int,)),
    "annual_spend": (int, float),
    "is_inf": (bool,),
}
READ_ONLY = frozenset(
    ("saas_id", "uid", "hash", "changedate", "changedby", "creationdate", "createdby", "deleted")
)
_ids = random.Random()


def now() -> str:
    return str(int(time.time()))


class SaasStore:
    """SaaS applications by saas_id, and assignments by saas_user_id in assignment order."""

    def __init__(self, users: UserStore):
        self.users = users
        self.applications: dict[int, dict] = {}
        self.assignments: dict[str, dict] = {}
        self._pairs: dict[tuple[int, str], str] = {}  # (saas_id, user_id): saas_user_id

    def check(self, body) -> dict:
        """The fields of a new application, or ValueError naming what to fix."""
        if not isinstance(body, dict):
            raise ValueError("The body must be a JSON object of SaaS fields")
        for field, value in body.items():
            if field in READ_ONLY:
                continue  # ignored, so a fetched application can be sent back
            kinds = SETTABLE.get(field)
            if kinds is None:
                raise ValueError(f"Unknown field {field!r} for SaaS")
            if value is not None and (type(value) not in kinds):
                raise ValueError(f"{field} must be {kinds[-1].__name__}, not {value!r}")
        if not isinstance(body.get("saas_name"), str) or not body["saas_name"].strip():
            raise ValueError("saas_name is required")
        return {field: value for field, value in body.items() if field in SETTABLE}

    def create(self, values: dict, by: str) -> dict:
        """A new application; fields not given are null, except the required ones."""
        saas_id = max(self.applications, default=0) + 1
        application = dict.fromkeys(SETTABLE)
        link_key = values["saas_name"].strip().lower()
        application.update(source="API", linked="false", ignored="false", link_key=link_key)
        application.update(values)
        application.update(
            saas_id=saas_id, uid=saas_id, hash=False, deleted=None, changedby=by, createdby=by
        )
        application["creationdate"] = application["changedate"] = now()
        self.applications[saas_id] = application
        return application

    def get(self, ident: str) -> dict | None:
        return self.applications.get(int(ident)) if ident.isdigit() else None

    def assign(self, application: dict, user_id: str) -> dict:
        """user_id's assignment to application, made active if it is new."""
        pair = (application["saas_id"], user_id)
        if pair in self._pairs:
            return self.assignments[self._pairs[pair]]  # assigning twice changes nothing
        saas_user_id = f"{_ids.getrandbits(128):032x}"
        assignment = {
            "saas_user_id": saas_user_id,
            "saas_id": application["saas_id"],
            "user_id": user_id,
            "active": True,
            "last_visit": None,
            "roles": None,
            "user_external_id": None,
        }
        self.assignments[saas_user_id] = assignment
        self._pairs[pair] = saas_user_id
        return assignment

    def unassign(self, application: dict, user_id: str) -> str | None:
        """The saas_user_id removed, or None when user_id was not assigned."""
        saas_user_id = self._pairs.pop((application["saas_id"], user_id), None)
        if saas_user_id is not None:
            del self.assignments[saas_user_id]
        return saas_user_id

    def of(self, application: dict) -> list[dict]:
        return [a for a in self.assignments.values() if a["saas_id"] == application["saas_id"]]

    def view(self, assignment: dict) -> dict:
        """ "SaaS assigned User": the assignment joined with the user as Oomnitza holds it now."""
        user = self.users.users.get(assignment["user_id"]) or {}
        return {
            "email": user.get("email"),
            "full_name": user.get("full_name"),
            "last_visit": assignment["last_visit"],
            "old_usage": False,
            "user_id": assignment["user_id"],
            "username": user.get("username"),
            "media_url": None,
            "contract_id": None,
            "roles": assignment["roles"],
            "user_external_id": assignment["user_external_id"],
            "saas_user_id": assignment["saas_user_id"],
            "saas_id": assignment["saas_id"],
            "active": assignment["active"],
        }
