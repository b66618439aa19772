"""A portion cancelled in Oomnitza mid-upload: the sync stops sending within about a second."""

import threading
import time

import httpx

from intune_pipeline.oomnitza.batches import CANCEL_CHECK_SECONDS
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import sync

PREFIX = "/api/v3/bulk/"


def cancel_the_upload(sandbox, after_posts: int) -> threading.Thread:
    """Once after_posts batches went in, cancels the sync's real portion (the second one asked
    about; the first is the role probe's test run) as an operator would."""

    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            requests = sandbox.requests
            posts = sum(
                1 for r in requests if r["method"] == "POST" and r["path"] == "/api/v3/bulk"
            )
            gets = [
                r["path"][len(PREFIX) :]
                for r in requests
                if r["method"] == "GET" and r["path"].startswith(PREFIX)
            ]
            portions = list(dict.fromkeys(p for p in gets if "/" not in p))
            if len(portions) == 2 and posts >= after_posts:
                env = sandbox.env
                with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"]) as http:
                    url = f"{env['OOMNITZA_URL']}/_sandbox/portions/{portions[1]}/cancel"
                    http.post(url).raise_for_status()
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def test_a_cancelled_portion_stops_the_upload_and_the_next_run_finishes(sandbox_env, instance):
    sandbox = sandbox_env
    sandbox.set_faults("oomnitza", latency=0.05)  # 40 batches one at a time: about 4 s
    watcher = cancel_the_upload(sandbox, after_posts=5)
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
