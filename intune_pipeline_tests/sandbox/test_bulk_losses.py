"""Records Oomnitza logs as written but loses, and batches of one portion sent concurrently."""

import asyncio
import ssl

import httpx

from intune_pipeline_tests.sandbox.test_bulk import batch, record


def test_lost_records_are_logged_as_usual_but_not_kept(oomnitza, own_sandbox):
    oomnitza.post("/api/v3/bulk", batch([record("ann"), record("bob")], "first"))
    armed = oomnitza.http.post(f"{oomnitza.url}/_sandbox/oomnitza/drop", json={"count": 2})
    assert armed.json() == {"pending": 2}
    records = [
        record("ann"),  # unchanged: nothing to lose
        record("bob", POSITION="CTO"),  # lost
        record("cy"),  # lost
        record("dan"),  # kept: the losses are used up
    ]
    oomnitza.post("/api/v3/bulk", batch(records, "second"))
    log = oomnitza.get("/api/v3/connector_run_logs/second").json()
    assert {k: n for k, n in log["objects"].items() if n} == {
        "unchanged": 1,
        "updated": 1,
        "added": 2,
    }
    assert log["logs"]["added"] == [
        "Record added: EMAIL 'cy@contoso.com'",
        "Record added: EMAIL 'dan@contoso.com'",
    ]
    users = {user["username"]: user for user in own_sandbox.oomnitza_users()}
    assert set(users) == {"ann@contoso.com", "bob@contoso.com", "dan@contoso.com"}
    assert users["bob@contoso.com"]["position"] == "Engineer"
    dropped = oomnitza.http.get(f"{oomnitza.url}/_sandbox/oomnitza/dropped").json()
    assert dropped["pending"] == 0
    assert [(d["portion"], d["position"], d["outcome"], d["name"]) for d in dropped["dropped"]] == [
        ("second", 2, "updated", "EMAIL 'bob@contoso.com'"),
        ("second", 3, "added", "EMAIL 'cy@contoso.com'"),
    ]
    assert dropped["dropped"][1]["record"] == record("cy")
    assert own_sandbox.dropped_oomnitza_records() == dropped["dropped"]


def test_test_runs_and_failures_use_no_losses(oomnitza, own_sandbox):
    assert own_sandbox.drop_oomnitza_records(1) == 1
    oomnitza.post("/api/v3/bulk", batch([record("ann")], "dry", test_run=True))
    oomnitza.post("/api/v3/bulk", batch([record("bad", PERMISSIONS_ID=99)], "bad"))
    assert own_sandbox.dropped_oomnitza_records() == []
    oomnitza.post("/api/v3/bulk", batch([record("ann"), record("bob")], "real"))
    assert [u["username"] for u in own_sandbox.oomnitza_users()] == ["bob@contoso.com"]
    assert own_sandbox.drop_oomnitza_records(0) == 0


def test_a_bad_drop_request_is_400(oomnitza):
    for body in ({"count": -1}, {"count": "2"}, {}, [3]):
        response = oomnitza.http.post(f"{oomnitza.url}/_sandbox/oomnitza/drop", json=body)
        assert response.status_code == 400, body
        assert "count" in response.json()["errors"] or "JSON object" in response.json()["errors"]


def test_concurrent_batches_of_one_portion_keep_their_bookkeeping(oomnitza, own_sandbox):
    batches = [[record(f"u{b}x{n}") for n in range(60)] for b in range(8)]
    batches[3][5] = record("nomail", EMAIL="")  # one skipped record amid the others

    async def send_all() -> list[httpx.Response]:
        cafile = own_sandbox.env["INTUNE_PIPELINE_CA_BUNDLE"]
        context = ssl.create_default_context(cafile=cafile)
        async with httpx.AsyncClient(verify=context, timeout=30, headers=oomnitza.headers) as http:
            sends = [http.post(f"{oomnitza.url}/api/v3/bulk", json=batch(b, "p")) for b in batches]
            return await asyncio.gather(*sends)

    answers = asyncio.run(send_all())
    assert [answer.json()["received"] for answer in answers] == [60] * 8
    log = oomnitza.get("/api/v3/connector_run_logs/p").json()
    assert log["objects"]["added"] == 479 and log["objects"]["skipped"] == 1
    added = log["logs"]["added"]
    assert len(set(added)) == 479  # no record processed twice or lost from the log
    # Each batch's lines stay together, in the order of its records.
    runs = [line.split("'")[1].split("x")[0] for line in added]
    order = list(dict.fromkeys(runs))
    assert sorted(order) == sorted(f"u{b}" for b in range(8))
    assert runs == [prefix for prefix in order for _ in range(runs.count(prefix))]
    assert len(own_sandbox.oomnitza_users()) == 479
