"""A scheduled run that did not load in its window is told to the contacts once."""

import json

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
