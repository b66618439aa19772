"""`make sync` and `make run` as a newcomer uses them, each in processes of its own."""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import suppress
from functools import partial
from pathlib import Path

import httpx
import psutil
import pytest

from intune_pipeline_tests.dagster_ui import (
    ASSETS,
    PROJECT,
    RUNS,
    command,
    free_port,
    graphql,
    project_copy,
    start_run,
    without_credentials,
)


def test_sync_prints_counts_that_add_up_and_match_oomnitza(tmp_path):
    done = subprocess.run(
        command("sync", "--users", "1000", "--seed", "3"),
        cwd=project_copy(tmp_path),
        env=without_credentials(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counts = {
        name: int(count)
        for name, count in re.findall(r"^  (users read|\w+)\s+(\d+)$", done.stdout, re.M)
    }
    assert counts["users read"] == 1000
    accounted = ("created", "rejected", "filtered", "skipped", "failed")
    assert sum(counts[name] for name in accounted) == 1000
    held, linked = map(int, re.search(r"holds (\d+) users, (\d+) of them", done.stdout).groups())
    assert counts["created"] == held == linked
    assert counts["rejected"] > 0 and counts["skipped"] > 0
    assert (tmp_path / ".dagster_home" / "history").is_dir()


def test_sync_names_the_missing_settings_when_only_some_are_set(tmp_path):
    env = {**without_credentials(), "ENTRA_TENANT_ID": "x", "ENTRA_CLIENT_ID": "y"}
    done = subprocess.run(
        command("sync"), cwd=project_copy(tmp_path), env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert (
        "OOMNITZA_URL, OOMNITZA_API_TOKEN, ENTRA_CLIENT_SECRET or ENTRA_CLIENT_CERTIFICATE not set"
        in done.stderr
    )


ASSET_NODES = "{ assetNodes { assetKey { path } dependencyKeys { path } } }"


def test_run_shows_the_graph_and_a_completed_first_sync_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    output = tmp_path / "run.log"
    with output.open("wb") as log:  # the child writes to its own copy of the descriptor
        process = start_run(project_copy(tmp_path), 200, port, log)
    family = psutil.Process(process.pid)
    try:
        deadline = time.monotonic() + 180
        status = None
        while time.monotonic() < deadline and status not in ("SUCCESS", "FAILURE"):
            time.sleep(2)
            try:
                runs = graphql(port, RUNS)["runsOrError"]["results"]
            except httpx.TransportError:
                continue
            status = next((r["status"] for r in runs if r["jobName"] == "intune_users_sync"), None)
        assert status == "SUCCESS"
        nodes = {
            n["assetKey"]["path"][-1]: {d["path"][-1] for d in n["dependencyKeys"]}
            for n in graphql(port, ASSET_NODES)["assetNodes"]
        }
        assert set(nodes) == set(ASSETS)
        assert nodes["graph_users"] == {"graph_users_raw"}
        assert nodes["oomnitza_sync_plan"] == {
            "oomnitza_users",
            "oomnitza_users_current",
            "graph_users_raw",
        }
        assert nodes["oomnitza_load"] == {"oomnitza_sync_plan"}
        children = family.children(recursive=True)
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            # At worst stop() gives Dagster 30 s before killing it, and the sandbox 20 s.
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            left = [f"{p.pid} {p.status()}" for p in family.children(recursive=True)]
            os.killpg(process.pid, signal.SIGKILL)
            tail = output.read_text(errors="replace")[-3000:]
            pytest.fail(f"run outlived Ctrl-C by 90 s; its children {left}; its output:\n{tail}")
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"still running after Ctrl-C: {[p.cmdline() for p in alive]}"


def test_run_started_in_the_background_shuts_dagster_down_cleanly_on_sigterm(tmp_path):
    """A shell without job control starts `make run &` with Ctrl-C's signal ignored; a service
    manager's SIGTERM must still have Dagster shut down, not be killed when stop() gives up."""
    port = free_port()
    output = tmp_path / "run.log"
    with output.open("wb") as log:
        ignoring = partial(signal.signal, signal.SIGINT, signal.SIG_IGN)  # as `&` does
        process = start_run(project_copy(tmp_path), 50, port, log, ignoring)
    family = psutil.Process(process.pid)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and "Dagster is up" not in output.read_text():
            assert process.poll() is None, output.read_text()
            time.sleep(1)
        children = family.children(recursive=True)
        assert children, output.read_text()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, f"still running after SIGTERM: {[p.cmdline() for p in alive]}"
    assert "Dagster services shut down" in output.read_text()


def test_definitions_validate():
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("dagster")),
            "definitions",
            "validate",
            "-w",
            "workspace.yaml",
        ],
        cwd=PROJECT,
        env=without_credentials(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All code locations passed validation" in done.stdout + done.stderr
