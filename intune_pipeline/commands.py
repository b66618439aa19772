"""The one-shot commands: sync, suggest-mappings, check and settings-reference."""

import os
import sys
from contextlib import ExitStack, redirect_stdout
from pathlib import Path

from intune_pipeline.defs.jobs import sync_job_name
from intune_pipeline.defs.oomnitza.resources import oomnitza_resources
from intune_pipeline.environment import connect
from intune_pipeline.errors import PipelineError
from intune_pipeline.oomnitza import user_fields
from intune_pipeline.settings import SETTINGS_VARIABLE, Integration, Settings, load_settings
from intune_pipeline.users.smart_mapping import as_yaml, suggest


def sync(args) -> int:
    """One headless run of each integration's sync job, recorded in the project's instance."""
    with ExitStack() as stack:
        integrations = configured(args, stack)
        # Imported only now: the definitions read the settings file and environment on load.
        from dagster import DagsterInstance

        from intune_pipeline.definitions import build_defs
        from intune_pipeline.orphans import fail_orphaned_runs, headless_tags
        from intune_pipeline.summary import oomnitza_holdings, run_summary

        defs = build_defs(integrations)
        failed = 0
        with DagsterInstance.get() as instance:
            for integration in selected(integrations, args.integration):
                name = integration.name
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
            integrations = configured(args, stack)
        for integration in selected(integrations, args.integration):
            resources = oomnitza_resources(integration)
            with resources["oomnitza"].client() as client:
                fields = user_fields(client)
            field = resources["integration"].intune_field()
            found = suggest(fields, integration.all_mappings(), field)
            print(as_yaml(found, integration.name))
        return 0


def check_integrations(args) -> int:
    """Each integration's credentials and permissions, tried against its endpoints."""
    from intune_pipeline.check import check

    with ExitStack() as stack:
        integrations = configured(args, stack)
        failed = 0
        for integration in selected(integrations, args.integration):
            print(integration.name)
            for finding in check(integration):
                print(finding)
                failed += not finding.ok
        print("Everything needed is in place." if not failed else f"{failed} check(s) failed.")
        return 1 if failed else 0


def settings_reference(args) -> int:
    """The settings reference, generated from the settings model."""
    from intune_pipeline.settings_reference import reference, write

    if args.write:
        print(f"{args.write}: {'updated' if write(args.write) else 'up to date'}")
    else:
        print(reference(), end="")
    return 0


def configured(args, stack: ExitStack) -> Settings:
    """The settings file, with the connection settings (a sandbox's, if none are set) in the
    environment for as long as the stack lasts."""
    settings, _ = connect(args, stack, Path.cwd())
    os.environ.update(settings)
    return load_settings(Path(settings[SETTINGS_VARIABLE]))


def selected(integrations: Settings, wanted: str | None) -> list[Integration]:
    """The integration called wanted (all of them when None)."""
    names = [integration.name for integration in integrations.integrations]
    if wanted and wanted not in names:
        raise PipelineError(f"No integration {wanted!r} in the settings; there are {names}")
    return [i for i in integrations.integrations if wanted in (None, i.name)]
