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
from intune_pipeline.settings import SETTINGS_VARIABLE, Settings, load_settings
from intune_pipeline.settings_values import Env
from intune_pipeline.users.smart_mapping import as_yaml, suggest


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


def check_integrations(args) -> int:
    """Each integration's credentials and permissions, tried against its endpoints."""
    from intune_pipeline.check import check

    with ExitStack() as stack:
        settings, _ = connect(args, stack, Path.cwd())
        os.environ.update(settings)
        integrations = load_settings(Path(settings[SETTINGS_VARIABLE]))
        wanted = integration_names(integrations, args.integration)
        failed = 0
        for integration in (i for i in integrations.integrations if i.name in wanted):
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


def integration_names(integrations: Settings, wanted: str | None) -> list[str]:
    names = [integration.name for integration in integrations.integrations]
    if wanted and wanted not in names:
        raise PipelineError(f"No integration {wanted!r} in the settings; there are {names}")
    return [wanted] if wanted else names
