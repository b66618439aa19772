"""One bulk record: match it on the sync fields, then add, update, skip or fail it."""

from intune_pipeline.sandbox.oomnitza_fields import (
    CUSTOM_FIELDS,
    ROLES,
    STANDARD_FIELDS,
    TEXT_FIELDS,
    StoreError,
    normalize,
)
from intune_pipeline.sandbox.oomnitza_losses import Losses
from intune_pipeline.sandbox.oomnitza_store import UserStore

# Bulk records name fields by Oomnitza internal id; the REST API by field name.
BULK_FIELDS = {
    **{key: name for key, name, _, _ in STANDARD_FIELDS},
    **{field: field for field in CUSTOM_FIELDS},
}
BULK_KEYS = {field: key for key, field in BULK_FIELDS.items()}
# The bulk keys of text fields, whose text or null is taken as it is: asked of every key of every
# record, so a set, not the tuple of TEXT_FIELDS.
TEXT_KEYS = frozenset(key for key, field in BULK_FIELDS.items() if field in TEXT_FIELDS)


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class RecordRules:
    """How one bulk request's records are matched and written (its sync fields and modes)."""

    def __init__(self, store: UserStore, body: dict, by: str, write: bool, losses: Losses):
        self.store = store
        self.portion = body["portion"]
        self.losses = losses
        self.sync = body["sync_field"]
        self.insert_only = bool(body.get("insert_only"))
        self.update_only = bool(body.get("update_only"))
        self.write = write  # a test run only says what would become of each record
        self.by = by

    def process(self, record, position: int) -> tuple[str, str]:
        """(category, log line) for one record; the store changes unless it is a test run."""
        if not isinstance(record, dict):
            return "failed", f"Record failed: record #{position} of the portion is not an object"
        key = self.sync[0]
        if blank(record.get(key)):
            keys = ("USER", *self.sync[1:])
            hints = [f"{k} '{record[k]}'" for k in keys if not blank(record.get(k))]
            hint = hints[0] if hints else f"record #{position} of the portion"
            return "skipped", f"Record skipped: no value for sync field {key} ({hint})"
        name = f"{key} '{record[key]}'"
        values = self._values(record)
        if isinstance(values, str):
            return "failed", f"Record failed: {name}: {values}"
        user, found_by = self.store.find(BULK_FIELDS[key], values[BULK_FIELDS[key]]), ""
        for other in self.sync[1:] if user is None else ():
            user = self.store.find(BULK_FIELDS[other], values.get(BULK_FIELDS[other]))
            if user is not None:
                found_by = f" (found by {other} '{record[other]}')"
                break
        if user is not None:
            return self._update(user, values, name + found_by, position, record)
        if self.update_only:
            return "skipped", f"Record skipped: {name} not found; Update only"
        if not values.get("username"):
            return "failed", f"Record failed: {name}: username is required (USER has no value)"
        conflict = self.store.conflict(values)
        if conflict:
            return "failed", f"Record failed: {name}: {conflict}"
        if self._keeps("added", name, position, record):
            self.store.create(values, self.by)
        return "added", f"Record added: {name}"

    def _keeps(self, outcome: str, name: str, position: int, record: dict) -> bool:
        """Whether the store takes this write: not in a test run, nor when it is to be lost."""
        if not self.write:
            return False
        return not self.losses.take(self.portion, position, outcome, name, record)

    def _update(
        self, user: dict, values: dict, name: str, position: int, record: dict
    ) -> tuple[str, str]:
        if self.insert_only:
            return "skipped", f"Record skipped: {name} exists; Create only"
        changed = [field for field, value in values.items() if user.get(field) != value]
        if not changed:
            return "unchanged", f"Record unchanged: {name}"
        conflict = self.store.conflict(values, user)
        if conflict:
            return "failed", f"Record failed: {name}: {conflict}"
        if self._keeps("updated", name, position, record):
            self.store.update(user, {field: values[field] for field in changed}, self.by)
        fields = ", ".join(BULK_KEYS[field] for field in changed)
        return "updated", f"Record updated: {name}: {fields} changed"

    @staticmethod
    def _values(record: dict) -> dict | str:
        """The record as normalized user fields, or why it fails."""
        role = record.get("PERMISSIONS_ID")
        if role.__class__ is not int and (blank(role) or not str(role).strip().isdigit()):
            role = None
        if role is None or int(role) not in ROLES:
            shown = "is missing" if blank(record.get("PERMISSIONS_ID")) else f"{role!r} is no role"
            known = ", ".join(f"{rid} {label}" for rid, label in ROLES.items())
            return (
                "a defined role is necessary for the integration "
                f"(PERMISSIONS_ID {shown}; roles: {known})"
            )
        if not BULK_FIELDS.keys() >= record.keys():
            unknown = sorted(record.keys() - BULK_FIELDS.keys())
            return f"unknown field {', '.join(repr(k) for k in unknown)} for users"
        values = {}
        for key, value in record.items():
            field = BULK_FIELDS[key]
            if key in TEXT_KEYS and (value is None or value.__class__ is str):
                values[field] = value or None  # the common case, kept cheap
                continue
            try:
                values[field] = normalize(field, value)
            except StoreError as error:
                return f"{key}: {error}"
        return values
