"""The production profile on the PostgreSQL server of this machine: a sync, then a restart of
the daemon, after which run history, the delta cursor and schedule state are all still there."""

import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
import yaml
from sqlalchemy.pool import QueuePool

from intune_pipeline.cli import interruptible
from intune_pipeline.defs.graph.cursor import delta_cursor
from intune_pipeline_tests.dagster_ui import wait_for
from intune_pipeline_tests.runs import INTEGRATION, sync

PROJECT = Path(__file__).resolve().parents[1]
SERVER = "postgresql://postgres@127.0.0.1:5432"
DRIVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"  # SQLAlchemy 2.1 would pick psycopg 3
SENSOR, SCHEDULE = f"{INTEGRATION}_graph_changes", f"{INTEGRATION}_schedule"


@pytest.fixture
def database():
    """A database of its own for this test run, dropped after it."""
    name = f"intune_pipeline_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(f"{SERVER}/test")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{DRIVER}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def home(tmp_path, database, sandbox_env, monkeypatch):
    """DAGSTER_HOME with the production profile, and settings with the delta sensor on."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT / "deploy" / "dagster.postgres.yaml", home / "dagster.yaml")
    shutil.copy(PROJECT / "workspace.yaml", home / "workspace.yaml")
    settings = yaml.safe_load((PROJECT / "integrations.yaml").read_text())
    settings["integrations"][0]["delta_sensor"] = {"enabled": True, "interval_seconds": 30}
    (tmp_path / "integrations.yaml").write_text(yaml.safe_dump(settings))
    monkeypatch.setenv("INTUNE_PIPELINE_SETTINGS", str(tmp_path / "integrations.yaml"))
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", database)
    return home


def daemon(home: Path) -> subprocess.Popen:
    # The sandbox's settings, the database URL and the settings file, as set for this test.
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", "workspace.yaml"],
        cwd=home,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=interruptible,
    )


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def state(instance: dg.DagsterInstance, name: str):
    return next((s for s in instance.all_instigator_state() if s.name == name), None)


def test_history_delta_cursor_and_schedule_state_survive_a_daemon_restart(home, sandbox_env):
    load = dg.AssetKey([INTEGRATION, "oomnitza_load"])
    with dg.DagsterInstance.from_config(str(home)) as instance:
        # The profile's storage keeps a pooled connection in each part, not one per statement.
        parts = (instance.run_storage, instance.event_log_storage, instance.schedule_storage)
        assert all(isinstance(part._engine.pool, QueuePool) for part in parts)
        first = sync(instance)
        assert first.success
        link = delta_cursor(instance, load)
        assert link

        process = daemon(home)
        try:
            sensor = wait_for(
                lambda: (s := state(instance, SENSOR)) and s.instigator_data.cursor and s,
                120,
                "sensor cursor",
            )
            schedule = wait_for(lambda: state(instance, SCHEDULE), 60, "schedule state")
        finally:
            stop(process)

    changes = sandbox_env.mutate_tenant(retitles=2, seed=8)
    with dg.DagsterInstance.from_config(str(home)) as instance:  # as after a restart
        assert instance.get_run_by_id(first.run_id).status == dg.DagsterRunStatus.SUCCESS
        assert delta_cursor(instance, load) == link
        assert state(instance, SENSOR).instigator_data.cursor == sensor.instigator_data.cursor
        assert state(instance, SCHEDULE).status == schedule.status

        process = daemon(home)
        try:
            # The sensor goes on from its kept cursor: the change made while it was down is seen.
            requested = wait_for(
                lambda: [
                    r
                    for r in instance.get_runs(dg.RunsFilter(tags={"dagster/sensor_name": SENSOR}))
                    if r.status == dg.DagsterRunStatus.SUCCESS
                ],
                180,
                "sensor-requested sync",
            )
        finally:
            stop(process)
        assert len(requested) == 1
        [read] = [
            e.asset_materialization
            for e in instance.all_logs(requested[0].run_id)
            if e.asset_materialization
            and e.asset_materialization.asset_key.path[-1] == "graph_users_raw"
        ]
        assert read.metadata["read"].value == "delta"
        assert read.metadata["dagster/row_count"].value == len(changes["retitles"])
