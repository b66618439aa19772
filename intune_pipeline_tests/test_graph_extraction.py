"""Reading Graph over real HTTPS against the sandbox: sign-in, errors, renewal, faults, progress."""

import asyncio
import logging
import ssl
import uuid

import httpx
import pytest

from intune_pipeline.defs.graph.resources import GraphResource, graph_resource
from intune_pipeline.defs.values import Source
from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline.graph import GraphClient, GraphCredentials, TokenProvider, progress, read_users
from intune_pipeline.graph.clouds import scope_for
from intune_pipeline.http import RetryPolicy, http_client, tls_context
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.settings import Integration
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES
from intune_pipeline_tests.runs import transitive_users


def resource(sandbox: Sandbox, **overrides) -> GraphResource:
    env = sandbox.env
    fields = {
        "login_url": env["ENTRA_LOGIN_URL"],
        "graph_url": env["GRAPH_URL"],
        "tenant_id": env["ENTRA_TENANT_ID"],
        "client_id": env["ENTRA_CLIENT_ID"],
        "client_secret": env["ENTRA_CLIENT_SECRET"],
        "ca_bundle": env["INTUNE_PIPELINE_CA_BUNDLE"],
    }
    fields.update(overrides)
    return GraphResource(**fields)


# The Graph settings of an integration contoso, each read from a variable of its own that is
# set to the sandbox's value of the example file's variable.
CONTOSO = {
    "login_url": ("CONTOSO_LOGIN", "ENTRA_LOGIN_URL"),
    "graph_url": ("CONTOSO_GRAPH", "GRAPH_URL"),
    "tenant_id": ("CONTOSO_TENANT", "ENTRA_TENANT_ID"),
    "client_id": ("CONTOSO_CLIENT", "ENTRA_CLIENT_ID"),
    "client_secret": ("CONTOSO_SECRET", "ENTRA_CLIENT_SECRET"),
    "ca_bundle": ("CONTOSO_CA", "INTUNE_PIPELINE_CA_BUNDLE"),
}


def contoso(sandbox: Sandbox, monkeypatch, users=None, **variables) -> GraphResource:
    """The resource built from contoso's settings; variables override the sandbox's values."""
    for variable, example in CONTOSO.values():
        monkeypatch.setenv(variable, sandbox.env[example])
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    integration = Integration.model_validate(
        {
            "name": "contoso",
            "graph": {setting: {"env": variable} for setting, (variable, _) in CONTOSO.items()},
            "users": users or {},
            "oomnitza": {
                "url": "https://o",
                "api_token": {"env": "T"},
                "intune_user_id_field": "f",
            },
        }
    )
    return graph_resource(integration)


def read_ids(graph: GraphResource) -> list[str]:
    with graph.client() as client:
        read = read_users(
            client,
            GRAPH_USER_PROPERTIES,
            graph.scope(),
            graph.parsed_filter(),
            segmenting=graph.segmenting(),
        )
    return [user["id"] for user in read.users]


def tenant_ids(sandbox: Sandbox) -> set[str]:
    return {user["id"] for user in sandbox.graph_users}


@pytest.fixture
def sandbox(tmp_path):
    with Sandbox(SandboxConfig(users=2500, seed=21, state_dir=tmp_path)) as running:
        yield running


def test_secret_and_certificate_sign_in_both_read_every_user_once(sandbox):
    by_secret = read_ids(resource(sandbox))
    env = sandbox.env
    by_certificate = read_ids(
        resource(
            sandbox,
            client_secret=None,
            certificate_path=env["ENTRA_CLIENT_CERTIFICATE"],
            private_key_path=env["ENTRA_CLIENT_PRIVATE_KEY"],
        )
    )
    assert len(by_secret) == len(set(by_secret)) == len(sandbox.graph_users)
    assert set(by_secret) == set(by_certificate) == tenant_ids(sandbox)


def test_a_wrong_secret_says_what_to_fix_and_does_not_repeat_it(sandbox, monkeypatch):
    with pytest.raises(RemoteError) as refused:
        read_ids(contoso(sandbox, monkeypatch, CONTOSO_SECRET="wrong-secret-value"))
    message = str(refused.value)
    assert "invalid_client" in message
    assert "set graph.client_secret of integration contoso (read from CONTOSO_SECRET) to" in message
    assert "wrong-secret-value" not in message and "ENTRA_" not in message


def test_an_unknown_tenant_names_the_setting_and_carries_entras_trace_id(sandbox, monkeypatch):
    graph = contoso(sandbox, monkeypatch, CONTOSO_TENANT=str(uuid.uuid4()))
    with pytest.raises(ConfigError) as refused:
        read_ids(graph)
    message = str(refused.value)
    assert "the tenant that graph.tenant_id of integration contoso (read from CONTOSO_TENANT)" in (
        message
    )
    assert (
        "graph.login_url of integration contoso (read from CONTOSO_LOGIN) is the login" in message
    )
    assert "AADSTS90002" in message and "trace id" in message


