"""Oomnitza user fields: REST names and the internal ids that bulk records are keyed by."""

import pandas as pd

# The system fields the integration writes; custom fields are keyed by their own hex ids.
BULK_FIELD_IDS = {
    "username": "USER",
    "email": "EMAIL",
    "first_name": "FIRST_NAME",
    "last_name": "LAST_NAME",
    "full_name": "FULL_NAME",
    "position": "POSITION",
    "address": "ADDRESS",
    "phone_number": "PHONE",
    "role": "PERMISSIONS_ID",
}


def bulk_records(users: pd.DataFrame, custom_field_ids: dict[str, str]) -> list[dict]:
    """One bulk record per user. Missing values are left out, so they never blank a field."""
    ids = {**BULK_FIELD_IDS, **custom_field_ids}
    unknown = [column for column in users.columns if column not in ids]
    if unknown:
        raise ValueError(f"no Oomnitza field id for {unknown}")
    renamed = users.rename(columns=ids)
    return [
        {key: value for key, value in record.items() if value is not None}
        for record in renamed.to_dict("records")
    ]
