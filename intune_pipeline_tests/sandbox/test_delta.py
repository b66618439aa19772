"""users/delta: full rounds, changes since a deltaLink, latest, expiry and replays."""

import collections
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.conftest import trusting_client
from intune_pipeline_tests.sandbox.graph_client import Graph

SELECT = "id,displayName,givenName,surname,mail,userPrincipalName,jobTitle,officeLocation"
USERS = 900


@pytest.fixture
def sandbox(tmp_path, request):
    settings = getattr(request, "param", {})
    config = SandboxConfig(users=USERS, seed=8, state_dir=tmp_path, **settings)
    with Sandbox(config) as running:
        yield running


@pytest.fixture
def graph(sandbox):
    with trusting_client(sandbox) as http:
        yield Graph(sandbox, http)


def test_the_first_round_returns_every_user_once_then_a_delta_link(sandbox, graph):
    bodies = graph.pages("/v1.0/users/delta", {"$select": SELECT})
    entries = [entry for body in bodies for entry in body["value"]]
    assert [entry["id"] for entry in entries] == [user["id"] for user in sandbox.graph_users]
    assert all(set(entry) == set(SELECT.split(",")) for entry in entries)
    assert len(bodies) > 2 and len({len(body["value"]) for body in bodies}) > 1  # sizes vary
    assert all("$skiptoken=" in body["@odata.nextLink"] for body in bodies[:-1])
    link = bodies[-1]["@odata.deltaLink"]
    assert link.startswith(f"{graph.url}/v1.0/users/delta?$deltatoken=")
    assert len(parse_qs(urlsplit(link).query)["$deltatoken"][0]) >= 32
    assert bodies[0]["@odata.context"].endswith(f"/v1.0/$metadata#users({SELECT})")
    assert graph.delta_round(link)[0] == []  # nothing changed since


def test_the_delta_link_returns_exactly_the_changes(sandbox, graph):
    _, link, _ = graph.delta_round("/v1.0/users/delta()", {"$select": SELECT})
    before = {user["id"]: user for user in sandbox.graph_users}
    changes = sandbox.mutate_tenant(hires=3, leavers=2, soft_deletes=1, renames=2, retitles=4)
    assert [len(ids) for ids in changes.values()] == [3, 2, 1, 2, 4]  # in the order asked
    entries, next_link, _ = graph.delta_round(link)
    removed = {entry["id"]: entry for entry in entries if "@removed" in entry}
    reasons = dict.fromkeys(changes["leavers"], "deleted") | {changes["soft_deletes"][0]: "changed"}
    assert removed == {key: {"id": key, "@removed": {"reason": r}} for key, r in reasons.items()}
    now = {user["id"]: user for user in sandbox.graph_users}
    changed = [entry for entry in entries if "@removed" not in entry]
    wanted = changes["hires"] + changes["renames"] + changes["retitles"]
    assert sorted(entry["id"] for entry in changed) == sorted(wanted)
    for entry in changed:
        assert entry == {prop: now[entry["id"]][prop] for prop in SELECT.split(",")}
    assert len(now) == len(before) + 3 - 2 - 1
    addresses = {
        (a or "").lower() for u in now.values() for a in (u["mail"], u["userPrincipalName"])
    }
    for user_id in changes["renames"]:
        old, new = before[user_id], now[user_id]
        assert new["surname"] != old["surname"] and new["displayName"] != old["displayName"]
        assert new["userPrincipalName"] != old["userPrincipalName"]
        assert new["mail"] == new["userPrincipalName"]
        assert old["userPrincipalName"].lower() not in addresses  # the old address is gone
    for user_id in changes["retitles"]:
        assert now[user_id]["jobTitle"] != before[user_id]["jobTitle"]
    assert graph.delta_round(next_link)[0] == []


def test_only_changes_to_the_selected_properties_are_tracked(sandbox, graph):
    _, link, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id,mail"})
    changes = sandbox.mutate_tenant(retitles=5, renames=1, seed=3)
    entries, _, _ = graph.delta_round(link)
    assert [entry["id"] for entry in entries] == changes["renames"]  # jobTitle is not selected


def test_latest_gives_just_a_delta_link_that_then_returns_later_changes(sandbox, graph):
    response = graph.get("/v1.0/users/delta", {"$deltatoken": "latest", "$select": "id,jobTitle"})
    body = response.json()
    assert response.status_code == 200 and body["value"] == []
    assert "@odata.nextLink" not in body
    retitled = sandbox.mutate_tenant(retitles=2)["retitles"]
    entries, _, _ = graph.delta_round(body["@odata.deltaLink"])
    assert sorted(entry["id"] for entry in entries) == sorted(retitled)
    assert all(set(entry) == {"id", "jobTitle"} for entry in entries)


def test_many_changes_come_in_pages(sandbox, graph):
    _, link, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id"})
    hired = sandbox.mutate_tenant(hires=700)["hires"]
    entries, _, pages = graph.delta_round(link)
    assert pages > 1 and [entry["id"] for entry in entries] == hired


@pytest.mark.parametrize("sandbox", [{"delta_token_ttl": 1}], indirect=True)
def test_an_expired_token_answers_410_with_where_to_start_again(sandbox, graph):
    _, link, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id,mail"})
    time.sleep(1.1)
    response = graph.get(link)
    assert response.status_code == 410
    error = response.json()["error"]
    assert error["code"] == "syncStateNotFound"
    assert error["innerError"]["request-id"] == response.headers["request-id"]
    restart = response.headers["Location"]
    assert restart == f"{graph.url}/v1.0/users/delta?$select=id,mail"
    entries, _, _ = graph.delta_round(restart)
    assert len(entries) == USERS


def test_the_operator_can_expire_every_token(sandbox, graph):
    _, first, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id"})
    _, second, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id"})
    assert graph.post("/_sandbox/delta/expire").json() == {"expired": 2}
    assert graph.get(first).status_code == graph.get(second).status_code == 410
    _, third, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id"})
    assert graph.get(third).status_code == 200  # tokens issued later are fine
    assert sandbox.expire_delta_tokens() == 2  # the third and the one just issued
    assert graph.get(third).status_code == 410


@pytest.mark.parametrize("sandbox", [{"delta_expiry_style": "resync"}], indirect=True)
def test_the_resync_style_answers_400_resync_required(sandbox, graph):
    _, link, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id"})
    sandbox.expire_delta_tokens()
    response = graph.get(link)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "resyncRequired"


@pytest.mark.parametrize("sandbox", [{"delta_replays": 0.2}], indirect=True)
def test_replays_send_some_entries_twice(sandbox, graph):
    entries, _, _ = graph.delta_round("/v1.0/users/delta", {"$select": "id,mail"})
    seen = collections.Counter(entry["id"] for entry in entries)
    assert set(seen) == {user["id"] for user in sandbox.graph_users}
    assert set(seen.values()) == {1, 2}
    assert 0.12 < sum(n == 2 for n in seen.values()) / USERS < 0.28
    assert len({(entry["id"], entry["mail"]) for entry in entries}) == USERS  # same twice


@pytest.mark.parametrize(
    ("params", "code"),
    [
        *(
            ({option: "5"}, "Request_UnsupportedQuery")
            for option in ("$top", "$orderby", "$expand")
        ),
        ({"$filter": "userType eq 'Member'"}, "Request_UnsupportedQuery"),
        ({"$deltatoken": "forged"}, "Request_BadRequest"),
        ({"$skiptoken": "forged"}, "Request_BadRequest"),
    ],
)
def test_what_delta_refuses(sandbox, graph, params, code):
    response = graph.get("/v1.0/users/delta", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
