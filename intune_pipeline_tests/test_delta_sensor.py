"""The Graph delta sensor: a sync requested once per change, and only when Graph reports one."""

import dagster as dg

from intune_pipeline.definitions import build_defs
from intune_pipeline_tests.runs import INTEGRATION, example_settings, sync

SENSOR = f"{INTEGRATION}_graph_changes"


def tick(defs: dg.Definitions, instance, cursor: str | None):
    """One evaluation, as the daemon makes it: what it asked for, and the cursor it kept."""
    sensor = defs.resolve_sensor_def(SENSOR)
    graph = f"{INTEGRATION}_graph"
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={graph: defs.resources[graph]}
    )
    data = sensor.evaluate_tick(context)
    return data.run_requests or [], data.cursor


def test_a_change_is_requested_once_and_nothing_is_asked_for_when_nothing_changed(
    sandbox_env, instance
):
    defs = build_defs(example_settings(delta_sensor={"enabled": True, "interval_seconds": 60}))
    requests, cursor = tick(defs, instance, None)
    assert requests == [] and cursor is None  # no sync has succeeded yet

    assert sync(instance).success
    requests, cursor = tick(defs, instance, None)
    assert requests == []  # Graph reports nothing new since the load

    sandbox_env.mutate_tenant(retitles=2, seed=3)
    [request], cursor = tick(defs, instance, cursor)
    assert defs.resolve_sensor_def(SENSOR).job_name == f"{INTEGRATION}_sync"
    requests, cursor = tick(defs, instance, cursor)
    assert requests == []  # the same change is not requested again

    sandbox_env.mutate_tenant(hires=1, seed=4)
    [again], cursor = tick(defs, instance, cursor)
    assert again.run_key != request.run_key


def test_a_delta_link_graph_no_longer_knows_requests_one_sync(sandbox_env, instance):
    defs = build_defs(example_settings(delta_sensor={"enabled": True}))
    assert sync(instance).success
    _, cursor = tick(defs, instance, None)
    sandbox_env.expire_delta_tokens()
    [request], cursor = tick(defs, instance, cursor)
    assert request.run_key.startswith("resync-") and cursor is None


def test_the_sensor_is_there_only_when_enabled():
    assert SENSOR not in {s.name for s in build_defs(example_settings()).sensors or []}
