"""One sync through the real Dagster job, in this process: `python -m benchmarks.sync_run`.

Run by the benchmark in a child process with the sandbox's settings in the environment; prints
one JSON object: wall times, the run's CPU time, each step's time from the run's event log, peak
RSS, records sent.
"""

import time

STARTED = time.monotonic()  # before Dagster is imported: its import is part of a run's cost

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import dagster as dg  # noqa: E402

from intune_pipeline.defs.jobs import sync_job_name  # noqa: E402
from intune_pipeline.settings import load_settings  # noqa: E402
from intune_pipeline.summary import materializations  # noqa: E402

INTEGRATION = "intune_users"


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Start to success (or failure) of each step, from the run's event log."""
    began, took = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        name = event.step_key.removeprefix(f"{INTEGRATION}__")
        if event.is_step_start:
            began[name] = entry.timestamp
        elif event.is_step_success or event.is_step_failure:
            took[name] = round(entry.timestamp - began[name], 3)
    return took


def main() -> int:
    from intune_pipeline.definitions import build_defs

    loaded = time.monotonic()
    defs = build_defs(load_settings(Path(os.environ["INTUNE_PIPELINE_SETTINGS"])))
    job = defs.resolve_job_def(sync_job_name(INTEGRATION))
    with dg.DagsterInstance.get() as instance:
        begun, cpu_begun = time.monotonic(), time.process_time()
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        ended, cpu_ended = time.monotonic(), time.process_time()
        steps = step_seconds(instance, result.run_id)
    assets = materializations(result)
    report = {
        "success": result.success,
        "process_seconds": round(ended - STARTED, 3),
        "import_seconds": round(loaded - STARTED, 3),
        "run_seconds": round(ended - begun, 3),
        "cpu_seconds": round(cpu_ended - cpu_begun, 2),  # every thread's, of the run alone
        "steps": steps,
        "read": assets.get("graph_users_raw", {}).get("dagster/row_count", 0),
        "sent": assets.get("oomnitza_load", {}).get("sent", 0),
        # Oomnitza's records read for the plan: all of them, or those changed since the last load.
        "oomnitza_read": assets.get("oomnitza_users_current", {}).get("records_read", 0),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(report))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
