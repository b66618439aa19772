"""Oomnitza's user fields: names, roles, the custom Intune id field and value rules."""

ROLES = {1: "Administrator", 25: "Employee", 30: "Manager"}
# The custom unique field "Microsoft Intune User ID"; Oomnitza names custom fields by 10 hex chars.
INTUNE_USER_ID_FIELD = "8f3c2a91d4"
CUSTOM_FIELDS = {INTUNE_USER_ID_FIELD: "Microsoft Intune User ID"}
TEXT_FIELDS = (
    "username",
    "full_name",
    "first_name",
    "last_name",
    "email",
    "address",
    "phone_number",
    "position",
    "external_id",
    INTUNE_USER_ID_FIELD,
)
EDITABLE_FIELDS = frozenset((*TEXT_FIELDS, "suspended", "role"))
_SYSTEM_FIELDS = """
    user_id uid version creation_date created_by change_date changed_by last_login_date
    deleted email_subscription
"""
SYSTEM_FIELDS = frozenset(_SYSTEM_FIELDS.split())
TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}


class StoreError(ValueError):
    """A value or change Oomnitza refuses; the message names the field."""


def normalize(field: str, value):
    """A value as Oomnitza stores it; empty text becomes null."""
    if field == "role":
        if isinstance(value, bool) or not str(value).strip().isdigit():
            raise StoreError(f"role must be the integer id of a role, not {value!r}")
        return int(value)
    if field == "suspended":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if value is not None else ""
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise StoreError(f"suspended must be true or false, not {value!r}")
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise StoreError(f"{field} must be text, not {type(value).__name__}")
