"""Oomnitza down for longer than the retry budget, in the middle of the upload.

The run fails as an ordinary step failure with a message that says what happened, marked for
the daemon's retry, and the run-failure alert names the load and the error. What was sent
before the outage is harmless: a re-run finishes the job and Oomnitza then holds exactly what
a run without the outage leaves.
"""

import re
import threading
import time

import dagster as dg

from intune_pipeline.defs.alerts.failures import failure_alert
from intune_pipeline_tests.fault_runs import held_records, synced_state, upload_posts
from intune_pipeline_tests.runs import sync

USERS, SEED = 400, 11  # the sandbox fixture's tenant


def outage_after(sandbox, posts: int) -> threading.Thread:
    """Every Oomnitza request answered 503 once posts batches have gone into the portion."""

    def watch():
        deadline = time.monotonic() + 120
        while upload_posts(sandbox) < posts and time.monotonic() < deadline:
            time.sleep(0.01)
        sandbox.set_faults("oomnitza", error_rate=1.0, retry_after=0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_an_outage_fails_the_load_clearly_and_a_rerun_finishes_it(sandbox_env, instance, tmp_path):
    sandbox = sandbox_env
    watcher = outage_after(sandbox, posts=3)
    failed = sync(instance, full_read=True, batch_size=10, concurrency=1)
    watcher.join()
    assert not failed.success
    [failure] = [event for event in failed.all_events if event.is_step_failure]
    assert failure.step_key == "intune_users__oomnitza_load"
    error = failure.step_failure_data.error
    while error.cause is not None:
        error = error.cause
    # The batch itself, or the cancel check Oomnitza's connector makes before each batch.
    assert re.search(
        r"Oomnitza (POST /api/v3/bulk|GET /api/v3/bulk/\S+) still failing after 8", error.message
    )
    assert "last problem: HTTP 503" in error.message
    partial = held_records(sandbox)
    assert 0 < len(partial) < 300, "the outage must come in the middle of the upload"

    run = instance.get_run_by_id(failed.run_id)
    assert run.status == dg.DagsterRunStatus.FAILURE
    assert run.tags["dagster/retry_on_asset_or_op_failure"] == "true"  # a transient failure
    alert = failure_alert(instance, run, "", "http://127.0.0.1:3000")
    assert alert.failed == "asset intune_users/oomnitza_load"
    assert "still failing after 8 attempts" in alert.error and "HTTP 503" in alert.error

    sandbox.set_faults("oomnitza", error_rate=0.0)
    rerun = sync(instance, full_read=True, batch_size=10, concurrency=1)
    assert rerun.success
    reference = synced_state(tmp_path / "reference", USERS, SEED)
    assert reference.success and held_records(sandbox) == reference.records
