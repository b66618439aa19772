"""The bulk records a sync plan becomes: what each action sends, and in what order."""

import numpy as np
import pandas as pd

from intune_pipeline.oomnitza.plan_records import plan_records

INTUNE_FIELD = "8f3c2a91d4"


def test_each_action_sends_what_it_must_and_skips_send_nothing():
    """A skipped user (no role) makes the role column float; every record still carries its
    role as a whole number, missing values are left out of creates, and a cleared field is
    sent as null."""
    plan = pd.DataFrame(
        {
            "action": ["create", "skip", "update", "deactivate", "unchanged"],
            "changed_fields": [[], [], ["position", "phone_number"], ["suspended"], []],
            "username": ["ada@x.com", "bob@x.com", "cy@x.com", "di@x.com", "ed@x.com"],
            "email": ["ada@x.com", "bob@x.com", "cy@x.com", "di@x.com", "ed@x.com"],
            "position": ["Engineer", None, "Lead", "Clerk", "Chef"],
            "phone_number": [None, None, None, "+1 555", "+1 556"],
            "intune_user_id": ["a-1", "b-2", "c-3", "d-4", "e-5"],
            "role": [25.0, np.nan, 25.0, 30.0, 25.0],
        }
    )
    records = plan_records(plan, {"intune_user_id": INTUNE_FIELD}, ["email"])
    assert records == [
        {
            "USER": "ada@x.com",
            "EMAIL": "ada@x.com",
            "POSITION": "Engineer",
            INTUNE_FIELD: "a-1",
            "PERMISSIONS_ID": 25,
        },
        {"EMAIL": "cy@x.com", "PERMISSIONS_ID": 25, "POSITION": "Lead", "PHONE": None},
        {"EMAIL": "di@x.com", "PERMISSIONS_ID": 30, "SUSPENDED": True},
    ]
    assert all(type(record["PERMISSIONS_ID"]) is int for record in records)
