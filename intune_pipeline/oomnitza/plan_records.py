"""Bulk records for a sync plan: only creates, updates and deactivations are sent."""

import pandas as pd

from intune_pipeline.oomnitza.fields import BULK_FIELD_IDS, bulk_records, plain
from intune_pipeline.users.schemas import is_custom_field

SUSPENDED_ID = "SUSPENDED"


def plan_records(
    plan: pd.DataFrame, custom_field_ids: dict[str, str], sync_keys: list[str]
) -> list[dict]:
    """Creates carry every mapped value; updates their sync keys, role and what changes (a
    cleared field as null); deactivations their sync keys, role and SUSPENDED.

    The role goes with every record because Oomnitza refuses a user record without one.
    """
    ids = {**BULK_FIELD_IDS, **custom_field_ids}
    fields = [column for column in plan.columns if column in ids or is_custom_field(column)]
    creates = plan.loc[plan["action"] == "create", fields]
    changing = plan.loc[plan["action"].isin(["update", "deactivate"]), [*fields, "changed_fields"]]
    if "role" in fields:  # a float column once skipped users (no role) share the plan
        for part in (creates, changing):
            part["role"] = part["role"].astype("Int64")  # Oomnitza's roles are whole numbers
    records = bulk_records(creates, custom_field_ids)
    always = [*sync_keys, "role"]
    for row, changed in zip(
        changing[fields].to_dict("records"), changing["changed_fields"], strict=True
    ):
        record = {ids[key]: plain(row[key]) for key in always if not pd.isna(row[key])}
        for name in changed:
            if name == "suspended":
                record[SUSPENDED_ID] = True
            else:
                value = row[name]
                record[ids.get(name, name)] = None if pd.isna(value) else plain(value)
        records.append(record)
    return records
