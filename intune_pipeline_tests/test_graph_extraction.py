"""Reading Graph over real HTTPS against the sandbox: sign-in, errors, renewal, faults, progress."""

import logging
import uuid

import pytest

from intune_pipeline.defs.graph.resources import GraphResource
from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline.graph import progress, read_users
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES


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


def read_ids(graph: GraphResource) -> list[str]:
    with graph.client() as client:
        read = read_users(client, GRAPH_USER_PROPERTIES, graph.scope(), graph.parsed_filter())
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


def test_a_wrong_secret_says_what_to_fix_and_does_not_repeat_it(sandbox):
    with pytest.raises(RemoteError) as refused:
        read_ids(resource(sandbox, client_secret="wrong-secret-value"))
    message = str(refused.value)
    assert "invalid_client" in message and "ENTRA_CLIENT_SECRET" in message
    assert "wrong-secret-value" not in message


def test_an_unknown_tenant_names_the_setting(sandbox):
    with pytest.raises(ConfigError, match="ENTRA_TENANT_ID"):
        read_ids(resource(sandbox, tenant_id=str(uuid.uuid4())))


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


def test_progress_is_logged_with_counts_and_rate(sandbox, caplog, monkeypatch):
    monkeypatch.setattr(progress, "EVERY_SECONDS", 0)
    with caplog.at_level(logging.INFO, logger="intune_pipeline.graph"):
        read_ids(resource(sandbox))
    lines = [r.getMessage() for r in caplog.records if "Graph users:" in r.getMessage()]
    assert any("read in 3 pages" in line and "/s)" in line for line in lines), lines
    assert lines[-1].endswith("done")
