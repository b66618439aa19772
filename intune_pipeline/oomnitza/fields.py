"""Oomnitza user fields: REST names and the internal ids that bulk records are keyed by."""

import numpy as np
import pandas as pd

from intune_pipeline.users.schemas import is_custom_field

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
    """One bulk record per user. Missing values are left out, so they never blank a field.

    custom_field_ids names the custom fields of columns such as intune_user_id; columns of
    mapped custom fields are already named by their ids.
    """
    ids = {**BULK_FIELD_IDS, **custom_field_ids}
    if twice := sorted(set(custom_field_ids.values()) & set(users.columns)):
        names = {field: column for column, field in custom_field_ids.items()}
        raise ValueError(
            f"the custom field {', '.join(twice)} is mapped twice: as "
            f"{', '.join(names[field] for field in twice)} and by its id; keep one mapping"
        )
    unknown = [c for c in users.columns if c not in ids and not is_custom_field(c)]
    if unknown:
        raise ValueError(f"no Oomnitza field id for {unknown}")
    records = [{} for _ in range(len(users))]
    # Column by column rather than to_dict("records"), which boxes every value on its own, or
    # row by row, which pairs every value with its key first (a third slower).
    for column in users:
        key, values = ids.get(column, column), plain_values(users[column].to_numpy(dtype=object))
        for record, value in zip(records, values, strict=True):
            if value is not None:
                record[key] = value
    return records


def plain_values(values: np.ndarray) -> list:
    """The values as JSON takes them, missing ones (NaN, NA) as None; most columns hold no
    numpy scalar to convert."""
    missing = pd.isna(values)
    if missing.any():
        values = np.where(missing, None, values)
    if any(issubclass(kind, np.generic) for kind in set(map(type, values))):
        return [plain(value) for value in values]
    return values.tolist()


def plain(value):
    """A value as JSON takes it: numpy scalars as Python ones, as to_dict gives them."""
    return value.item() if isinstance(value, np.generic) else value
