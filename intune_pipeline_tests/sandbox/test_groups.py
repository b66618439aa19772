"""Groups: members and transitiveMembers, the user cast, $select, $top, $filter, 404."""

import pytest

from intune_pipeline_tests.sandbox.graph_client import ADVANCED


@pytest.fixture(scope="module")
def groups(shared_sandbox):
    return {group["displayName"]: group for group in shared_sandbox.groups}


def test_the_tenant_has_a_few_groups_one_nested(shared_sandbox, groups, graph):
    assert {"All Staff", "Engineering", "Sales", "Contractors", "Platform Team"} <= set(groups)
    assert groups["Platform Team"]["id"] in groups["Engineering"]["members"]
    listed = graph.get("/v1.0/groups", {"$select": "id,displayName"}).json()["value"]
    assert listed == [
        {"id": g["id"], "displayName": g["displayName"]} for g in shared_sandbox.groups
    ]
    users = {user["id"]: user for user in shared_sandbox.graph_users}
    assert all(users[m]["department"] == "Sales" for m in groups["Sales"]["members"])


def test_members_lists_users_and_the_nested_group(groups, graph):
    engineering = groups["Engineering"]
    members = graph.items(
        f"/v1.0/groups/{engineering['id']}/members", {"$select": "id,displayName", "$top": "7"}
    )
    assert [m["id"] for m in members] == engineering["members"]
    nested = [m for m in members if m["@odata.type"] == "#microsoft.graph.group"]
    assert nested == [
        {"@odata.type": "#microsoft.graph.group", "id": groups["Platform Team"]["id"],
         "displayName": "Platform Team"}
    ]  # fmt: skip
    assert all(set(m) == {"@odata.type", "id", "displayName"} for m in members)


def test_transitive_members_add_the_nested_members_once(groups, graph):
    engineering, platform = groups["Engineering"], groups["Platform Team"]
    path = f"/v1.0/groups/{engineering['id']}/transitiveMembers"
    everyone = [m["id"] for m in graph.items(path, {"$select": "id", "$top": "5"})]
    expected = set(engineering["members"]) | set(platform["members"])
    assert set(everyone) == expected and len(everyone) == len(expected)
    assert set(engineering["members"]) & set(platform["members"])  # some are in both
    users = graph.items(path + "/microsoft.graph.user", {"$select": "id,mail", "$top": "5"})
    assert {u["id"] for u in users} == expected - {platform["id"]}
    assert all(set(u) == {"id", "mail"} for u in users)  # a cast has no @odata.type
    body = graph.get(path + "/microsoft.graph.user", {"$top": "3"}).json()
    assert body["@odata.context"].endswith("$metadata#users")
    assert "@odata.nextLink" in body and "businessPhones" in body["value"][0]


def test_members_take_the_same_filters_as_users(shared_sandbox, groups, graph):
    staff = groups["All Staff"]
    users = {user["id"]: user for user in shared_sandbox.graph_users}
    path = f"/v1.0/groups/{staff['id']}/members/microsoft.graph.user"
    got = graph.items(path, {"$filter": "startsWith(displayName,'a')", "$select": "id"})
    expected = [m for m in staff["members"] if users[m]["displayName"].lower().startswith("a")]
    assert [u["id"] for u in got] == expected and expected
    refused = graph.get(path, {"$filter": "jobTitle ne 'Designer'"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "Request_UnsupportedQuery"
    params = {"$filter": "jobTitle ne 'Designer'", "$count": "true", "$top": "10"}
    first = graph.get(path, params, ADVANCED).json()
    assert first["@odata.count"] == sum(
        users[m]["jobTitle"] != "Designer" for m in staff["members"]
    )


def test_unknown_and_malformed_groups(graph):
    missing = "00000000-0000-4000-8000-000000000000"
    for suffix in ("members", "transitiveMembers/microsoft.graph.user"):
        response = graph.get(f"/v1.0/groups/{missing}/{suffix}")
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "Request_ResourceNotFound"
        assert error["message"].startswith(f"Resource '{missing}' does not exist")
    response = graph.get("/v1.0/groups/not-a-guid/members")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Invalid object identifier 'not-a-guid'."
