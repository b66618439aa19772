"""The safety guards: each trips with its numbers, blocks the load, and is released for a run."""

import httpx

from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import evaluations, sync


def test_a_shrunken_source_blocks_the_load_until_released(sandbox_env, instance):
    sync(instance)
    before = sandbox_env.oomnitza_users()
    sandbox_env.mutate_tenant(leavers=120, seed=4)
    blocked = sync(instance, full_read=True)
    check = evaluations(blocked)["source_shrink"]
    assert not check.passed
    assert "Graph returned 280 users; the last successful full read returned 400" in (
        check.description
    )
    assert "approve: [source_shrink]" in check.description
    assert "oomnitza_load" not in materializations(blocked)
    assert sandbox_env.oomnitza_users() == before
    released = sync(instance, full_read=True, approve=("source_shrink",))
    assert evaluations(released)["source_shrink"].passed
    assert "Released for this run" in evaluations(released)["source_shrink"].description
    assert "oomnitza_load" in materializations(released)
    # The release was for one run: the next full read compares with 280 and passes on its own.
    assert evaluations(sync(instance, full_read=True))["source_shrink"].passed


def test_mass_updates_block_the_load_until_released(sandbox_env, instance):
    limits = {"updates": {"count": 3, "share": 0.01}}
    sync(instance, guards=limits)
    changed = sandbox_env.mutate_tenant(retitles=8, seed=2)["retitles"]
    blocked = sync(instance, guards=limits)
    check = evaluations(blocked)["mass_change"]
    planned = materializations(blocked)["oomnitza_sync_plan"]["update"]
    assert 3 < planned <= len(changed)  # a retitled user may be one skipped for a shared address
    assert not check.passed and check.metadata["update"].value == planned
    assert f"{planned} to update of 383 managed users (over the limit of 3 and 1%)" in (
        check.description
    )
    assert "oomnitza_load" not in materializations(blocked)
    # A blocked run keeps the delta cursor, so the released run sees the same changes.
    released = materializations(sync(instance, guards=limits, approve=("mass_change",)))
    assert released["oomnitza_load"]["updated"] == planned


def test_a_high_failure_rate_in_a_test_run_of_the_first_records_stops_the_load_unwritten(
    sandbox_env, instance
):
    # Oomnitza already holds records with the users' usernames, so creating them fails.
    graph_users = [u for u in sandbox_env.graph_users if u.get("mail")][:250]
    env = sandbox_env.env
    with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"]) as http:
        for user in graph_users:
            answer = http.post(
                f"{env['OOMNITZA_URL']}/api/v3/users",
                headers={"Authorization2": env["OOMNITZA_API_TOKEN"]},
                json={
                    "username": user["userPrincipalName"],
                    "email": f"x.{user['mail']}",
                    "role": 25,
                },
            )
            assert answer.status_code == 200, answer.text
    guards = {"failure_rate": {"share": 0.4, "sample": 100}}
    held = sandbox_env.oomnitza_users()
    stopped = sync(instance, guards=guards, batch_size=50)
    assert not stopped.success
    [failure] = [e for e in stopped.all_events if e.is_step_failure]
    told = failure.step_failure_data.user_failure_data
    assert told.description.startswith("The failure_rate guard stopped the upload")
    assert "failed 100 of the first 100 records in a test run" in told.description
    assert "Nothing was written" in told.description
    assert "approve: [failure_rate]" in told.description
    assert told.metadata["failed"].value == 100
    assert sandbox_env.oomnitza_users() == held
    released = materializations(
        sync(instance, guards=guards, batch_size=50, approve=("failure_rate",))
    )
    load = released["oomnitza_load"]
    assert load["failed"] >= 200 and load["added"] > 100
    assert load["sent"] == load["added"] + load["failed"] + load["updated"] + load["unchanged"]
