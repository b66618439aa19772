"""Several integrations in one settings file, and sync keys that follow a renamed user."""

from intune_pipeline.definitions import build_defs
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.settings import load_settings
from intune_pipeline.summary import materializations
from intune_pipeline_tests.instances import instance_for_test
from intune_pipeline_tests.runs import sync

TWO = """\
integrations:
{blocks}
"""
BLOCK = """\
  - name: {name}
    launched: true
    graph:
      login_url: {{env: {p}_LOGIN}}
      graph_url: {{env: {p}_GRAPH}}
      tenant_id: {{env: {p}_TENANT}}
      client_id: {{env: {p}_CLIENT}}
      client_secret: {{env: {p}_SECRET}}
      ca_bundle: {{env: {p}_CA}}
    oomnitza:
      url: {{env: {p}_OOMNITZA}}
      api_token: {{env: {p}_TOKEN}}
      ca_bundle: {{env: {p}_CA}}
      intune_user_id_field: {{env: {p}_FIELD}}
    role: 25
"""
NAMES = {
    "LOGIN": "ENTRA_LOGIN_URL",
    "GRAPH": "GRAPH_URL",
    "TENANT": "ENTRA_TENANT_ID",
    "CLIENT": "ENTRA_CLIENT_ID",
    "SECRET": "ENTRA_CLIENT_SECRET",
    "CA": "INTUNE_PIPELINE_CA_BUNDLE",
    "OOMNITZA": "OOMNITZA_URL",
    "TOKEN": "OOMNITZA_API_TOKEN",
    "FIELD": "OOMNITZA_INTUNE_USER_ID_FIELD",
}


def test_two_integrations_each_with_its_own_assets_job_and_history(tmp_path, monkeypatch):
    with (
        Sandbox(SandboxConfig(users=150, seed=1, state_dir=tmp_path / "a")) as first,
        Sandbox(SandboxConfig(users=90, seed=2, state_dir=tmp_path / "b")) as second,
    ):
        for prefix, sandbox in (("A", first), ("B", second)):
            for short, name in NAMES.items():
                monkeypatch.setenv(f"{prefix}_{short}", sandbox.env[name])
        path = tmp_path / "integrations.yaml"
        blocks = BLOCK.format(name="contoso", p="A") + BLOCK.format(name="fabrikam", p="B")
        path.write_text(TWO.format(blocks=blocks))
        defs = build_defs(load_settings(path))
        assert {job.name for job in defs.jobs} >= {"contoso_sync", "fabrikam_sync"}
        keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
        assert {"contoso/oomnitza_load", "fabrikam/oomnitza_load"} <= keys

        # One integration failing does not stop the other: its run fails on its own.
        monkeypatch.setenv("A_TOKEN", "revoked")
        with instance_for_test() as instance:
            failed = defs.resolve_job_def("contoso_sync").execute_in_process(
                instance=instance, raise_on_error=False
            )
            done = defs.resolve_job_def("fabrikam_sync").execute_in_process(instance=instance)
            assert not failed.success and done.success
            assert first.oomnitza_users() == []
            loaded = materializations(done)["oomnitza_load"]["added"]
            assert loaded == len(second.oomnitza_users()) > 0
            runs = instance.get_runs()
            assert {run.tags["intune_pipeline/integration"] for run in runs} == {
                "contoso",
                "fabrikam",
            }


def test_a_renamed_user_is_found_by_the_next_sync_key_and_updated_not_duplicated(
    sandbox_env, instance
):
    sandbox = sandbox_env
    keys = ["email", "intune_user_id"]
    assert sync(instance, sync_keys=keys).success
    before = sandbox.oomnitza_users()
    renamed = sandbox.mutate_tenant(renames=5, seed=3)["renames"]
    result = sync(instance, sync_keys=keys)
    assert result.success
    after = sandbox.oomnitza_users()
    field = sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    graph = {user["id"]: user for user in sandbox.graph_users}
    held = {user[field]: user for user in after}
    assert len(after) == len(before)
    moved = [user_id for user_id in renamed if user_id in held and graph[user_id].get("mail")]
    assert moved
    for user_id in moved:
        assert held[user_id]["email"] == graph[user_id]["mail"].strip().lower()
    load = materializations(result)["oomnitza_load"]
    assert load["added"] == 0 and load["updated"] >= len(moved)
