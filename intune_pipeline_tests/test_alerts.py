"""Alerts of failed runs, as real mail and webhook posts to receivers on 127.0.0.1."""

import dagster as dg
import pytest

from intune_pipeline.definitions import build_defs
from intune_pipeline.settings_sync import AlertSettings, ContactSettings, SmtpSettings
from intune_pipeline_tests.alert_receivers import (
    PASSWORD,
    SmtpServer,
    WebhookReceiver,
    smtp_settings,
)
from intune_pipeline_tests.runs import INTEGRATION, example_settings

UI = "http://dagster.example:3000"


@pytest.fixture
def receivers(tmp_path, monkeypatch):
    with SmtpServer(tmp_path) as smtp, WebhookReceiver() as hooks:
        monkeypatch.setenv("ALERT_SMTP_PASSWORD", PASSWORD)
        monkeypatch.setenv("TEAMS_WEBHOOK", f"{hooks.url}/teams/secret-path")
        monkeypatch.setenv("SLACK_WEBHOOK", f"{hooks.url}/slack/secret-path")
        yield smtp, hooks


def alerting_settings(smtp: SmtpServer, **changes):
    """The example settings with contacts on every channel and the mail server given."""
    contacts = ContactSettings.model_validate(
        {
            "emails": ["it-ops@example.com"],
            "teams_webhooks": [{"env": "TEAMS_WEBHOOK"}],
            "slack_webhooks": [{"env": "SLACK_WEBHOOK"}],
        }
    )
    settings = example_settings(contacts=contacts, **changes)
    server = SmtpSettings.model_validate(smtp_settings(smtp))
    return settings.model_copy(update={"alerts": AlertSettings(smtp=server, ui_url=UI)})


def run_and_alert(instance, settings) -> dg.DagsterRun:
    """One sync run, then the failure sensor evaluated on it as the daemon would."""
    defs = build_defs(settings)
    result = defs.resolve_job_def(f"{INTEGRATION}_sync").execute_in_process(
        instance=instance, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    sensor = defs.resolve_sensor_def("run_failure_alerts")
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    sensor(context)
    return result.dagster_run


def test_a_blocked_guard_is_reported_with_its_numbers_and_how_to_release_it(
    sandbox_env, instance, receivers
):
    smtp, hooks = receivers
    settings = alerting_settings(smtp, guards={"rejected_share": 0.0})
    run = run_and_alert(instance, settings)

    [mail] = smtp.mailbox.messages
    assert mail["Subject"] == f"[intune-pipeline] {INTEGRATION}: a guard blocked the load"
    assert mail["To"] == "it-ops@example.com"
    body = mail.get_content()
    assert (
        f"What failed: check rejected_share_under_threshold of {INTEGRATION}/oomnitza_users" in body
    )
    assert "Numbers: limit 0.0, read 400, rejected " in body
    assert "How to release:" in body and "guards.rejected_share" in body
    assert f"Run: {UI}/runs/{run.run_id}" in body
    [teams] = hooks.bodies("/teams/secret-path")
    card = teams["attachments"][0]["content"]
    facts = {fact["title"]: fact["value"] for fact in card["body"][1]["facts"]}
    assert facts["Run"] == f"{UI}/runs/{run.run_id}"
    assert facts["Integration"] == INTEGRATION
    [slack] = hooks.bodies("/slack/secret-path")
    assert "a guard blocked the load" in slack["text"] and run.run_id in slack["text"]


def test_a_failed_load_names_the_asset_and_the_error_in_one_line(
    sandbox_env, instance, receivers, monkeypatch
):
    smtp, hooks = receivers
    monkeypatch.setenv("OOMNITZA_API_TOKEN", "not-the-token")
    run_and_alert(instance, alerting_settings(smtp))
    [mail] = smtp.mailbox.messages
    assert mail["Subject"] == f"[intune-pipeline] {INTEGRATION}: {INTEGRATION}_sync failed"
    lines = mail.get_content().splitlines()
    assert any(line.startswith("What failed: asset intune_users/") for line in lines)
    [error] = [line for line in lines if line.startswith("Error: ")]
    assert "401" in error or "token" in error.lower()
    # Secrets stay out of what the contacts and the logs see.
    for post in hooks.posts:
        assert "secret-path" not in str(post[1])
    assert PASSWORD not in mail.as_string()