def test_an_unknown_tenant_literal_in_the_settings_is_named_without_a_variable(sandbox):
    graph = resource(
        sandbox,
        tenant_id=str(uuid.uuid4()),
        sources={"tenant_id": Source(setting="graph.tenant_id of integration contoso")},
    )
    with pytest.raises(
        ConfigError, match=r"tenant that graph\.tenant_id of integration contoso names\."
    ):
        read_ids(graph)


def test_missing_consent_says_which_permission_to_grant(tmp_path):
    config = SandboxConfig(users=10, seed=2, state_dir=tmp_path, app_permissions=())
    with Sandbox(config) as sandbox, pytest.raises(RemoteError) as refused:
        read_ids(resource(sandbox))
    message = str(refused.value)
    assert "403 Authorization_RequestDenied" in message
    assert "User.Read.All" in message and "Grant admin consent" in message
    assert "request-id" in message


def test_no_intune_licence_says_so(tmp_path):
    config = SandboxConfig(users=10, seed=2, state_dir=tmp_path, intune_licensed=False)
    with Sandbox(config) as sandbox, pytest.raises(RemoteError, match="no active Intune licence"):
        read_ids(resource(sandbox, user_scope="intune"))


def test_tokens_are_renewed_mid_run(tmp_path):
    config = SandboxConfig(users=3000, seed=4, state_dir=tmp_path, token_lifetime=1)
    with Sandbox(config) as sandbox:
        sandbox.set_faults("graph", latency=0.7)  # four pages outlive a one-second token
        assert set(read_ids(resource(sandbox))) == tenant_ids(sandbox)
        token_requests = [r for r in sandbox.requests if r["path"].endswith("/token")]
        assert len(token_requests) >= 2
        assert all(r["status"] == 200 for r in sandbox.requests if r["server"] == "graph")


def test_throttling_errors_and_resets_lose_and_repeat_nothing(sandbox):
    sandbox.set_faults(
        "graph", throttle_rate=0.2, error_rate=0.1, reset_rate=0.1, retry_after=0.01, seed=8
    )
    for _ in range(3):
        ids = read_ids(resource(sandbox))
        assert len(ids) == len(set(ids)) and set(ids) == tenant_ids(sandbox)
    counts = sandbox.fault_counts()["graph"]
    assert counts["throttled"] and counts["errors"] and counts["resets"]


def test_progress_is_logged_with_counts_rate_and_time_left(sandbox, caplog, monkeypatch):
    monkeypatch.setattr(progress, "EVERY_SECONDS", 0)
    with caplog.at_level(logging.INFO, logger="intune_pipeline.graph"):
        read_ids(resource(sandbox))
        # With $count (an advanced query) Graph gives the total, and so the time left.
        read_ids(resource(sandbox, user_filter="endsWith(mail,'.com') or mail eq null"))
    lines = [r.getMessage() for r in caplog.records if "Graph users:" in r.getMessage()]
    assert any("read in 3 pages" in line and "/s)" in line for line in lines), lines
    assert any("in all, about" in line and "s left" in line for line in lines), lines
    assert lines[-1].endswith("done")


def client_with(sandbox: Sandbox, retry: RetryPolicy, timeout: float = 60) -> GraphClient:
    env = sandbox.env
    http = http_client(tls_context(env["INTUNE_PIPELINE_CA_BUNDLE"], "CA"), timeout=timeout)
    credentials = GraphCredentials(
        env["ENTRA_LOGIN_URL"],
        env["ENTRA_TENANT_ID"],
        env["ENTRA_CLIENT_ID"],
        client_secret=env["ENTRA_CLIENT_SECRET"],
    )
    graph = env["GRAPH_URL"]
    return GraphClient(graph, TokenProvider(credentials, scope_for(graph), http), http, retry)


def test_a_throttled_read_gives_up_after_its_budget_and_says_what_happened(sandbox):
    sandbox.set_faults("graph", throttle_rate=1.0, retry_after=0.01)
    client = client_with(sandbox, RetryPolicy(attempts=4))
    with pytest.raises(RemoteError, match=r"still failing after 4 attempts .* HTTP 429"):
        list(client.users(["id"]))


def test_timeouts_are_retried(sandbox):
    sandbox.set_faults("graph", slow_rate=0.3, slow_seconds=2, seed=4)
    client = client_with(sandbox, RetryPolicy(base_delay=0.01), timeout=0.5)
    ids = [user["id"] for page in client.users(["id"]) for user in page]
    assert sorted(ids) == sorted(tenant_ids(sandbox))
    assert sandbox.fault_counts()["graph"]["slow"] > 0


