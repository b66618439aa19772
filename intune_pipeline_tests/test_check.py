"""`check` tries credentials and permissions and says exactly what is missing."""

from contextlib import ExitStack

import pytest

from intune_pipeline.check import check
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.settings_values import Env
from intune_pipeline_tests.runs import example_settings


def findings(**changes) -> dict[str, object]:
    [integration] = example_settings(**changes).integrations
    return {finding.what.split(" (")[0]: finding for finding in check(integration)}


@pytest.fixture
def tenant(tmp_path, monkeypatch):
    """Start a small sandbox with its own Graph settings; its connection is in the environment."""
    with ExitStack() as stack:

        def start(**graph_settings) -> Sandbox:
            config = SandboxConfig(users=30, seed=2, state_dir=tmp_path / "s", **graph_settings)
            sandbox = stack.enter_context(Sandbox(config))
            for name, value in sandbox.env.items():
                monkeypatch.setenv(name, value)
            return sandbox

        yield start


def test_everything_in_place_is_said_and_nothing_is_written(sandbox_env):
    found = findings()
    assert all(f.ok for f in found.values()), [str(f) for f in found.values()]
    assert (
        "8f3c2a91d4 (Microsoft Intune User ID), unique"
        in found["Oomnitza: Microsoft Intune User ID field"].detail
    )
    assert sandbox_env.oomnitza_users() == []


def test_a_missing_permission_is_named(tenant):
    tenant(app_permissions=("User.Read.All",))
    found = findings(users={"scope": "group", "group_id": "00000000-0000-4000-8000-000000000001"})
    members = next(f for what, f in found.items() if what.startswith("Graph: members of group"))
    assert found["Entra sign-in, and Graph users"].ok
    assert not members.ok and "GroupMember.Read.All" in members.what
    assert "Grant admin consent" in members.detail


def test_a_missing_intune_licence_is_named(tenant):
    tenant(intune_licensed=False)
    found = findings(users={"scope": "intune"})
    devices = found["Graph: Intune managed devices"]
    assert not devices.ok and "Intune licence" in devices.detail


def test_a_wrong_token_and_an_unknown_role_are_named_with_their_settings(sandbox_env, monkeypatch):
    monkeypatch.setenv("OTHER_TOKEN", "not-the-token")
    found = findings(oomnitza={"api_token": Env(env="OTHER_TOKEN")})
    token = found["Oomnitza: API token"]
    assert not token.ok and "oomnitza.api_token of integration intune_users" in token.detail
    assert "not-the-token" not in token.detail
    found = findings(role=999)
    role = found["Oomnitza: role"]
    assert not role.ok and "Oomnitza does not know the role 999 (role of integration" in role.detail
