"""The project's commands as a newcomer runs them, in processes of their own, and the Dagster
webserver they start, reached through its GraphQL API."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from intune_pipeline.cli import interruptible

PROJECT = Path(__file__).resolve().parents[1]
# The assets of the example settings' one integration, in the order of the flow.
ASSETS = [
    "graph_users_raw",
    "graph_users",
    "oomnitza_users",
    "oomnitza_users_current",
    "oomnitza_sync_plan",
    "oomnitza_load",
]
RUNS = "{ runsOrError { ... on Runs { results { runId jobName status startTime endTime } } } }"


def project_copy(tmp_path: Path) -> Path:
    """A directory with the root files the commands read, so the test leaves the project alone."""
    for name in ("dagster.yaml", "workspace.yaml", "integrations.yaml"):
        shutil.copy(PROJECT / name, tmp_path / name)
    return tmp_path


def without_credentials() -> dict[str, str]:
    """The environment without any of the project's settings, as on a newcomer's machine."""
    ours = ("ENTRA_", "GRAPH_", "OOMNITZA_", "INTUNE_PIPELINE_", "DAGSTER_HOME")
    return {name: value for name, value in os.environ.items() if not name.startswith(ours)}


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "intune_pipeline", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=30)
    response.raise_for_status()
    return response.json()["data"]


def runs(port: int) -> list[dict]:
    """Every run, newest first."""
    return graphql(port, RUNS)["runsOrError"]["results"]


def wait_for_runs(port: int, count: int, timeout: float = 180) -> list[dict]:
    """The runs, once there are count of them and none is queued or in progress."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = runs(port)
        except httpx.TransportError:
            found = []
        if len(found) >= count and all(r["status"] in ("SUCCESS", "FAILURE") for r in found):
            return found
        time.sleep(1)
    raise AssertionError(f"runs did not finish in {timeout:.0f} s: {found}")


def wait_for(condition, timeout: float, what: str):
    """condition()'s first true value, asked every second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"no {what} within {timeout:.0f} s")


@contextmanager
def make_run(project: Path, users: int):
    """`make run` on a fresh project (the sandbox, Dagster, a first sync); its port and process.

    Whatever happens, Ctrl-C then SIGKILL stop its whole process group.
    """
    port = free_port()
    process = start_run(project, users, port, subprocess.DEVNULL)
    try:
        yield port, process
    finally:
        stop_group(process)


def start_run(project: Path, users: int, port: int, output, preexec_fn=interruptible):
    """`python -m intune_pipeline run` without credentials, its output (stdout and stderr) to
    output, in a process group of its own, as a terminal's foreground job. Ctrl-C does what it
    does by default there (interruptible), even where the tests were started with it ignored (a
    background `.ci/run &` from a shell without job control): inherited, run ignored it."""
    return subprocess.Popen(
        command("run", "--users", str(users), "--port", str(port)),
        cwd=project,
        env=without_credentials(),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=preexec_fn,
    )


def stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
