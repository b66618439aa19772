"""The whole asset graph materialized through Dagster against the sandbox over real HTTPS."""

from urllib.parse import parse_qs

import dagster as dg

from intune_pipeline.summary import materializations
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES
from intune_pipeline_tests.runs import sync

ROLE = 25


def text(value):
    value = value.strip() if isinstance(value, str) else value
    return value or None


def expected_oomnitza_user(graph_user: dict, id_field: str) -> dict:
    """The standard mappings, restated here so the test does not trust the code it checks."""
    phones = graph_user.get("businessPhones") or []
    return {
        "username": text(graph_user["userPrincipalName"]),
        "email": text(graph_user["mail"]).lower(),
        "first_name": text(graph_user.get("givenName")),
        "last_name": text(graph_user.get("surname")),
        "full_name": text(graph_user.get("displayName")),
        "position": text(graph_user.get("jobTitle")),
        "address": text(graph_user.get("officeLocation")),
        "phone_number": text(graph_user.get("mobilePhone")) or (phones[0] if phones else None),
        id_field: graph_user["id"],
        "role": ROLE,
    }


def table_rows(value) -> list[dict]:
    return [record.data for record in value.records]


def run_sync(instance, full_read: bool = False) -> dg.ExecuteInProcessResult:
    result = sync(instance, full_read=full_read)
    assert result.success
    return result


def test_every_graph_user_is_loaded_or_has_a_reason(sandbox_env, instance):
    sandbox = sandbox_env
    id_field = sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    assets = materializations(run_sync(instance))

    held = {user[id_field]: user for user in sandbox.oomnitza_users() if user.get(id_field)}
    explained = {}
    for asset, key in (
        ("graph_users", "rejections"),
        ("oomnitza_users", "rejections"),
        ("oomnitza_users", "skips"),
    ):
        for row in table_rows(assets[asset][key]):
            assert row["reason"], row
            explained.setdefault(row["id"], []).append(row["reason"])

    for graph_user in sandbox.graph_users:
        if graph_user["id"] in explained:
            assert graph_user["id"] not in held, explained[graph_user["id"]]
            continue
        assert graph_user["id"] in held, (
            f"{graph_user['userPrincipalName']} neither loaded nor explained"
        )
        expected = expected_oomnitza_user(graph_user, id_field)
        actual = held[graph_user["id"]]
        assert {name: actual.get(name) or None for name in expected} == expected

    assert len(held) + len(explained) == len(sandbox.graph_users)
    load = assets["oomnitza_load"]
    assert (load["added"], load["updated"], load["failed"]) == (len(held), 0, 0)
    assert assets["graph_users_raw"]["dagster/row_count"] == len(sandbox.graph_users)
    # The messy tenant exercises every path.
    assert assets["graph_users"]["rejected"] > 0
    assert assets["oomnitza_users"]["skipped"] > 0


def test_a_second_run_creates_and_updates_nothing(sandbox_env, instance):
    run_sync(instance)
    before = sandbox_env.oomnitza_users()
    incremental = materializations(run_sync(instance))["oomnitza_load"]
    assert (incremental["sent"], incremental["added"], incremental["updated"]) == (0, 0, 0)
    full = materializations(run_sync(instance, full_read=True))
    # Only changes are sent: a full read of an unchanged tenant plans and sends nothing.
    assert full["oomnitza_sync_plan"]["unchanged"] == len(before)
    assert full["oomnitza_load"]["sent"] == 0
    assert sandbox_env.oomnitza_users() == before


def test_graph_is_asked_only_for_the_mapped_properties(sandbox_env, instance):
    run_sync(instance)
    run_sync(instance)
    graph_requests = [r for r in sandbox_env.requests if r["server"] == "graph"]
    assert graph_requests and all(r["status"] == 200 for r in graph_requests)
    asked = {r["path"] for r in graph_requests if "$select" in parse_qs(r["query"])}
    assert asked == {"/v1.0/users", "/v1.0/users/delta"}
    for request in graph_requests:
        # Follow-up pages carry Graph's opaque token, which keeps the first request's $select.
        query = parse_qs(request["query"])
        if query.get("$count") == ["true"] and query.get("$top") == ["1"]:
            assert query["$select"] == ["id"]  # Graph's count of the listing reads one id
        elif "$select" in query:
            assert query["$select"] == [",".join(GRAPH_USER_PROPERTIES)]
        else:
            assert set(query) & {"$skiptoken", "$deltatoken"}, request


def test_secrets_appear_nowhere_in_the_event_log(sandbox_env, instance):
    result = run_sync(instance)
    secrets = [sandbox_env.env["ENTRA_CLIENT_SECRET"], sandbox_env.env["OOMNITZA_API_TOKEN"]]
    stored = "\n".join(str(record) for record in instance.all_logs(result.run_id)) + str(
        instance.get_run_by_id(result.run_id)
    )
    for secret in secrets:
        assert secret not in stored
