"""The bulk records a sync plan becomes: what each action sends, and in what order."""

import threading

import numpy as np
import pandas as pd

from intune_pipeline.oomnitza.bulk import upload_portion
from intune_pipeline.oomnitza.plan_records import CHUNK, PlanRecords

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
    records = list(PlanRecords(plan, {"intune_user_id": INTUNE_FIELD}, ["email"]))
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


def large_plan(creates: int, updates: int) -> pd.DataFrame:
    """creates new users and updates of a position, of roles 25, 30 and 35 in turn."""
    count = creates + updates
    return pd.DataFrame(
        {
            "action": ["create"] * creates + ["update"] * updates,
            "changed_fields": [[]] * creates + [["position"]] * updates,
            "username": [f"u{n}@x.com" for n in range(count)],
            "email": [f"u{n}@x.com" for n in range(count)],
            "position": [f"Title {n}" if n % 3 else None for n in range(count)],
            "intune_user_id": [f"id-{n}" for n in range(count)],
            "role": [float(25 + 5 * (n % 3)) for n in range(count)],
        }
    )


def test_records_made_a_chunk_at_a_time_are_those_made_at_once(monkeypatch):
    """Across chunk boundaries, creates first, then changes, each in the plan's order."""
    plan = large_plan(2 * CHUNK + 7, CHUNK + 3)
    chunked = list(PlanRecords(plan, {"intune_user_id": INTUNE_FIELD}, ["email"]))
    monkeypatch.setattr("intune_pipeline.oomnitza.plan_records.CHUNK", len(plan))
    at_once = PlanRecords(plan, {"intune_user_id": INTUNE_FIELD}, ["email"])
    assert len(at_once) == len(plan)
    assert chunked == list(at_once)
    assert [record["EMAIL"] for record in chunked] == plan["email"].tolist()
    assert chunked[-1] == {"EMAIL": plan["email"].iat[-1], "PERMISSIONS_ID": 25, "POSITION": None}


def test_a_rehearsal_holds_one_create_and_one_change_of_each_role():
    plan = large_plan(10, 10)
    probes = list(PlanRecords(plan, {"intune_user_id": INTUNE_FIELD}, ["email"]).rehearsal())
    assert [(record["EMAIL"], record["PERMISSIONS_ID"]) for record in probes] == [
        ("u0@x.com", 25),
        ("u1@x.com", 30),
        ("u2@x.com", 35),
        ("u10@x.com", 30),
        ("u11@x.com", 35),
        ("u12@x.com", 25),
    ]


def test_a_rehearsal_holds_the_first_records_and_a_probe_of_each_role_beyond_them():
    plan = large_plan(10, 10)
    records = PlanRecords(plan, {"intune_user_id": INTUNE_FIELD}, ["email"])
    within = [record["EMAIL"] for record in records.rehearsal(4)]
    assert within == [f"u{n}@x.com" for n in (0, 1, 2, 3, 10, 11, 12)]
    across = [record["EMAIL"] for record in records.rehearsal(12)]
    assert across == [f"u{n}@x.com" for n in range(12)] + ["u12@x.com"]
    assert list(records.rehearsal(len(records))) == list(records)


def test_a_batch_leaves_before_the_next_is_made():
    """An upload takes its records as it makes each batch, so a plan's records are made while
    the batches before them are in flight, not all before the first leaves."""
    posted = threading.Semaphore(0)

    class Oomnitza:  # the calls upload_portion makes, answered as Oomnitza would
        def post_batch(self, payload):
            posted.release()

        def portion_state(self, portion):
            return {"canceled": False}

        def finalize(self, portion):
            pass

        def run_log(self, portion):
            return {"status": "finished", "objects": {"added": 3}}

    class Records:
        def __len__(self):
            return 3

        def __iter__(self):
            for n in range(3):
                if n:  # the batch before this one must have left already
                    assert posted.acquire(timeout=30), f"record {n} made before {n - 1} was sent"
                yield {"EMAIL": f"u{n}@x.com"}

    outcome = upload_portion(
        Oomnitza(),
        Records(),
        sync_fields=["EMAIL"],
        connector_name="test",
        batch_size=1,
        concurrency=2,
    )
    assert (outcome.sent, outcome.counts["added"]) == (3, 3)
