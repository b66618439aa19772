"""The generated tenant, the input files, the prefill and the request log."""

import collections

import orjson
import pytest

from intune_pipeline.sandbox import InputError, Sandbox, SandboxConfig
from intune_pipeline.sandbox.tenant import generate_tenant
from intune_pipeline_tests.sandbox.conftest import Oomnitza, trusting_client
from intune_pipeline_tests.sandbox.graph_client import graph_token

PROPERTIES = {
    "id", "userPrincipalName", "mail", "givenName", "surname", "displayName", "jobTitle",
    "officeLocation", "mobilePhone", "businessPhones", "accountEnabled", "userType",
    "department", "employeeId", "companyName", "preferredLanguage", "otherMails", "assignedPlans",
    "city", "country", "employeeOrgData",
}  # fmt: skip


@pytest.fixture(scope="module")
def tenant():
    return generate_tenant(20_000, 1)


def share(users, predicate) -> float:
    return sum(1 for user in users if predicate(user)) / len(users)


def test_the_generator_is_deterministic(tenant):
    assert generate_tenant(20_000, 1) == tenant
    assert generate_tenant(500, 1) == tenant[:500]
    assert generate_tenant(500, 2) != tenant[:500]


def test_every_user_has_every_property_and_a_unique_id_and_upn(tenant):
    assert all(set(user) == PROPERTIES for user in tenant)
    assert len({user["id"] for user in tenant}) == len(tenant)
    assert len({user["userPrincipalName"] for user in tenant}) == len(tenant)


def test_the_tenant_is_as_messy_as_real_ones(tenant):
    guests = [user for user in tenant if user["userType"] == "Guest"]
    assert 0.04 < len(guests) / len(tenant) < 0.06
    assert all("#EXT#@contoso.onmicrosoft.com" in user["userPrincipalName"] for user in guests)
    assert 0.5 < share(guests, lambda user: user["mail"] is None) < 0.7
    assert 0.02 < share(tenant, lambda user: user["givenName"] is None) < 0.04
    assert 0.05 < share(tenant, lambda user: not user["accountEnabled"]) < 0.08
    mails = [user["mail"] for user in tenant if user["mail"] and "@" in user["mail"][:-1]]
    assert 0.02 < share(mails, lambda mail: mail != mail.lower()) < 0.04
    shared = collections.Counter(mail.lower() for mail in mails)
    assert 0.005 < sum(n for n in shared.values() if n > 1) / len(tenant) < 0.015
    assert 0.08 < share(tenant, lambda user: not user["displayName"].isascii()) < 0.12
    assert any("\u0308" in user["displayName"] for user in tenant)  # a combining mark
    assert 0.12 < share(tenant, lambda user: user["jobTitle"] is None) < 0.18
    no_phone = share(tenant, lambda user: not user["businessPhones"] and not user["mobilePhone"])
    assert 0.25 < no_phone < 0.35
    no_domain = share(tenant, lambda user: user["mail"] and "@" not in user["mail"][:-1])
    control = share(tenant, lambda user: any(ord(c) < 32 for c in user["displayName"]))
    assert 0.001 < no_domain < 0.005 and 0.001 < control < 0.005


def test_members_carry_org_data_with_some_gaps(tenant):
    members = [user for user in tenant if user["userType"] == "Member" and user["givenName"]]
    for prop in ("department", "employeeId", "companyName", "city", "country"):
        assert 0.5 < share(members, lambda user, p=prop: user[p] is not None) < 0.99, prop
    orgs = [user["employeeOrgData"] for user in members if user["employeeOrgData"]]
    assert 0.8 < len(orgs) / len(members) < 0.9
    assert all(set(org) == {"costCenter", "division"} for org in orgs)
    assert any(org["costCenter"] is None for org in orgs)
    assert {org["division"] for org in orgs} >= {"Products", "Commercial", "Corporate", None}
    london = [user for user in members if user["officeLocation"] == "London Paddington"]
    assert {user["country"] for user in london} == {"United Kingdom"}
    ids = [user["employeeId"] for user in members if user["employeeId"]]
    assert len(set(ids)) == len(ids)  # the Oomnitza field it maps to is unique


def test_a_tenant_file_replaces_the_generator(tmp_path):
    users = [
        {"@odata.type": "#microsoft.graph.user", "id": "u1", "displayName": "Ann", "city": "Oslo"},
        {"id": "u2", "mail": "bob@contoso.com"},
    ]
    path = tmp_path / "tenant.json"
    path.write_bytes(orjson.dumps(users))
    config = SandboxConfig(tenant_file=path, state_dir=tmp_path / "state")
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        assert [user["id"] for user in sandbox.graph_users] == ["u1", "u2"]
        response = http.get(
            f"{sandbox.env['GRAPH_URL']}/v1.0/users",
            params={"$select": "displayName,city,mail"},
            headers={"Authorization": f"Bearer {graph_token(sandbox, http)}"},
        )
        assert response.json()["value"] == [
            {"displayName": "Ann", "city": "Oslo", "mail": None, "id": "u1"},
            {"displayName": None, "city": None, "mail": "bob@contoso.com", "id": "u2"},
        ]


