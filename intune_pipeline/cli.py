"""`python -m intune_pipeline run|sync|check|suggest-mappings|settings-reference`: what the make
targets of those names do."""

import argparse
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, suppress
from pathlib import Path

import httpx

from intune_pipeline.commands import (
    check_integrations,
    selected,
    settings_reference,
    suggest_mappings,
    sync,
)
from intune_pipeline.defs.jobs import sync_job_name
from intune_pipeline.environment import connect
from intune_pipeline.errors import PipelineError
from intune_pipeline.settings import SETTINGS_VARIABLE, load_settings


def run(args) -> int:
    """The sandbox (when no credentials are set) and Dagster's webserver and daemon."""
    project = Path.cwd()
    with ExitStack() as stack:
        settings, sandbox = connect(args, stack, project)
        workspace = str(project / "workspace.yaml")
        dagster = subprocess.Popen(
            [
                *(str(Path(sys.executable).with_name("dagster")), "dev"),
                *("-w", workspace, "-h", "127.0.0.1", "-p", str(args.port)),
            ],
            env=settings,
            # Started in DAGSTER_HOME, where dagster.yaml is, so Dagster does not warn that the
            # project root's copy is unused.
            cwd=settings["DAGSTER_HOME"],
            # A process group of its own, so stop() reaches the webserver, daemon and code
            # servers it starts, however this process is told to end.
            start_new_session=True,
            preexec_fn=interruptible,
        )
        stack.callback(stop, dagster)
        url = f"http://127.0.0.1:{args.port}"
        wait_for_webserver(url, dagster)
        print(f"Dagster is up: {url}/asset-groups")
        if sandbox:
            integrations = load_settings(Path(settings[SETTINGS_VARIABLE]))
            for integration in selected(integrations, args.integration):
                launch_first_sync(args.port, url, sync_job_name(integration.name))
        return dagster.wait()


def interruptible() -> None:
    """In dagster dev's process before it starts: Ctrl-C's signal does what it does by default.

    A shell without job control starts `make run &` with that signal ignored, and dagster dev
    would inherit that: stop()'s SIGINT would do nothing, and everything would be killed 30 s
    later instead of shutting down.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_webserver(url: str, dagster: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if dagster.poll() is not None:
            raise PipelineError(f"dagster dev stopped with exit code {dagster.returncode}")
        try:
            if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise PipelineError(f"The Dagster webserver did not answer at {url} within {timeout:.0f} s")


def launch_first_sync(port: int, url: str, job: str) -> None:
    """A fresh sandbox gets a first sync, so the UI shows a completed run from the start."""
    from dagster_graphql import DagsterGraphQLClient

    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    run_id = client.submit_job_execution(
        job, repository_location_name="intune_pipeline", repository_name="__repository__"
    )
    print(f"First sync launched: {url}/runs/{run_id}")


def stop(process: subprocess.Popen) -> None:
    """Stop dagster dev and everything it started: Ctrl-C first (it shuts down cleanly on
    SIGINT, not on SIGTERM), then SIGKILL for whatever is left of its process group."""
    group = process.pid
    try:
        os.killpg(group, signal.SIGINT)
        process.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
    process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intune_pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "start the sandbox (without real credentials) and Dagster's UI and daemon"),
        ("sync", "run one headless sync and print a summary"),
        ("suggest-mappings", "print mappings for the Oomnitza fields not mapped yet, by label"),
        ("check", "try each integration's credentials and permissions; say what is missing"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--users", type=int, default=1000, help="sandbox tenant size")
        command.add_argument("--seed", type=int, default=1, help="sandbox tenant seed")
        command.add_argument(
            "--prefill", type=float, default=0.0, help="share of users already in Oomnitza"
        )
        command.add_argument("--integration", help="only this integration of the settings")
    commands.choices["run"].add_argument("--port", type=int, default=3000)
    reference = commands.add_parser("settings-reference", help="print every setting, documented")
    reference.add_argument("--write", type=Path, help="update the copy in this file (README.md)")
    args = parser.parse_args(argv)
    # A service manager's SIGTERM stops everything started here, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        commands = {
            "run": run,
            "sync": sync,
            "suggest-mappings": suggest_mappings,
            "settings-reference": settings_reference,
            "check": check_integrations,
        }
        return commands[args.command](args)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