def test_replayed_delta_entries_are_applied_once(tmp_path):
    config = SandboxConfig(users=500, seed=3, state_dir=tmp_path, delta_replays=0.5)
    with Sandbox(config) as sandbox:
        graph = resource(sandbox)
        with graph.client() as client:
            link = read_users(client, GRAPH_USER_PROPERTIES, graph.scope(), None).delta_link
            changes = sandbox.mutate_tenant(retitles=30, hires=5, seed=1)
            delta = read_users(client, GRAPH_USER_PROPERTIES, graph.scope(), None, link)
    ids = [user["id"] for user in delta.users]
    assert len(ids) == len(set(ids)) and set(ids) == set(changes["retitles"] + changes["hires"])


def test_a_100k_user_tenant_with_a_tenth_of_requests_throttled_is_read_exactly(tmp_path):
    with Sandbox(SandboxConfig(users=100_000, seed=5, state_dir=tmp_path)) as sandbox:
        sandbox.set_faults("graph", throttle_rate=0.1, retry_after=0.02, seed=5)
        ids = read_ids(resource(sandbox))
        assert len(ids) == 100_000 == len(set(ids))
        assert set(ids) == tenant_ids(sandbox)
        assert sandbox.fault_counts()["graph"]["throttled"] >= 5


def test_intune_scope_reads_only_users_who_own_a_managed_device(sandbox):
    owners = {d["userId"] for d in sandbox.managed_devices() if d.get("userId")}
    ids = read_ids(resource(sandbox, user_scope="intune"))
    assert set(ids) == owners & tenant_ids(sandbox) and 0 < len(ids) < len(sandbox.graph_users)


def test_group_scope_reads_direct_and_nested_members(sandbox):
    groups = sandbox.groups
    nesting = next(g for g in groups if any(m in {x["id"] for x in groups} for m in g["members"]))
    ids = read_ids(resource(sandbox, user_scope="group", group_id=nesting["id"]))
    assert set(ids) == transitive_users(groups, nesting["id"]) and len(ids) == len(set(ids))


def test_group_scope_with_its_group_variable_unset_names_the_setting(sandbox, monkeypatch):
    users = {"scope": "group", "group_id": {"env": "CONTOSO_GROUP"}}
    graph = contoso(sandbox, monkeypatch, users)
    monkeypatch.delenv("CONTOSO_GROUP", raising=False)
    with pytest.raises(ConfigError) as refused:
        read_ids(graph)
    assert str(refused.value).startswith(
        "users.scope of integration contoso is group but users.group_id of integration contoso "
        "(read from CONTOSO_GROUP) is not set: set it to the Object ID"
    )


@pytest.mark.parametrize(
    ("user_filter", "advanced"),
    [
        ("accountEnabled eq true and userType eq 'Member'", False),
        ("startsWith(displayName,'a') or department in ('Sales','Engineering')", False),
        ("endsWith(mail,'.com') and accountEnabled eq true", True),
        ("assignedPlans/any(p:p/servicePlanId eq c1ec4a95-1f05-45b3-a911-aa3fa01094f5)", True),
    ],
)
def test_filters_are_pushed_to_graph_and_agree_with_local_evaluation(
    sandbox, user_filter, advanced
):
    graph = resource(sandbox, user_filter=user_filter)
    ids = set(read_ids(graph))
    expected = {u["id"] for u in sandbox.graph_users if graph.parsed_filter().matches(u)}
    assert ids == expected and 0 < len(ids) < len(sandbox.graph_users)
    listing = [r for r in sandbox.requests if r["path"] == "/v1.0/users"]
    assert all("$filter=" in r["query"] for r in listing)
    assert all(("$count=true" in r["query"]) is advanced for r in listing[:1])


def test_microsofts_graph_sdk_gets_the_same_users_as_the_pipeline(tmp_path):
    from intune_pipeline_tests.sandbox.test_msgraph_sdk import delta_round, list_users, sdk_client

    with Sandbox(SandboxConfig(users=260, seed=6, state_dir=tmp_path)) as sandbox:
        graph = resource(sandbox)
        with graph.client() as client:
            full = read_users(client, GRAPH_USER_PROPERTIES, graph.scope(), None)

        async def sdk_reads():
            context = ssl.create_default_context(cafile=str(sandbox.ca_path))
            async with httpx.AsyncClient(verify=context, timeout=30) as http:
                sdk = sdk_client(sandbox, http)
                listed = await list_users(sdk)
                _, link, _ = await delta_round(sdk, None)
                sandbox.mutate_tenant(hires=3, leavers=2, soft_deletes=1, retitles=4, seed=2)
                changed, _, _ = await delta_round(sdk, link)
                return listed, changed

        listed, sdk_changes = asyncio.run(sdk_reads())
        with graph.client() as client:
            delta = read_users(client, GRAPH_USER_PROPERTIES, graph.scope(), None, full.delta_link)

    assert [user.id for user in listed] == [user["id"] for user in full.users]
    sdk_removed = {u.id for u in sdk_changes if u.additional_data.get("@removed")}
    assert {u.id for u in sdk_changes} - sdk_removed == {user["id"] for user in delta.users}
    assert sdk_removed == set(delta.removed)
