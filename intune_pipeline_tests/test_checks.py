"""Asset checks on the Oomnitza user frame, in real runs against the sandbox."""

from intune_pipeline_tests.runs import evaluations, sync


def test_sync_keys_are_unique_and_the_colliding_users_are_named(sandbox_env, instance):
    result = sync(instance)
    assert result.success
    check = evaluations(result)["sync_keys_unique"]
    assert check.passed
    assert check.metadata["colliding_users_skipped"].value >= 2
    assert "@" in check.metadata["colliding"].value


def test_too_many_rejections_block_the_load_and_say_why(sandbox_env, instance):
    result = sync(instance, guards={"rejected_share": 0.0})
    assert not result.success
    check = evaluations(result)["rejected_share_under_threshold"]
    assert not check.passed
    assert "above the 0% limit" in check.description and "load is blocked" in check.description
    assert check.metadata["rejected"].value > 0
    assert "oomnitza_load" not in {
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
    }
    assert sandbox_env.oomnitza_users() == []


def test_a_draft_integration_runs_up_to_the_load_which_refuses_with_what_is_missing(
    sandbox_env, instance
):
    result = sync(instance, role=None)
    assert not result.success
    done = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert done == {
        "graph_users_raw",
        "graph_users",
        "oomnitza_users",
        "oomnitza_users_current",
        "oomnitza_sync_plan",
    }
    [failure] = [event for event in result.all_events if event.is_step_failure]
    error = failure.step_failure_data.error
    while error.cause is not None:
        error = error.cause
    assert "is in Draft and cannot load Oomnitza" in error.message
    assert "a Role (role: the id of an Oomnitza role" in error.message
    assert sandbox_env.oomnitza_users() == []


def test_a_role_oomnitza_does_not_know_stops_the_load_before_anything_is_written(
    sandbox_env, instance
):
    result = sync(instance, role=999)
    assert not result.success
    [failure] = [event for event in result.all_events if event.is_step_failure]
    error = failure.step_failure_data.error
    while error.cause is not None:
        error = error.cause
    assert "Oomnitza does not know the role 999, so nothing was written" in error.message
    assert sandbox_env.oomnitza_users() == []
    # A role it knows passes the same probe and the load goes ahead.
    assert sync(instance, role=30).success
    assert {user["role"] for user in sandbox_env.oomnitza_users()} == {30}
