"""Incremental syncs with Graph delta queries, through Dagster against the sandbox."""

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import dagster as dg

from intune_pipeline.defs.graph.cursor import LOOKBACK, latest_successful_metadata
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import sync


def test_changes_flow_as_deltas_and_the_cursor_advances_only_after_success(
    sandbox_env, instance, monkeypatch
):
    sandbox = sandbox_env
    first = materializations(sync(instance))
    assert first["graph_users_raw"]["read"] == "full"

    changes = sandbox.mutate_tenant(retitles=6, hires=3, leavers=2, soft_deletes=1, seed=5)
    # A run whose load fails must leave the cursor where it was.
    monkeypatch.setenv("OOMNITZA_API_TOKEN", "not-the-token")
    failed = sync(instance)
    assert not failed.success
    assert materializations(failed)["graph_users_raw"]["read"] == "delta"
    monkeypatch.setenv("OOMNITZA_API_TOKEN", sandbox.env["OOMNITZA_API_TOKEN"])

    second = materializations(sync(instance))
    raw = second["graph_users_raw"]
    assert raw["read"] == "delta"
    assert raw["dagster/row_count"] == len(changes["retitles"]) + len(changes["hires"])
    removed = {row.data["id"]: row.data["reason"] for row in raw["removed_users"].records}
    assert removed == {
        **{user_id: "deleted" for user_id in changes["leavers"]},
        **{user_id: "changed" for user_id in changes["soft_deletes"]},
    }
    load = second["oomnitza_load"]
    assert load["sent"] <= raw["dagster/row_count"]
    assert load["added"] + load["updated"] == load["sent"]
    assert load["added"] <= len(changes["hires"])

    third = materializations(sync(instance))
    assert third["graph_users_raw"]["read"] == "delta"
    assert third["graph_users_raw"]["dagster/row_count"] == 0
    assert third["oomnitza_load"]["sent"] == 0


def test_retitled_users_arrive_in_oomnitza_on_the_next_run(sandbox_env, instance):
    sandbox = sandbox_env
    sync(instance)
    field = sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    held = {user[field] for user in sandbox.oomnitza_users() if user.get(field)}
    retitled = sandbox.mutate_tenant(retitles=20, seed=9)["retitles"]
    assert sync(instance).success
    titles = {u["id"]: u.get("jobTitle") for u in sandbox.graph_users}
    now = {user[field]: user.get("position") for user in sandbox.oomnitza_users()}
    for user_id in retitled:
        if user_id in held and titles[user_id]:
            assert now[user_id] == titles[user_id].strip()


def test_an_expired_delta_token_means_a_full_read_said_out_loud(sandbox_env, instance):
    sync(instance)
    sandbox_env.expire_delta_tokens()
    result = sync(instance)
    assert result.success
    raw = materializations(result)["graph_users_raw"]
    assert raw["read"] == "full"
    assert "refused the delta link" in raw["fallback"]
    assert raw["dagster/row_count"] == len(sandbox_env.graph_users)
    warnings = [
        event.message
        for event in instance.all_logs(result.run_id)
        if event.level >= 30 and "refused the delta link" in (event.message or "")
    ]
    assert warnings


def test_a_full_read_can_be_asked_for(sandbox_env, instance):
    sync(instance)
    raw = materializations(sync(instance, full_read=True))["graph_users_raw"]
    assert raw["read"] == "full"
    assert raw["dagster/row_count"] == len(sandbox_env.graph_users)


def test_on_delta_reads_the_filter_is_applied_here_and_leavers_of_it_are_listed(
    sandbox_env, instance
):
    sandbox = sandbox_env
    users = {"filter": "accountEnabled eq true"}
    first = materializations(sync(instance, users=users))["graph_users_raw"]
    enabled = [u for u in sandbox.graph_users if u.get("accountEnabled")]
    assert first["dagster/row_count"] == len(enabled)
    leaver, stayer = enabled[0], enabled[1]
    sandbox.update_user(leaver["id"], accountEnabled=False)
    sandbox.update_user(stayer["id"], jobTitle="Chief Sandbox Officer")
    raw = materializations(sync(instance, users=users))["graph_users_raw"]
    assert raw["read"] == "delta" and raw["dagster/row_count"] == 1
    removed = {row.data["id"]: row.data["reason"] for row in raw["removed_users"].records}
    assert removed == {leaver["id"]: "out of scope"}


def test_the_delta_cursor_survives_a_restart(sandbox_env, tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as before_restart:
        assert sync(before_restart).success
    changes = sandbox_env.mutate_tenant(retitles=3, seed=4)
    with dg.DagsterInstance.from_config(str(home)) as after_restart:
        raw = materializations(sync(after_restart))["graph_users_raw"]
    assert raw["read"] == "delta"
    assert raw["dagster/row_count"] == len(changes["retitles"]) == 3


def use(sandbox: Sandbox, monkeypatch) -> None:
    for name, value in sandbox.env.items():
        monkeypatch.setenv(name, value)


def test_a_delta_link_for_another_graph_host_or_unknown_to_graph_means_a_full_read(
    tmp_path, instance, monkeypatch
):
    with Sandbox(SandboxConfig(users=120, seed=5, state_dir=tmp_path / "first")) as first:
        use(first, monkeypatch)
        assert sync(instance).success
        port = urlsplit(first.env["GRAPH_URL"]).port

    # The same host, but a Graph that never issued the token: it answers 400.
    config = SandboxConfig(users=80, seed=6, state_dir=tmp_path / "again", graph_port=port)
    with Sandbox(config) as again:
        use(again, monkeypatch)
        raw = materializations(sync(instance))["graph_users_raw"]
        assert raw["read"] == "full" and "refused the delta link" in raw["fallback"]
        assert raw["dagster/row_count"] == 80

    # Another Graph host: the link is neither followed nor sent anywhere.
    with Sandbox(SandboxConfig(users=120, seed=5, state_dir=tmp_path / "other")) as other:
        use(other, monkeypatch)
        raw = materializations(sync(instance))["graph_users_raw"]
        assert raw["read"] == "full" and "another Graph host" in raw["fallback"]
        assert raw["dagster/row_count"] == 120
        assert not [r for r in other.requests if "deltatoken" in r["query"] and r["status"] != 200]


def test_what_later_runs_read_comes_from_the_latest_materialization_of_a_successful_run(
    instance,
):
    @dg.asset
    def load(context: dg.AssetExecutionContext, config: LoadConfig):
        context.add_output_metadata({"mark": config.mark})

    @dg.asset(deps=[load])
    def after(config: LoadConfig):
        if config.fails:
            raise RuntimeError("a later step failed, so the run failed")

    def run(mark: str, fails: bool = False) -> None:
        config = LoadConfig(mark=mark, fails=fails)
        dg.materialize(
            [load, after],
            instance=instance,
            run_config=dg.RunConfig({"load": config, "after": config}),
            raise_on_error=False,
        )

    key = dg.AssetKey("load")
    assert latest_successful_metadata(instance, key) == {}
    run("first")
    run("second")
    assert latest_successful_metadata(instance, key)["mark"] == "second"
    for n in range(3):  # materialized, but in runs that failed
        run(f"failed {n}", fails=True)
    assert latest_successful_metadata(instance, key)["mark"] == "second"
    for n in range(LOOKBACK):
        run(f"failed again {n}", fails=True)
    assert latest_successful_metadata(instance, key) == {}  # searched no further back


class LoadConfig(dg.Config):
    mark: str
    fails: bool = False
