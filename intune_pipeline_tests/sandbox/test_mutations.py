"""Changing the tenant between runs: mutate_tenant, update_user, remove_user, the operator route."""

import threading

import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.conftest import trusting_client
from intune_pipeline_tests.sandbox.graph_client import Graph


@pytest.fixture
def sandbox(tmp_path):
    with Sandbox(SandboxConfig(users=400, seed=4, state_dir=tmp_path)) as running:
        yield running


@pytest.fixture
def graph(sandbox):
    with trusting_client(sandbox) as http:
        yield Graph(sandbox, http)


def listed(graph: Graph) -> list[dict]:
    return graph.items("/v1.0/users", {"$select": "id,userPrincipalName,jobTitle", "$top": "99"})


def test_graph_users_and_users_reflect_the_changes(sandbox, graph):
    before = sandbox.graph_users
    changes = sandbox.mutate_tenant(hires=5, leavers=3, soft_deletes=2, renames=1, retitles=1)
    after = sandbox.graph_users
    assert [user["id"] for user in after] == [user["id"] for user in listed(graph)]
    kept = [u["id"] for u in before if u["id"] not in changes["leavers"] + changes["soft_deletes"]]
    assert [user["id"] for user in after] == kept + changes["hires"]  # hires come last
    hires = after[-5:]
    assert all(set(user) == set(before[0]) for user in hires)
    assert all(u["userType"] == "Member" and u["accountEnabled"] for u in hires)
    upns = [user["userPrincipalName"].lower() for user in after]
    assert len(set(upns)) == len(upns)
    retitled = changes["retitles"][0]
    then, now = ({u["id"]: u for u in users}[retitled] for users in (before, after))
    assert then["jobTitle"] != now["jobTitle"]  # snapshots handed out do not change


def test_changes_with_a_seed_are_reproducible(tmp_path):
    picked = []
    for n in range(2):
        config = SandboxConfig(users=200, seed=4, state_dir=tmp_path / str(n))
        picked.append(Sandbox(config).mutate_tenant(hires=2, leavers=2, renames=2, seed=11))
    assert picked[0] == picked[1]


def test_update_user_and_remove_user(sandbox, graph):
    user = sandbox.graph_users[10]
    updated = sandbox.update_user(user["id"], jobTitle="Chief Sandbox Officer", state="Oslo")
    assert updated["jobTitle"] == "Chief Sandbox Officer" and updated["state"] == "Oslo"
    got = graph.get("/v1.0/users", {"$filter": f"id eq '{user['id']}'", "$select": "id,state"})
    assert got.json()["value"] == [{"id": user["id"], "state": "Oslo"}]
    assert (
        graph.get("/v1.0/users", {"$select": "state", "$top": "1"}).json()["value"][0]["state"]
        is None
    )
    with pytest.raises(ValueError, match="shoeSize"):
        sandbox.update_user(user["id"], shoeSize=44)
    sandbox.remove_user(user["id"], hard=False)
    assert user["id"] not in {u["id"] for u in sandbox.graph_users}
    sandbox.remove_user(user["id"], hard=True)  # a soft-deleted user can be purged
    with pytest.raises(KeyError):
        sandbox.remove_user(user["id"], hard=True)
    with pytest.raises(KeyError):
        sandbox.update_user("no-such-id", jobTitle="x")


def test_the_operator_route_changes_the_tenant(sandbox, graph):
    response = graph.post("/_sandbox/tenant/mutations", {"hires": 2, "retitles": 3, "seed": 1})
    assert response.status_code == 200
    changes = response.json()
    assert {kind: len(ids) for kind, ids in changes.items()} == {
        "hires": 2, "leavers": 0, "soft_deletes": 0, "renames": 0, "retitles": 3,
    }  # fmt: skip
    assert {u["id"] for u in sandbox.graph_users} >= set(changes["hires"])
    for body in ({"hires": -1}, {"fires": 1}, {"leavers": 10_000}, [1], {"hires": 1, "seed": "x"}):
        refused = graph.post("/_sandbox/tenant/mutations", body)
        assert refused.status_code == 400, body
        assert refused.json()["error"]["code"] == "BadRequest"


def test_requests_see_the_tenant_before_or_after_a_change_never_half_way(sandbox, graph):
    failures, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            for body in graph.pages("/v1.0/users", {"$select": "id", "$top": "50"}):
                ids = [user["id"] for user in body["value"]]
                if len(ids) != len(set(ids)):
                    failures.append(ids)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(20):
            sandbox.mutate_tenant(hires=3, leavers=2, renames=2, retitles=2)
    finally:
        stop.set()
        reader.join(30)
    assert not failures
    assert len(sandbox.graph_users) == 400 + 20 * (3 - 2)
