"""The newer settings, each with a mistake: one clear error per mistake, with its line.

Guards, deactivation, contacts, alerts, record types, SaaS, concurrency, the delta sensor and
mappings with clear_when_blank, on top of test_settings.py's older ones.
"""

import re

import pytest

from intune_pipeline.errors import ConfigError
from intune_pipeline.settings import load_settings

MISTAKES = """\
integrations:
  - name: contoso
    graph: {tenant_id: t, client_id: c, client_secret: {env: SECRET}}
    oomnitza: {url: https://x.oomnitza.com, api_token: {env: TOKEN}, intune_user_id_field: f1}
    record_types: users_and_groups
    saas: {application: Intune, vendor: Microsoft}
    concurrency: 64
    deactivation: {enabled: maybe, missing: true, disabled: sometimes}
    guards:
      rejected_share: 1.5
      source_shrink: -0.1
      updates: {count: -1, share: 0.2}
      deactivations: {share: 0.05}
      failure_rate: {share: 0.4, sample: 0}
    contacts:
      emails: [ops@contoso.com, not-an-address]
      teams_webhooks: [https://contoso.webhook.office.com/abc]
      slack_webhooks: [{env: SLACK}]
      pager: [1234]
    delta_sensor: {enabled: true, interval_seconds: 5}
    mappings:
      phone_number: {property: mobilePhone, clear_when_blank: sometimes}
      position: {property: jobTitle, clear_when_blank: true}
alerts:
  smtp:
    host: mail.contoso.com
    port: 70000
    security: none
    password: hunter2
    sender: alerts
  max_runtime_hours: 0
  ui_url: 3000
"""

EXPECTED = {
    (5, "integrations[0].record_types", "Input should be 'user' or 'user_and_saas_user'"),
    (6, "integrations[0].saas.vendor", "is not a setting; check its spelling and indentation"),
    (7, "integrations[0].concurrency", "Input should be less than or equal to 16"),
    (8, "integrations[0].deactivation.enabled", "'maybe' is not true or false"),
    (8, "integrations[0].deactivation.disabled", "'sometimes' is not true or false"),
    (10, "integrations[0].guards.rejected_share", "Input should be less than or equal to 1"),
    (11, "integrations[0].guards.source_shrink", "Input should be greater than or equal to 0"),
    (12, "integrations[0].guards.updates.count", "Input should be greater than or equal to 0"),
    (13, "integrations[0].guards.deactivations.count", "is required but missing"),
    (
        14,
        "integrations[0].guards.failure_rate.sample",
        "Input should be greater than or equal to 1",
    ),
    (
        16,
        "integrations[0].contacts.emails[1]",
        "'not-an-address' is not an e-mail address; give one such as ops@example.com",
    ),
    (
        17,
        "integrations[0].contacts.teams_webhooks[0]",
        "a secret is never written in the settings file: write {env: VARIABLE_NAME} and set "
        "that variable where the pipeline runs",
    ),
    (19, "integrations[0].contacts.pager", "is not a setting; check its spelling and indentation"),
    (
        20,
        "integrations[0].delta_sensor.interval_seconds",
        "Input should be greater than or equal to 30",
    ),
    (
        22,
        "integrations[0].mappings",
        "mapping 'phone_number': clear_when_blank is true or false",
    ),
    (27, "alerts.smtp.port", "Input should be less than or equal to 65535"),
    (
        28,
        "alerts.smtp.security",
        "mail to a server other than this machine must be encrypted: use starttls or ssl",
    ),
    (
        29,
        "alerts.smtp.password",
        "a secret is never written in the settings file: write {env: VARIABLE_NAME} and set "
        "that variable where the pipeline runs",
    ),
    (
        30,
        "alerts.smtp.sender",
        "'alerts' is not an e-mail address; give one such as ops@example.com",
    ),
    (31, "alerts.max_runtime_hours", "Input should be greater than 0"),
    (32, "alerts.ui_url", "Input should be a valid string"),
}


def test_every_mistake_in_the_newer_settings_gets_one_clear_error(tmp_path):
    path = tmp_path / "integrations.yaml"
    path.write_text(MISTAKES)
    with pytest.raises(ConfigError) as mistakes:
        load_settings(path)
    header, *lines = str(mistakes.value).splitlines()
    assert header == f"{len(EXPECTED)} mistakes in the settings:"
    found = set()
    for line in lines:
        match = re.fullmatch(rf"  {re.escape(str(path))}:(\d+): (\S+): (.*)", line)
        assert match, line
        found.add((int(match[1]), match[2], match[3]))
    assert found == EXPECTED
    # The secrets written in the file are not repeated back in the errors.
    assert "hunter2" not in str(mistakes.value)
    assert "contoso.webhook.office.com" not in str(mistakes.value)
