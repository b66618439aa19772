"""Application permissions: each endpoint needs its own, or answers 403."""

import pytest

from intune_pipeline.sandbox import InputError, Sandbox, SandboxConfig
from intune_pipeline.sandbox.__main__ import parser
from intune_pipeline.sandbox.graph_settings import graph_options
from intune_pipeline_tests.sandbox.conftest import trusting_client
from intune_pipeline_tests.sandbox.graph_client import Graph

ENDPOINTS = {
    "users": "/v1.0/users",
    "delta": "/v1.0/users/delta",
    "groups": "/v1.0/groups",
    "devices": "/v1.0/deviceManagement/managedDevices",
}


def statuses(tmp_path, permissions) -> dict[str, int]:
    config = SandboxConfig(users=20, app_permissions=permissions, state_dir=tmp_path)
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        graph = Graph(sandbox, http)
        group = sandbox.groups[0]["id"]
        answers = {name: graph.get(path) for name, path in ENDPOINTS.items()}
        answers["members"] = graph.get(f"/v1.0/groups/{group}/transitiveMembers")
    for response in answers.values():
        if response.status_code == 403:
            error = response.json()["error"]
            assert error["code"] == "Authorization_RequestDenied"
            assert error["message"] == "Insufficient privileges to complete the operation."
            assert error["innerError"]["request-id"] == response.headers["request-id"]
            assert error["innerError"]["date"]
    return {name: response.status_code for name, response in answers.items()}


@pytest.mark.parametrize(
    ("permissions", "allowed"),
    [
        ((), set()),
        (("User.Read.All",), {"users", "delta"}),
        (("Directory.Read.All",), {"users", "delta", "groups", "members"}),
        (("GroupMember.Read.All", "DeviceManagementManagedDevices.Read.All"),
         {"groups", "members", "devices"}),
    ],
)  # fmt: skip
def test_each_endpoint_needs_its_permission(tmp_path, permissions, allowed):
    got = statuses(tmp_path, permissions)
    assert got == {name: 200 if name in allowed else 403 for name in got}


def test_the_default_permissions_read_everything(tmp_path):
    assert set(statuses(tmp_path, SandboxConfig().app_permissions).values()) == {200}


def test_bad_permission_names_are_refused(tmp_path):
    with pytest.raises(InputError) as caught:
        Sandbox(SandboxConfig(users=1, app_permissions=("User Read",), state_dir=tmp_path))
    assert caught.value.option == "--app-permissions"


def test_the_cli_takes_the_graph_options(capsys):
    args = ["--app-permissions", "User.Read.All, Directory.Read.All", "--no-intune-licence"]
    parsed = graph_options(parser().parse_args([*args, "--delta-token-ttl", "60"]))
    assert parsed == {
        "app_permissions": ("User.Read.All", "Directory.Read.All"),
        "intune_licensed": False,
        "delta_token_ttl": 60,
    }
    assert graph_options(parser().parse_args([])) == {
        "app_permissions": SandboxConfig().app_permissions,
        "intune_licensed": True,
        "delta_token_ttl": 7 * 24 * 3600,
    }
    assert parser().parse_args(["--app-permissions", ""]).app_permissions == ()
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(["--delta-token-ttl", "0"])
    assert stopped.value.code == 2 and "--delta-token-ttl" in capsys.readouterr().err
