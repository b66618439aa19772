"""The embedded instance's storage (dagster.yaml): Dagster's SQLite storage, pooled event log."""

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from intune_pipeline.instance.sqlite import (
    KEPT_DATABASES,
    TEMPLATE,
    PooledSqliteEventLogStorage,
)

PROJECT = Path(__file__).resolve().parents[1]


@dg.op
def say_hello(context: dg.OpExecutionContext) -> None:
    context.log.info("hello")


@dg.job
def hello():
    say_hello()


@pytest.fixture
def home(tmp_path, monkeypatch):
    # As `dagster dev` without DAGSTER_HOME: the instance's directory is not in the environment.
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    shutil.copy(PROJECT / "dagster.yaml", tmp_path / "dagster.yaml")
    return tmp_path


def project_instance(home: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def test_the_project_instance_uses_it_and_another_process_reads_what_a_run_stored(home):
    with project_instance(home) as writer, project_instance(home) as reader:
        assert isinstance(writer.event_log_storage, PooledSqliteEventLogStorage)
        # A run launched by the webserver or the daemon rebuilds its instance from this ref.
        assert type(writer).__name__ == "Instance"
        assert writer.get_ref().storage_data.module_name == "intune_pipeline.instance.sqlite"
        result = hello.execute_in_process(instance=writer)
        assert result.success
        messages = [entry.message for entry in reader.all_logs(result.run_id)]
        assert "hello" in messages
        assert reader.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS
        assert (home / "history" / "runs" / f"{result.run_id}.db").exists()


def test_a_watcher_sees_each_new_event_as_the_ui_live_log_does(home):
    """The UI's live run log is fed by a file watcher: pooled connections must still show it."""
    with project_instance(home) as writer, project_instance(home) as watcher:
        run = writer.create_run_for_job(hello)
        seen, arrived = [], threading.Event()

        def on_event(entry, _cursor):
            seen.append(entry.message)
            if "third" in entry.message:
                arrived.set()

        watcher.watch_event_logs(run.run_id, None, on_event)
        try:
            for word in ("first", "second", "third"):
                writer.report_engine_event(word, run)
                time.sleep(0.2)
            assert arrived.wait(10), f"the watcher saw only {seen}"
        finally:
            watcher.end_watch_event_logs(run.run_id, on_event)
        words = ["first", "second", "third"]
        assert [message for message in seen if message in words] == words


def test_only_the_last_databases_stay_open_and_an_earlier_run_still_reads(home):
    with project_instance(home) as instance:
        storage = instance.event_log_storage
        runs = [instance.create_run_for_job(hello) for _ in range(KEPT_DATABASES + 3)]
        for run in runs:
            instance.report_engine_event(f"event of {run.run_id}", run)
        assert len(storage._engines) <= KEPT_DATABASES
        first = runs[0].run_id
        assert f"event of {first}" in [e.message for e in instance.all_logs(first)]


def test_wiping_deletes_every_run_and_storing_goes_on(home):
    with project_instance(home) as instance:
        before = hello.execute_in_process(instance=instance)
        instance.wipe()
        assert instance.all_logs(before.run_id) == []
        after = hello.execute_in_process(instance=instance)
        assert after.success
        assert "hello" in [e.message for e in instance.all_logs(after.run_id)]


def schema_of(path: Path) -> tuple:
    with sqlite3.connect(path) as db:
        return (
            sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()),
            db.execute("SELECT version_num FROM alembic_version").fetchall(),
            db.execute("PRAGMA journal_mode").fetchone(),
        )


def test_a_runs_database_is_copied_from_a_template_and_is_what_dagster_makes(home, tmp_path):
    runs = home / "history" / "runs"
    with project_instance(home) as instance:
        instance.event_log_storage  # noqa: B018 (opened: the template is made then, not in a run)
        assert (runs / TEMPLATE).exists()
        first = hello.execute_in_process(instance=instance)
        second = hello.execute_in_process(instance=instance)
        assert "hello" in [e.message for e in instance.all_logs(second.run_id)]
    assert not list(runs.glob("*.partial"))
    # Dagster's own storage makes a run's database from scratch: the copies hold the same.
    dagster_made = SqliteEventLogStorage(str(tmp_path / "dagster"))
    with dagster_made.run_connection("some-run"):
        pass
    expected = schema_of(tmp_path / "dagster" / "some-run.db")
    assert expected[1]  # stamped with Dagster's migration head
    assert schema_of(runs / f"{first.run_id}.db") == expected
    assert schema_of(runs / f"{second.run_id}.db") == expected
    # Dagster's list of runs from the event log counts the run databases only.
    with project_instance(home) as instance:
        run_ids = instance.event_log_storage.get_all_run_ids()
    assert sorted(run_ids) == sorted([first.run_id, second.run_id])
