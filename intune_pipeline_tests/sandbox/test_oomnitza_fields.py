"""User field metadata, and custom fields through the REST API and bulk records."""

from intune_pipeline.sandbox.oomnitza_fields import CUSTOM_FIELDS
from intune_pipeline_tests.sandbox.test_bulk import batch, record

ROLE = 25
DEPARTMENT, EMPLOYEE_ID, COST_CENTER = "a41c0e7b19", "b7d2e6f003", "1c2d3e4f5a"


def test_metadata_lists_standard_then_custom_fields(oomnitza):
    response = oomnitza.get("/api/v3/fields/users")
    assert response.status_code == 200
    fields = response.json()
    assert fields[1] == {
        "internal_id": "EMAIL",
        "field_name": "email",
        "uid": 2,
        "label": "Email",
        "data_type": "text",
        "unique": False,
        "optional": True,
        "editable": True,
        "default_value": None,
        "custom": False,
    }
    by_id = {field["internal_id"]: field for field in fields}
    assert list(by_id)[:10] == [
        "USER", "EMAIL", "FIRST_NAME", "LAST_NAME", "FULL_NAME", "POSITION", "ADDRESS", "PHONE",
        "PERMISSIONS_ID", "SUSPENDED",
    ]  # fmt: skip
    assert by_id["USER"]["unique"] and not by_id["USER"]["optional"]
    assert (by_id["PERMISSIONS_ID"]["field_name"], by_id["PERMISSIONS_ID"]["data_type"]) == (
        "role",
        "integer",
    )
    assert by_id["SUSPENDED"]["data_type"] == "boolean"
    custom = [field for field in fields if field["custom"]]
    assert {field["internal_id"]: field["label"] for field in custom} == CUSTOM_FIELDS
    assert all(field["field_name"] == field["internal_id"] for field in custom)
    assert {field["label"] for field in custom if field["unique"]} == {
        "Microsoft Intune User ID",
        "Employee ID",
    }
    assert len({field["uid"] for field in fields}) == len(fields)
    assert oomnitza.http.get(f"{oomnitza.url}/api/v3/fields/users").status_code == 401


def test_rest_users_take_and_return_every_custom_field(oomnitza):
    values = {field: f"value {n}" for n, field in enumerate(CUSTOM_FIELDS)}
    body = {"username": "ann@contoso.com", "role": ROLE, **values, EMPLOYEE_ID: 100042}
    user = oomnitza.post("/api/v3/users", body).json()
    assert {field: user[field] for field in CUSTOM_FIELDS} == {**values, EMPLOYEE_ID: "100042"}
    changed = oomnitza.patch(f"/api/v3/users/{user['user_id']}", {DEPARTMENT: "Legal"}).json()
    assert changed[DEPARTMENT] == "Legal" and changed[COST_CENTER] == values[COST_CENTER]
    listed = oomnitza.get("/api/v3/users", filter=f"{DEPARTMENT} eq 'legal'").json()
    assert [found["user_id"] for found in listed] == [user["user_id"]]
    other = {"username": "bob@contoso.com", "role": ROLE}
    bob = oomnitza.post("/api/v3/users", other).json()
    assert all(bob[field] is None for field in CUSTOM_FIELDS)
    taken = oomnitza.patch(f"/api/v3/users/{bob['user_id']}", {EMPLOYEE_ID: "100042"})
    assert taken.status_code == 400
    assert "Employee ID '100042' is already held by another user" in taken.json()["errors"]
    shared = oomnitza.patch(f"/api/v3/users/{bob['user_id']}", {DEPARTMENT: "Legal"})
    assert shared.status_code == 200  # only unique fields refuse a value another user holds


def test_bulk_records_take_every_custom_field(oomnitza, own_sandbox):
    extra = {field: f"{field}-ann" for field in CUSTOM_FIELDS}
    records = [record("ann", **extra), record("bob", **{EMPLOYEE_ID: extra[EMPLOYEE_ID]})]
    assert oomnitza.post("/api/v3/bulk", batch(records, "custom")).status_code == 200
    log = oomnitza.get("/api/v3/connector_run_logs/custom").json()
    assert log["objects"]["added"] == 1 and log["objects"]["failed"] == 1
    assert "Employee ID 'b7d2e6f003-ann' is already held" in log["logs"]["failed"][0]
    (ann,) = own_sandbox.oomnitza_users()
    assert {field: ann[field] for field in CUSTOM_FIELDS} == extra
    later = record("ann", **{**extra, COST_CENTER: "CC-4110", DEPARTMENT: None})
    oomnitza.post("/api/v3/bulk", batch([later], "custom-2", sync=(EMPLOYEE_ID,)))
    log = oomnitza.get("/api/v3/connector_run_logs/custom-2").json()
    assert log["logs"]["updated"] == [
        f"Record updated: {EMPLOYEE_ID} '{extra[EMPLOYEE_ID]}': {DEPARTMENT}, {COST_CENTER} changed"
    ]
    (ann,) = own_sandbox.oomnitza_users()
    assert (ann[COST_CENTER], ann[DEPARTMENT]) == ("CC-4110", None)
