"""Bulk portions: how each record is matched and what it becomes, finalize, run logs, cancel."""

import pytest

from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD as INTUNE_ID

ROLE = 25


def record(name: str, **fields) -> dict:
    base = {
        "USER": f"{name}@contoso.com",
        "EMAIL": f"{name}@contoso.com",
        "FIRST_NAME": name.title(),
        "LAST_NAME": "Lee",
        "POSITION": "Engineer",
        "PERMISSIONS_ID": ROLE,
        INTUNE_ID: f"id-{name}",
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not ...}


def batch(records, portion="run-1", sync=("EMAIL",), **options) -> dict:
    return {
        "connector_version": "test",
        "sync_field": list(sync),
        "records": records,
        "portion": portion,
        "data_type": "users",
        "insert_only": False,
        "update_only": False,
        "error": None,
        "test_run": False,
        "multi_str_input_value": None,
        "connector_name": "Intune users",
        **options,
    }


def run(oomnitza, records, portion, **options) -> dict:
    """One portion of one batch, finalized; its run log."""
    assert oomnitza.get(f"/api/v3/bulk/{portion}").json() == {
        "portion": portion,
        "canceled": False,
        "finalized": False,
    }
    response = oomnitza.post("/api/v3/bulk", batch(records, portion, **options))
    assert response.status_code == 200, response.text
    assert response.json() == {"portion": portion, "received": len(records)}
    assert oomnitza.post(f"/api/v3/bulk/{portion}/finalize", {}).json() == {}
    log = oomnitza.get(f"/api/v3/connector_run_logs/{portion}").json()
    assert log["status"] == "finished" and log["end_time"] >= log["start_time"]
    return log


def counts(log) -> dict:
    return {name: n for name, n in log["objects"].items() if n}


def test_first_run_adds_skips_and_fails_with_a_line_per_record(oomnitza, own_sandbox):
    log = run(
        oomnitza,
        [
            record("ann"),
            record("bob"),
            record("nomail", EMAIL=""),
            record("norole", PERMISSIONS_ID=...),
            record("badrole", PERMISSIONS_ID=99),
            record("odd", SHOE_SIZE="9"),
            record("nouser", USER=None),
        ],
        "run-1",
    )
    assert counts(log) == {"added": 2, "skipped": 1, "failed": 4}
    assert log["logs"]["added"] == [
        "Record added: EMAIL 'ann@contoso.com'",
        "Record added: EMAIL 'bob@contoso.com'",
    ]
    assert log["logs"]["skipped"] == [
        "Record skipped: no value for sync field EMAIL (USER 'nomail@contoso.com')"
    ]
    failed = log["logs"]["failed"]
    assert "norole@contoso.com" in failed[0] and "a defined role is necessary" in failed[0]
    assert "badrole@contoso.com" in failed[1] and "PERMISSIONS_ID 99" in failed[1]
    assert "odd@contoso.com" in failed[2] and "'SHOE_SIZE'" in failed[2]
    assert "nouser@contoso.com" in failed[3] and "username is required" in failed[3]
    assert set(log) == {
        "connector", "deployment", "start_time", "end_time", "status", "ipv4_address",
        "objects", "logs", "file_attachment", "test_run", "test_run_payload",
    }  # fmt: skip
    assert set(log["logs"]) == {"added", "updated", "unchanged", "skipped", "failed", "Fatal Error"}
    users = {user["username"]: user for user in own_sandbox.oomnitza_users()}
    assert set(users) == {"ann@contoso.com", "bob@contoso.com"}
    assert users["ann@contoso.com"][INTUNE_ID] == "id-ann"
    assert users["ann@contoso.com"]["role"] == ROLE


def test_second_run_finds_unchanged_updated_and_renamed_users(oomnitza, own_sandbox):
    run(oomnitza, [record("ann"), record("bob"), record("cy")], "run-1")
    log = run(
        oomnitza,
        [
            record("ann", EMAIL="ANN@CONTOSO.COM", USER="ANN@contoso.com"),  # case only
            record("bob", POSITION="Manager", SUSPENDED=True),
            record("carl", **{INTUNE_ID: "id-cy"}),  # cy was renamed carl in Entra
        ],
        "run-2",
        sync=("EMAIL", INTUNE_ID),
    )
    assert counts(log) == {"updated": 3}
    updated = log["logs"]["updated"]
    assert updated[1] == "Record updated: EMAIL 'bob@contoso.com': POSITION, SUSPENDED changed"
    assert updated[2].startswith(
        "Record updated: EMAIL 'carl@contoso.com' (found by 8f3c2a91d4 'id-cy'): USER, EMAIL"
    )
    users = own_sandbox.oomnitza_users()
    assert len(users) == 3  # nobody was duplicated
    carl = next(user for user in users if user[INTUNE_ID] == "id-cy")
    assert (carl["email"], carl["username"], carl["version"]) == (
        "carl@contoso.com",
        "carl@contoso.com",
        "2",
    )
    log = run(oomnitza, [record("bob", POSITION="Manager", SUSPENDED="true")], "run-3")
    assert counts(log) == {"unchanged": 1}
    assert log["logs"]["unchanged"] == ["Record unchanged: EMAIL 'bob@contoso.com'"]


