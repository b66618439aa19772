"""What the sandbox starts from: a tenant file, an Oomnitza file, or a prefill from the tenant."""

import random
from pathlib import Path

import orjson

from intune_pipeline.collector import collector_paused
from intune_pipeline.sandbox.graphschema import unset_value
from intune_pipeline.sandbox.oomnitza_fields import (
    EDITABLE_FIELDS,
    INTUNE_USER_ID_FIELD,
    SYSTEM_FIELDS,
    StoreError,
    normalize,
)
from intune_pipeline.sandbox.oomnitza_store import UserStore


class InputError(ValueError):
    """A bad option or input file; option names the command-line option to fix."""

    def __init__(self, option: str, message: str):
        super().__init__(f"{option}: {message}")
        self.option = option


def read_array(path: Path, option: str, what: str) -> list[dict]:
    """A JSON array of objects from path, or an InputError that says what to give."""
    try:
        data = orjson.loads(Path(path).read_bytes())
    except OSError as error:
        raise InputError(option, f"cannot read {path} ({error.strerror}); give {what}") from None
    except orjson.JSONDecodeError as error:
        raise InputError(option, f"{path} is not valid JSON ({error}); give {what}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputError(option, f"{path} is not a JSON array of objects; give {what}")
    return data


def load_tenant(path: Path) -> list[dict]:
    """Graph user objects as Graph returns them; every user gets every property the file uses."""
    what = "a JSON array of Graph user objects, each with an id"
    users = read_array(path, "--tenant-file", what)
    seen: set[str] = set()
    props: dict[str, None] = {}
    for n, user in enumerate(users):
        user_id = user.get("id")
        if not isinstance(user_id, str) or not user_id:
            raise InputError("--tenant-file", f"user #{n + 1} in {path} has no string id")
        if user_id in seen:
            raise InputError("--tenant-file", f"id {user_id} appears twice in {path}")
        seen.add(user_id)
        props.update(dict.fromkeys(p for p in user if not p.startswith("@")))
    return [{p: user.get(p, unset_value(p)) for p in props} for user in users]


def load_oomnitza(path: Path, store: UserStore) -> None:
    """Oomnitza REST user objects, added to store as they are (uid and user_id kept if given)."""
    what = "a JSON array of Oomnitza REST user objects, each with a username"
    uids: set[int] = set()
    for n, user in enumerate(read_array(path, "--oomnitza-file", what)):
        where = f"user #{n + 1} in {path}"
        values = {}
        for field, value in user.items():
            if field in SYSTEM_FIELDS:
                values[field] = value
            elif field in EDITABLE_FIELDS:
                try:
                    values[field] = normalize(field, value)
                except StoreError as error:
                    raise InputError("--oomnitza-file", f"{where}: {error}") from None
            elif len(field) == 10 and all(c in "0123456789abcdef" for c in field):
                values[field] = value  # another custom field: kept, not checked
            else:
                raise InputError("--oomnitza-file", f"{where} has unknown field {field!r}")
        if not values.get("username"):
            raise InputError("--oomnitza-file", f"{where} has no username")
        if "uid" in values and (not isinstance(values["uid"], int) or values["uid"] < 1):
            raise InputError("--oomnitza-file", f"{where}: uid must be a whole number above 0")
        if values.get("uid") in uids:
            raise InputError("--oomnitza-file", f"{where}: uid {values['uid']} appears twice")
        problem = store.conflict(values) or (
            "its user_id is taken" if values.get("user_id") in store.users else None
        )
        if problem:
            raise InputError("--oomnitza-file", f"{where}: {problem}")
        uids.add(store.create(values, by=str(values.get("created_by") or "import"))["uid"])


def prefill(store: UserStore, tenant: list[dict], share: float, seed: int) -> None:
    """Copy share of the users with a mail into Oomnitza, a fifth of them with stale values."""
    rng = random.Random(f"prefill-{seed}")
    with collector_paused():
        for user in tenant:
            if user.get("mail") and rng.random() < share:
                _copy_user(store, user, rng)


def _copy_user(store: UserStore, user: dict, rng: random.Random) -> None:
    phones = user.get("businessPhones") or []
    values = {
        "username": user.get("userPrincipalName") or user["mail"],
        "email": user["mail"].lower(),
        "first_name": user.get("givenName"),
        "last_name": user.get("surname"),
        "full_name": user.get("displayName"),
        "position": user.get("jobTitle"),
        "phone_number": user.get("mobilePhone") or (phones[0] if phones else None),
        "address": user.get("officeLocation"),
        "suspended": user.get("accountEnabled") is False,
        "role": 25,
        # Users added by hand before the integration have no Intune user id yet.
        INTUNE_USER_ID_FIELD: user["id"] if rng.random() < 0.7 else None,
    }
    if rng.random() < 0.2:
        values["position"] = "Former " + (values["position"] or "Contractor")
    if rng.random() < 0.1:
        values["phone_number"] = f"+1 555 010{rng.randrange(10)}"
    values = {field: normalize(field, value) for field, value in values.items()}
    if store.conflict(values) is None:
        values["user_id"] = f"{rng.getrandbits(128):032x}"
        store.create(values, by="prefill")
