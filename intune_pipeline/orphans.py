"""Runs whose process died: a headless sync killed mid-run is marked failed, not left running.

`make sync` runs jobs in its own process, out of reach of the daemon's run monitoring, so it
tags each run with its process id and, before the next sync, fails runs whose process is gone.
"""

import os

import dagster as dg

PID_TAG = "intune_pipeline/pid"
UNFINISHED = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def fail_orphaned_runs(instance: dg.DagsterInstance, job_name: str) -> list[str]:
    """Mark failed the job's unfinished headless runs whose process is gone; their ids."""
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=job_name, statuses=UNFINISHED))
    failed = []
    for run in runs:
        pid = run.tags.get(PID_TAG)
        if pid and pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            instance.report_run_failed(
                run,
                message=f"The process running it (pid {pid}) ended before the run finished: it "
                "was killed or crashed. A new sync picks up where it stopped.",
            )
            failed.append(run.run_id)
    return failed


def headless_tags() -> dict[str, str]:
    return {PID_TAG: str(os.getpid())}
