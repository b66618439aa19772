"""A real `dagster dev` (webserver and daemon) on 127.0.0.1 with alerts to a real SMTP server
and webhook receiver: a sync succeeds, one fails on purpose, one overruns; the alerts arrive."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml
from dagster_graphql import DagsterGraphQLClient

from intune_pipeline.cli import interruptible
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.alert_receivers import (
    PASSWORD,
    SmtpServer,
    WebhookReceiver,
    smtp_settings,
)
from intune_pipeline_tests.dagster_ui import (
    free_port,
    graphql,
    wait_for,
    without_credentials,
)

PROJECT = Path(__file__).resolve().parents[1]
JOB = "intune_users_sync"
RUNS = "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }"


def settings_file(tmp_path: Path, smtp: SmtpServer, ui_url: str) -> Path:
    settings = yaml.safe_load((PROJECT / "integrations.yaml").read_text())
    settings["integrations"][0]["contacts"] = {
        "emails": ["it-ops@example.com"],
        "teams_webhooks": [{"env": "TEAMS_WEBHOOK"}],
        "slack_webhooks": [{"env": "SLACK_WEBHOOK"}],
    }
    settings["alerts"] = {
        "ui_url": ui_url,
        "smtp": smtp_settings(smtp),
    }
    path = tmp_path / "integrations.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


def dagster_home(tmp_path: Path) -> Path:
    """The project's dagster.yaml, with run monitoring looking every second."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    instance = yaml.safe_load((PROJECT / "dagster.yaml").read_text())
    instance["run_monitoring"]["poll_interval_seconds"] = 1
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance))
    shutil.copy(PROJECT / "workspace.yaml", home / "workspace.yaml")
    return home


@pytest.fixture
def dagster_dev(tmp_path):
    """Sandbox, receivers and `dagster dev`; everything started is stopped, whatever happens."""
    port = free_port()
    with (
        Sandbox(SandboxConfig(users=200, seed=2, state_dir=tmp_path / "sandbox")) as sandbox,
        SmtpServer(tmp_path) as smtp,
        WebhookReceiver() as hooks,
    ):
        home = dagster_home(tmp_path)
        env = {
            **without_credentials(),
            **sandbox.env,
            "DAGSTER_HOME": str(home),
            "INTUNE_PIPELINE_SETTINGS": str(
                settings_file(tmp_path, smtp, f"http://127.0.0.1:{port}")
            ),
            "ALERT_SMTP_PASSWORD": PASSWORD,
            "TEAMS_WEBHOOK": f"{hooks.url}/teams/secret-path",
            "SLACK_WEBHOOK": f"{hooks.url}/slack/secret-path",
        }
        dagster = Path(sys.executable).with_name("dagster")
        process = subprocess.Popen(
            [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=home,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "dagster.log").open("w"),
            start_new_session=True,
            preexec_fn=interruptible,
        )
        family = psutil.Process(process.pid)
        try:
            yield port, sandbox, smtp, hooks
        finally:
            children = family.children(recursive=True)
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            _, alive = psutil.wait_procs(children, timeout=30)
            for leftover in alive:
                leftover.kill()


def test_a_sync_succeeds_and_failed_and_overrun_runs_reach_the_contacts(dagster_dev):
    port, sandbox, smtp, hooks = dagster_dev
    wait_for(lambda: up(port), 180, "webserver")
    client = DagsterGraphQLClient("127.0.0.1", port_number=port)

    def launch(tags=None) -> str:
        return client.submit_job_execution(
            JOB,
            repository_location_name="intune_pipeline",
            repository_name="__repository__",
            tags=tags,
        )

    def finished(run_id: str):
        status = client.get_run_status(run_id).value
        return status if status in ("SUCCESS", "FAILURE", "CANCELED") else None

    synced = launch()
    assert wait_for(lambda: finished(synced), 180, "first sync") == "SUCCESS"
    assert smtp.mailbox.messages == []

    # Oomnitza throttles everything: transient, so retried twice, then told once.
    sandbox.set_faults("oomnitza", throttle_rate=1.0, retry_after=0.01)
    first = launch()
    mail = wait_for(lambda: smtp.mailbox.messages[:1], 240, "failure alert")[0]
    runs = graphql(port, RUNS)["runsOrError"]["results"]
    group = [
        r
        for r in runs
        if r["runId"] == first or {"key": "dagster/root_run_id", "value": first} in r["tags"]
    ]
    assert [r["status"] for r in group] == ["FAILURE"] * 3
    last = next(
        r["runId"] for r in group if {"key": "dagster/retry_number", "value": "2"} in r["tags"]
    )
    body = mail.get_content()
    assert mail["Subject"] == f"[intune-pipeline] intune_users: {JOB} failed"
    assert "What failed: asset intune_users/" in body and "429" in body
    assert f"Run: http://127.0.0.1:{port}/runs/{last}" in body
    assert len(hooks.bodies("/teams/secret-path")) == len(hooks.bodies("/slack/secret-path")) == 1
    sandbox.set_faults("oomnitza", throttle_rate=0.0)

    # Graph so slow that the run passes its maximum runtime: run monitoring stops it.
    sandbox.set_faults("graph", latency=15.0)
    overrun = launch({"dagster/max_runtime": "3"})
    assert wait_for(lambda: finished(overrun), 120, "overrun stopped") == "FAILURE"
    mail = wait_for(lambda: smtp.mailbox.messages[1:2], 60, "overrun alert")[0]
    assert "did not complete in time" in mail["Subject"]
    assert "Exceeded maximum runtime of 3 seconds" in mail.get_content()
    time.sleep(20)  # a sensor tick or two later: still one alert per run
    assert len(smtp.mailbox.messages) == 2
    assert all("secret-path" not in str(body) for _, body in hooks.posts)


def up(port: int) -> bool:
    try:
        graphql(port, "{ version }")
    except Exception:
        return False
    return True
