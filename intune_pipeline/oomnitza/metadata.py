"""Oomnitza's user field metadata: every field's internal id, REST name, label and flags."""

from intune_pipeline.errors import RemoteError
from intune_pipeline.oomnitza.client import OomnitzaClient

# What smart mapping needs of each field; Oomnitza sends uid, data_type, default_value too.
NEEDED = frozenset(("internal_id", "field_name", "label", "custom"))


def user_fields(client: OomnitzaClient) -> list[dict]:
    """The user fields Oomnitza defines, standard and custom, from GET /api/v3/fields/users."""
    fields = client.get("/fields/users")
    if not isinstance(fields, list) or not all(
        isinstance(field, dict) and field.keys() >= NEEDED for field in fields
    ):
        raise RemoteError(
            "Oomnitza answered GET /api/v3/fields/users with something other than a list of "
            f"fields, each with {', '.join(sorted(NEEDED))}"
        )
    return fields