@pytest.mark.parametrize(
    ("option", "content", "says"),
    [
        ("tenant_file", b"[{}]", "no string id"),
        ("tenant_file", b'[{"id": "a"}, {"id": "a"}]', "twice"),
        ("tenant_file", b"{", "not valid JSON"),
        ("oomnitza_file", b'[{"email": "a@b"}]', "no username"),
        ("oomnitza_file", b'[{"username": "a", "shoe": 1}]', "unknown field 'shoe'"),
        ("oomnitza_file", b'{"username": "a"}', "not a JSON array"),
    ],
)
def test_bad_input_files_name_the_option(tmp_path, option, content, says):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=says) as caught:
        Sandbox(SandboxConfig(users=3, state_dir=tmp_path, **{option: path}))
    assert caught.value.option == "--" + option.replace("_", "-")


def test_an_oomnitza_file_and_a_prefill_fill_oomnitza(tmp_path):
    existing = [
        {"username": "admin@contoso.com", "role": 1, "uid": 7, "suspended": "false"},
        {"username": "old@contoso.com", "role": 25, "uid": 3, "user_id": "f" * 32},
    ]
    path = tmp_path / "oomnitza.json"
    path.write_bytes(orjson.dumps(existing))
    config = SandboxConfig(users=400, seed=4, prefill=0.5, oomnitza_file=path, state_dir=tmp_path)
    sandbox = Sandbox(config)
    held = sandbox.oomnitza_users()
    assert [(user["uid"], user["username"]) for user in held[:3]] == [
        (3, "old@contoso.com"),
        (7, "admin@contoso.com"),
        (8, held[2]["username"]),
    ]
    assert held[0]["user_id"] == "f" * 32 and held[1]["suspended"] is False
    prefilled = held[2:]
    with_mail = [user for user in sandbox.graph_users if user["mail"]]
    assert 0.4 * len(with_mail) < len(prefilled) < 0.6 * len(with_mail)
    by_mail = {user["mail"].lower(): user for user in with_mail}
    assert all(user["email"] in by_mail for user in prefilled)
    stale = [u for u in prefilled if u["position"] != by_mail[u["email"]]["jobTitle"]]
    assert stale  # a first sync has something to update
    assert Sandbox(config).oomnitza_users()[5]["user_id"] == held[5]["user_id"]


def test_latency_is_added_to_each_api_request(tmp_path):
    config = SandboxConfig(users=3, state_dir=tmp_path, graph_latency=0.2, oomnitza_latency=0.1)
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        http.get(f"{sandbox.env['GRAPH_URL']}/v1.0/users")
        Oomnitza(sandbox, http).get("/api/v3/users")
        http.get(f"{sandbox.env['GRAPH_URL']}/_sandbox/requests")
    took = {entry["server"]: entry["duration_ms"] for entry in sandbox.requests[:2]}
    # The event loop's timer may wake a fraction of a millisecond early by the request log's clock.
    assert took["graph"] >= 195 and 95 <= took["oomnitza"] < 200
    assert sandbox.requests[2]["duration_ms"] < 100  # the inspection endpoint is not slowed


def test_the_request_log_records_every_request_and_no_secret(tmp_path):
    with Sandbox(SandboxConfig(users=20, state_dir=tmp_path)) as sandbox:
        env = sandbox.env
        with trusting_client(sandbox) as http:
            graph_token(sandbox, http)
            http.get(f"{env['GRAPH_URL']}/v1.0/users?$top=5", headers={"Authorization": "Bearer x"})
            Oomnitza(sandbox, http).get("/api/v3/users", limit=3)
            served = http.get(f"{env['GRAPH_URL']}/_sandbox/requests").json()
    assert [(e["server"], e["method"], e["path"], e["status"]) for e in served] == [
        ("login", "POST", f"/{env['ENTRA_TENANT_ID']}/oauth2/v2.0/token", 200),
        ("graph", "GET", "/v1.0/users", 401),
        ("oomnitza", "GET", "/api/v3/users", 200),
    ]
    assert served[1]["query"] == "$top=5"
    assert set(served[0]) == {"server", "method", "path", "query", "status", "duration_ms", "at"}
    assert len(sandbox.requests) == 4  # with the GET of the log itself
    written = (tmp_path / "requests.jsonl").read_text()
    assert len(written.splitlines()) == 4
    for secret in (env["ENTRA_CLIENT_SECRET"], env["OOMNITZA_API_TOKEN"]):
        assert secret not in written
