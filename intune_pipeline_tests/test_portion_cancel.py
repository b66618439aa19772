"""A portion cancelled in Oomnitza mid-upload: the sync stops sending within about a second."""

import threading
import time

import httpx

from intune_pipeline.oomnitza.batches import CANCEL_CHECK_SECONDS
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import INTEGRATION, sync

RUNS = f"/api/v3/connector_run_logs/connectors/intune-pipeline {INTEGRATION}"


def cancel_the_upload(sandbox, after_posts: int) -> threading.Thread:
    """Once after_posts more batches went into the sync's portion than when it was first seen,
    cancels it as an operator would: the connector's run in progress that is not a test run
    (the load's rehearsal is)."""

    def watch():
        env = sandbox.env
        headers = {"Authorization2": env["OOMNITZA_API_TOKEN"]}
        deadline, seen_at = time.monotonic() + 120, None
        with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"], headers=headers) as http:
            while time.monotonic() < deadline:
                requests = sandbox.requests
                posts = sum(
                    1 for r in requests if r["method"] == "POST" and r["path"] == "/api/v3/bulk"
                )
                runs = http.get(env["OOMNITZA_URL"] + RUNS).raise_for_status().json()
                live = [run for run in runs if not run["test_run"] and not run["end_time"]]
                if live and seen_at is None:
                    seen_at = posts
                if live and posts - seen_at >= after_posts:
                    portion = live[0]["portion_correlation_id"]
                    url = f"{env['OOMNITZA_URL']}/_sandbox/portions/{portion}/cancel"
                    http.post(url).raise_for_status()
                    return
                time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_a_cancelled_portion_stops_the_upload_and_the_next_run_finishes(sandbox_env, instance):
    sandbox = sandbox_env
    sandbox.set_faults("oomnitza", latency=0.05)  # 40 batches one at a time: about 4 s
    watcher = cancel_the_upload(sandbox, after_posts=4)
    cancelled = sync(instance, full_read=True, batch_size=10, concurrency=1)
    watcher.join()
    load = materializations(cancelled)["oomnitza_load"]
    plan = materializations(cancelled)["oomnitza_sync_plan"]
    assert load["canceled"] is True
    # Stopped at the next check: within a second's batches (each at least 50 ms), not at the end.
    batches_per_check = CANCEL_CHECK_SECONDS / 0.05
    assert 40 <= load["sent"] <= 10 * (4 + batches_per_check + 2) < plan["create"]

    sandbox.set_faults("oomnitza", latency=0.0)
    again = materializations(sync(instance, full_read=True))
    assert again["oomnitza_load"]["canceled"] is False
    assert again["oomnitza_sync_plan"]["create"] == plan["create"] - load["added"]
