"""Intune managed devices: paging, owners, userless devices, the licence, tenant changes."""

import collections

import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.conftest import trusting_client
from intune_pipeline_tests.sandbox.graph_client import Graph

DEVICES = "/v1.0/deviceManagement/managedDevices"
OWNER = "id,userId,userPrincipalName,emailAddress,userDisplayName"


def test_paging_returns_every_device_once_with_the_selected_properties(shared_sandbox, graph):
    bodies = graph.pages(DEVICES, {"$select": OWNER + ",deviceName,operatingSystem", "$top": "40"})
    devices = [device for body in bodies for device in body["value"]]
    assert len(bodies) == -(-len(devices) // 40) and len(bodies) > 2
    assert len({device["id"] for device in devices}) == len(devices)
    assert devices == [
        {key: device[key] for key in devices[0]} for device in shared_sandbox.managed_devices()
    ]
    assert set(devices[0]) == set(OWNER.split(",")) | {"deviceName", "operatingSystem"}
    assert bodies[0]["@odata.context"].endswith(
        "$metadata#deviceManagement/managedDevices(" + OWNER + ",deviceName,operatingSystem)"
    )


def test_owners_are_tenant_users_and_some_devices_have_none(shared_sandbox, graph):
    devices = graph.items(DEVICES, {"$select": OWNER})
    users = {user["id"]: user for user in shared_sandbox.graph_users}
    userless = [device for device in devices if not device["userId"]]
    assert 0 < len(userless) / len(devices) < 0.08
    assert all(d["userPrincipalName"] == d["emailAddress"] == "" for d in userless)
    for device in devices:
        if device["userId"]:
            user = users[device["userId"]]
            assert device["userPrincipalName"] == user["userPrincipalName"]
            assert device["emailAddress"] == (user["mail"] or "")
            assert device["userDisplayName"] == user["displayName"]
    owned = collections.Counter(device["userId"] for device in devices if device["userId"])
    people = [u for u in users.values() if u["userType"] == "Member" and u["givenName"]]
    enabled = [u for u in people if u["accountEnabled"]]
    assert 0.55 < len(owned) / len(enabled) < 0.85
    assert set(owned.values()) == {1, 2}
    assert any(u["id"] not in owned for u in enabled)  # users without a device
    assert not any(u["userType"] == "Guest" for u in users.values() if u["id"] in owned)


def test_without_select_every_property_comes_back(graph):
    body = graph.get(DEVICES, {"$top": "2"}).json()
    assert len(body["value"]) == 2 and "@odata.nextLink" in body
    device = body["value"][0]
    assert {"id", "deviceName", "operatingSystem", "osVersion", "complianceState"} <= set(device)
    assert {"serialNumber", "enrolledDateTime", "lastSyncDateTime", "model"} <= set(device)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"$top": "1001"}, "Invalid page size specified: '1001'"),
        ({"$top": "0"}, "Invalid page size"),
        ({"$select": "id,shoeSize"}, "'microsoft.graph.managedDevice'"),
        ({"$skiptoken": "forged"}, "page token is invalid"),
    ],
)
def test_bad_options_are_refused(graph, params, says):
    response = graph.get(DEVICES, params)
    assert response.status_code == 400
    assert says in response.json()["error"]["message"]


def test_a_tenant_without_an_intune_licence_answers_403(tmp_path):
    config = SandboxConfig(users=30, intune_licensed=False, state_dir=tmp_path)
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        response = Graph(sandbox, http).get(DEVICES)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "Forbidden" and "Intune license" in error["message"]
    assert error["innerError"]["request-id"] == response.headers["request-id"]


def test_devices_follow_tenant_changes(tmp_path):
    config = SandboxConfig(users=300, seed=2, state_dir=tmp_path)
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        graph = Graph(sandbox, http)
        before = graph.items(DEVICES, {"$select": OWNER})
        owners = {device["userId"] for device in before if device["userId"]}
        changes = sandbox.mutate_tenant(leavers=20, soft_deletes=10, renames=20, hires=40)
        after = graph.items(DEVICES, {"$select": OWNER})
    users = {user["id"]: user for user in sandbox.graph_users}
    gone = {d["id"] for d in before} - {d["id"] for d in after}
    assert gone == {d["id"] for d in before if d["userId"] in changes["leavers"]}
    assert gone  # some leaver had a device
    assert any(d["userId"] in changes["soft_deletes"] for d in after)  # kept, as Intune does
    for device in after:
        if device["userId"] in changes["renames"]:
            assert device["userPrincipalName"] == users[device["userId"]]["userPrincipalName"]
    assert owners & set(changes["renames"])
    assert {d["userId"] for d in after} & set(changes["hires"])  # some hires enrolled one
