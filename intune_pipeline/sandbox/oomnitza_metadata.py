"""GET /api/v3/fields/users: the user fields' metadata that Oomnitza's "Smart Mapping" reads.

The path is inferred: Oomnitza's reference documents the shape ("Metadata field": internal_id,
uid, label, data_type, unique, optional, editable, default_value) but not where it is served.
"""

from intune_pipeline.sandbox.oomnitza_fields import CUSTOM_FIELDS, STANDARD_FIELDS, UNIQUE_FIELDS

# A user cannot be saved without these, so they are not optional.
REQUIRED = frozenset(("username", "role"))
DEFAULTS = {"suspended": False}


def user_fields_metadata() -> list[dict]:
    """One object per user field, standard fields first, then custom ones (text)."""
    standard = [(key, name, label, kind, False) for key, name, label, kind in STANDARD_FIELDS]
    custom = [(key, key, label, "text", True) for key, label in CUSTOM_FIELDS.items()]
    return [
        {
            "internal_id": key,
            "field_name": name,
            "uid": uid,
            "label": label,
            "data_type": kind,
            "unique": name in UNIQUE_FIELDS,
            "optional": name not in REQUIRED,
            "editable": True,
            "default_value": DEFAULTS.get(name),
            "custom": is_custom,
        }
        for uid, (key, name, label, kind, is_custom) in enumerate([*standard, *custom], 1)
    ]
