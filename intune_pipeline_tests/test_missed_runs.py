"""A scheduled run that did not load in its window is told to the contacts once."""

import json
import time

import dagster as dg

from intune_pipeline.definitions import build_defs
from intune_pipeline_tests.runs import INTEGRATION, sync
from intune_pipeline_tests.test_alerts import alerting_settings, receivers  # noqa: F401

SENSOR = f"{INTEGRATION}_missed_run_alerts"


def tick(defs, instance, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    return defs.resolve_sensor_def(SENSOR).evaluate_tick(context).cursor


def every_minute(smtp):
    settings = alerting_settings(smtp, schedule={"cron": "* * * * *", "timezone": "UTC"})
    # A run is due within 6 seconds, so the last minute's run is already late.
    alerts = settings.alerts.model_copy(update={"max_runtime_hours": 6 / 3600})
    return settings.model_copy(update={"alerts": alerts})


def test_no_successful_load_in_the_window_is_told_once(sandbox_env, instance, receivers):  # noqa: F811
    smtp, hooks = receivers
    defs = build_defs(every_minute(smtp))
    first = tick(defs, instance, None)
    assert smtp.mailbox.messages == []  # times before the sensor first looked do not count

    earlier = json.dumps({"due": json.loads(first)["due"] - 120})
    cursor = tick(defs, instance, earlier)
    [mail] = smtp.mailbox.messages
    assert mail["Subject"] == f"[intune-pipeline] {INTEGRATION}: a scheduled run did not run"
    assert "No successful oomnitza_load since the run scheduled for" in mail.get_content()
    assert len(hooks.bodies("/slack/secret-path")) == 1

    tick(defs, instance, cursor)
    assert len(smtp.mailbox.messages) == 1  # told once, not on every tick


def test_a_load_in_the_window_is_not_an_alert(sandbox_env, instance, receivers):  # noqa: F811
    smtp, _ = receivers
    defs = build_defs(every_minute(smtp))
    due = json.loads(tick(defs, instance, None))["due"]
    assert sync(instance).success
    tick(defs, instance, json.dumps({"due": due - 120}))
    assert smtp.mailbox.messages == []


def failed_tick(instance, error: str) -> None:
    """A failed tick of the schedule, recorded as the daemon records one."""
    from dagster._core.remote_origin import (
        InProcessCodeLocationOrigin,
        RemoteInstigatorOrigin,
        RemoteRepositoryOrigin,
    )
    from dagster._core.scheduler.instigation import (
        InstigatorState,
        InstigatorStatus,
        InstigatorType,
        ScheduleInstigatorData,
        TickData,
        TickStatus,
    )
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster_shared.error import SerializableErrorInfo

    location = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(module_name="intune_pipeline.definitions"), location_name="here"
    )
    origin = RemoteInstigatorOrigin(
        RemoteRepositoryOrigin(location, "__repository__"), f"{INTEGRATION}_schedule"
    )
    state = InstigatorState(
        origin,
        InstigatorType.SCHEDULE,
        InstigatorStatus.DECLARED_IN_CODE,
        ScheduleInstigatorData("* * * * *"),
    )
    instance.add_instigator_state(state)
    instance.create_tick(
        TickData(
            instigator_origin_id=state.instigator_origin_id,
            instigator_name=state.name,
            instigator_type=InstigatorType.SCHEDULE,
            status=TickStatus.FAILURE,
            timestamp=time.time(),
            error=SerializableErrorInfo(error, [], "DagsterUserCodeUnreachableError"),
            selector_id=state.selector_id,
        )
    )


def test_a_failed_schedule_tick_is_told_once(sandbox_env, instance, receivers):  # noqa: F811
    smtp, _ = receivers
    defs = build_defs(every_minute(smtp))
    cursor = tick(defs, instance, None)
    failed_tick(instance, "Could not reach the code server")
    cursor = tick(defs, instance, cursor)
    [mail] = smtp.mailbox.messages
    assert mail["Subject"] == f"[intune-pipeline] {INTEGRATION}: a scheduled run did not run"
    body = mail.get_content()
    assert f"What failed: schedule {INTEGRATION}_schedule (1 failed tick(s))" in body
    assert "Error: Could not reach the code server" in body
    tick(defs, instance, cursor)
    assert len(smtp.mailbox.messages) == 1
