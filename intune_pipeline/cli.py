"""`python -m intune_pipeline run|sync|suggest-mappings`: what the make targets of that name do."""

import argparse
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, redirect_stdout
from pathlib import Path

import httpx

from intune_pipeline.defs.jobs import sync_job_name
from intune_pipeline.defs.oomnitza.resources import oomnitza_resources
from intune_pipeline.environment import (
    SandboxProcess,
    configured_settings,
    dagster_home,
    uses_sandbox,
)
from intune_pipeline.errors import PipelineError
from intune_pipeline.oomnitza import user_fields
from intune_pipeline.settings import SETTINGS_VARIABLE, Settings, load_settings, settings_path
from intune_pipeline.settings_values import Env
from intune_pipeline.users.smart_mapping import as_yaml, suggest


def connect(args, stack: ExitStack, project: Path) -> tuple[dict[str, str], bool]:
    """The settings to run with, starting a sandbox for the command's lifetime when none are set."""
    settings = configured_settings(project)
    sandbox = uses_sandbox(settings)
    if sandbox:
        print(
            f"No real credentials configured: starting the local sandbox with {args.users} "
            f"generated users (seed {args.seed})."
        )
        process = stack.enter_context(
            SandboxProcess(
                project / ".sandbox", users=args.users, seed=args.seed, prefill=args.prefill
            )
        )
        settings.update(process.settings)
    settings["DAGSTER_HOME"] = str(dagster_home(project))
    settings.setdefault(SETTINGS_VARIABLE, str(settings_path(project).resolve()))
    return settings, sandbox


def sync(args) -> int:
    """One headless run of each integration's sync job, recorded in the project's instance."""
    project = Path.cwd()
    with ExitStack() as stack:
        settings, _ = connect(args, stack, project)
        os.environ.update(settings)
        # Imported only now: the definitions read the settings file and environment on load.
        from dagster import DagsterInstance

        from intune_pipeline.definitions import build_defs
        from intune_pipeline.orphans import fail_orphaned_runs, headless_tags
        from intune_pipeline.summary import oomnitza_holdings, run_summary

        integrations = load_settings(Path(settings[SETTINGS_VARIABLE]))
        defs = build_defs(integrations)
        failed = 0
        with DagsterInstance.get() as instance:
            for name in integration_names(integrations, args.integration):
                job = defs.resolve_job_def(sync_job_name(name))
                for run_id in fail_orphaned_runs(instance, job.name):
                    print(f"Run {run_id} of {job.name} was killed before it finished.")
                result = job.execute_in_process(
                    instance=instance, raise_on_error=False, tags=headless_tags()
                )
                print(run_summary(result))
                print(oomnitza_holdings(defs, name))
                failed += not result.success
        return 1 if failed else 0


def suggest_mappings(args) -> int:
    """Mappings for the Oomnitza user fields each integration leaves unmapped, as YAML."""
    with ExitStack() as stack:
        with redirect_stdout(sys.stderr):  # the sandbox's note is no part of the YAML
            settings, _ = connect(args, stack, Path.cwd())
        os.environ.update(settings)
        integrations = load_settings(Path(settings[SETTINGS_VARIABLE]))
        wanted = integration_names(integrations, args.integration)
        for integration in (i for i in integrations.integrations if i.name in wanted):
            with oomnitza_resources(integration)["oomnitza"].client() as client:
                fields = user_fields(client)
            field = integration.oomnitza.intune_user_id_field
            field = os.environ.get(field.env) if isinstance(field, Env) else field
            found = suggest(fields, integration.all_mappings(), field)
            print(as_yaml(found, integration.name))
        return 0


def settings_reference(args) -> int:
    """The settings reference, generated from the settings model."""
    from intune_pipeline.settings_reference import reference, write

    if args.write:
        print(f"{args.write}: {'updated' if write(args.write) else 'up to date'}")
    else:
        print(reference(), end="")
    return 0


def integration_names(integrations: Settings, wanted: str | None) -> list[str]:
    names = [integration.name for integration in integrations.integrations]
    if wanted and wanted not in names:
        raise PipelineError(f"No integration {wanted!r} in the settings; there are {names}")
    return [wanted] if wanted else names


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
        )
        stack.callback(stop, dagster)
        url = f"http://127.0.0.1:{args.port}"
        wait_for_webserver(url, dagster)
        print(f"Dagster is up: {url}/asset-groups")
        if sandbox:
            integrations = load_settings(Path(settings[SETTINGS_VARIABLE]))
            for name in integration_names(integrations, args.integration):
                launch_first_sync(args.port, url, sync_job_name(name))
        return dagster.wait()


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
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intune_pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("run", "start the sandbox (without real credentials) and Dagster's UI and daemon"),
        ("sync", "run one headless sync and print a summary"),
        ("suggest-mappings", "print mappings for the Oomnitza fields not mapped yet, by label"),
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
        }
        return commands[args.command](args)
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
