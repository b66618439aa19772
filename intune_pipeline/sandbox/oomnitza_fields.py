"""Oomnitza's user fields: names, bulk ids, labels, custom fields, roles and value rules."""

ROLES = {1: "Administrator", 25: "Employee", 30: "Manager"}
# (bulk internal id, REST field name, label, data type), in the order Oomnitza lists them.
STANDARD_FIELDS = (
    ("USER", "username", "Username", "text"),
    ("EMAIL", "email", "Email", "text"),
    ("FIRST_NAME", "first_name", "First Name", "text"),
    ("LAST_NAME", "last_name", "Last Name", "text"),
    ("FULL_NAME", "full_name", "Full Name", "text"),
    ("POSITION", "position", "Position", "text"),
    ("ADDRESS", "address", "Address", "text"),
    ("PHONE", "phone_number", "Phone", "text"),
    ("PERMISSIONS_ID", "role", "Role", "integer"),
    ("SUSPENDED", "suspended", "Suspended", "boolean"),
)
# Oomnitza names custom fields by 10 hex chars, in bulk records and the REST API alike.
INTUNE_USER_ID_FIELD = "8f3c2a91d4"
EMPLOYEE_ID_FIELD = "b7d2e6f003"
CUSTOM_FIELDS = {
    INTUNE_USER_ID_FIELD: "Microsoft Intune User ID",
    "a41c0e7b19": "Department",
    EMPLOYEE_ID_FIELD: "Employee ID",
    "c3e9f1a2b4": "Mobile Phone",
    "d5a8b2c7e1": "Company Name",
    "e2f4c6a8d0": "Country",
    "f1b3d5e7a9": "City",
    "1c2d3e4f5a": "Cost Center",
}
# No two users may hold one value of these; username compares case-insensitively.
UNIQUE_FIELDS = ("username", INTUNE_USER_ID_FIELD, EMPLOYEE_ID_FIELD)
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
    *CUSTOM_FIELDS,
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


def label_of(field: str) -> str:
    """How Oomnitza names field in messages: a custom field by its label."""
    return CUSTOM_FIELDS.get(field, field)


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