def test_create_only_update_only_and_unique_conflicts(oomnitza):
    run(oomnitza, [record("ann"), record("bob")], "run-1")
    log = run(oomnitza, [record("ann", POSITION="CEO"), record("dan")], "create", insert_only=True)
    assert counts(log) == {"skipped": 1, "added": 1}
    assert log["logs"]["skipped"] == ["Record skipped: EMAIL 'ann@contoso.com' exists; Create only"]
    log = run(oomnitza, [record("eve"), record("bob", POSITION="CTO")], "upd", update_only=True)
    assert counts(log) == {"skipped": 1, "updated": 1}
    assert "eve@contoso.com' not found; Update only" in log["logs"]["skipped"][0]
    log = run(
        oomnitza,
        [
            record("fay", USER="ann@contoso.com"),
            record("gil", **{INTUNE_ID: "id-bob"}),
            record("bob", USER="ann@contoso.com"),
        ],
        "conflicts",
    )
    assert counts(log) == {"failed": 3}
    assert all("already held by another user" in line for line in log["logs"]["failed"])
    assert "Microsoft Intune User ID 'id-bob'" in log["logs"]["failed"][1]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"data_type": "assets"}, "data_type"),
        ({"insert_only": True, "update_only": True}, "cannot both be true"),
        ({"sync_field": []}, "sync_field"),
        ({"sync_field": "EMAIL"}, "sync_field"),
        ({"sync_field": ["SHOE_SIZE"]}, "SHOE_SIZE"),
        ({"records": {"EMAIL": "x"}}, "records"),
        ({"portion": None}, "portion"),
    ],
)
def test_malformed_bulk_requests_are_400(oomnitza, changes, says):
    response = oomnitza.post("/api/v3/bulk", {**batch([record("ann")]), **changes})
    assert response.status_code == 400
    assert says in response.json()["errors"]


def test_an_operator_can_cancel_a_portion(oomnitza, own_sandbox):
    oomnitza.post("/api/v3/bulk", batch([record("ann")], "long-run"))
    cancel_url = f"{oomnitza.url}/_sandbox/portions/long-run/cancel"
    assert oomnitza.http.post(cancel_url).json()["canceled"] is True
    assert oomnitza.get("/api/v3/bulk/long-run").json() == {
        "portion": "long-run",
        "canceled": True,
        "finalized": False,
    }
    response = oomnitza.post("/api/v3/bulk", batch([record("bob")], "long-run"))
    assert response.status_code == 409
    log = oomnitza.get("/api/v3/connector_run_logs/long-run").json()
    assert log["status"] == "canceled" and log["objects"]["added"] == 1


def test_finalized_portions_take_no_more_records_and_are_listed(oomnitza):
    run(oomnitza, [record("ann")], "first")
    run(oomnitza, [record("ann"), record("bob")], "second")
    assert oomnitza.post("/api/v3/bulk", batch([record("cy")], "second")).status_code == 409
    runs = oomnitza.get("/api/v3/connector_run_logs/connectors/Intune users").json()
    assert [entry["portion_correlation_id"] for entry in runs] == ["second", "first"]
    assert runs[0]["added_records_count"] == 1
    assert runs[0]["status"] == "finished" and runs[0]["portion_id"] == 2
    assert oomnitza.get("/api/v3/connector_run_logs/nope").status_code == 404
    assert oomnitza.get("/api/v3/connector_run_logs/connectors/other").json() == []


def test_a_test_run_changes_nothing(oomnitza, own_sandbox):
    log = run(oomnitza, [record("ann")], "dry", test_run=True)
    assert counts(log) == {"added": 1}
    assert log["test_run"] is True and log["test_run_payload"] == [record("ann")]
    assert own_sandbox.oomnitza_users() == []


def test_a_failed_start_is_reported_as_a_ready_portion(oomnitza):
    body = {
        "correlation_id": "broken-run",
        "failed": 1,
        "error_message": "Graph refused the token",
        "error_type": "Fatal Error",
        "test_run": False,
    }
    assert oomnitza.post("/api/v3/bulk/Intune users/add_ready_portion", body).status_code == 200
    log = oomnitza.get("/api/v3/connector_run_logs/broken-run").json()
    assert log["objects"]["failed"] == 1
    assert log["logs"]["Fatal Error"] == ["Graph refused the token"]
