"""The settings file: defaults, Draft and launch, schedules, and one clear error per mistake."""

import re
from pathlib import Path

import pytest

from intune_pipeline.definitions import build_defs
from intune_pipeline.errors import ConfigError
from intune_pipeline.settings import load_settings
from intune_pipeline.settings_mappings import custom_mappings
from intune_pipeline.settings_reference import reference, with_reference

MINIMAL = """\
integrations:
  - name: contoso
    graph: {tenant_id: t, client_id: c, client_secret: {env: SECRET}}
    oomnitza: {url: https://x.oomnitza.com, api_token: {env: TOKEN}, intune_user_id_field: f1}
"""

MISTAKES = """\
integrations:
  - name: Contoso Users
    launched: yes
    graph:
      cloud: germany
      tenant_id: 1234
      client_id: {env: ENTRA_CLIENT_ID}
      client_secret: hunter2
    users:
      scope: group
      filter: accountEnabled = true
    oomnitza:
      url: {env: OOMNITZA_URL}
      api_token: {env: OOMNITZA_API_TOKEN}
      intune_user_id_field: abc
    mappings:
      position: {property: jobTitle, transforms: [lowr]}
    role: banana
    sync_keys: [email, email]
    schedule: {cron: "61 3 * * *", timezone: Mars/Base}
    guards: {rejected_share: 2}
    batch_sise: 10
  - name: contoso
    graph: {tenant_id: t, client_id: c}
    oomnitza: {url: u, api_token: {env: T}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "integrations.yaml"
    path.write_text(text)
    return path


def test_defaults_are_oomnitzas(tmp_path):
    [integration] = load_settings(write(tmp_path, MINIMAL)).integrations
    assert integration.users.scope == "all" and integration.preference == "create_and_update"
    assert integration.sync_keys == ["email"]
    assert (integration.schedule.cron, integration.schedule.timezone) == ("0 3 * * *", "UTC")
    assert [m.target for m in integration.all_mappings()][:2] == ["username", "email"]


def test_without_a_role_an_integration_is_a_draft_and_its_schedule_is_stopped(tmp_path):
    [integration] = load_settings(write(tmp_path, MINIMAL + "    launched: true\n")).integrations
    assert integration.status == "draft" and "a Role" in integration.missing()[0]
    defs = build_defs(load_settings(write(tmp_path, MINIMAL + "    launched: true\n")))
    assert defs.resolve_schedule_def("contoso_schedule").default_status.value == "STOPPED"
    launched = load_settings(write(tmp_path, MINIMAL + "    launched: true\n    role: 25\n"))
    assert launched.integrations[0].status == "launched"
    defs = build_defs(launched)
    assert defs.resolve_schedule_def("contoso_schedule").default_status.value == "RUNNING"


def test_every_mistake_gets_its_own_error_with_its_line(tmp_path):
    with pytest.raises(ConfigError) as mistakes:
        load_settings(write(tmp_path, MISTAKES))
    lines = str(mistakes.value).splitlines()
    found = {re.sub(r"^.*?:(\d+): ", r"\1 ", line.strip()).split(":")[0] for line in lines[1:]}
    assert lines[0] == f"{len(lines) - 1} mistakes in the settings:"
    assert found == {
        "2 integrations[0].name",
        "5 integrations[0].graph.cloud",
        "8 integrations[0].graph.client_secret",
        "10 integrations[0].users.group_id",
        "11 integrations[0].users.filter",
        "17 integrations[0].mappings",
        "18 integrations[0].role",
        "19 integrations[0].sync_keys",
        "20 integrations[0].schedule.cron",
        "20 integrations[0].schedule.timezone",
        "21 integrations[0].guards.rejected_share",
        "22 integrations[0].batch_sise",
        "24 integrations[1].graph",
        "25 integrations[1].oomnitza.intune_user_id_field",
    }
    text = str(mistakes.value)
    assert "a secret is never written in the settings file" in text
    assert "unknown transform 'lowr'" in text and "is not a setting" in text


def test_names_must_differ(tmp_path):
    with pytest.raises(ConfigError, match="used twice: contoso"):
        load_settings(write(tmp_path, MINIMAL + MINIMAL.split("\n", 1)[1]))


def test_an_unreadable_file_says_where_settings_come_from(tmp_path):
    with pytest.raises(ConfigError, match="INTUNE_PIPELINE_SETTINGS"):
        load_settings(tmp_path / "missing.yaml")


def test_the_readmes_examples_are_valid_settings(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    full = next(block for block in blocks if block.startswith("integrations:"))
    mappings = next(block for block in blocks if block.startswith("mappings:"))
    [integration] = load_settings(write(tmp_path, full)).integrations
    assert integration.name == "intune_users"
    example = MINIMAL + "    " + mappings.replace("\n", "\n    ").rstrip() + "\n"
    [custom] = load_settings(write(tmp_path, example)).integrations
    assert {m.target for m in custom.mappings} == {
        "position",
        "phone_number",
        "full_name",
        "address",
        "first_name",
        "email",
    }
    filters = next(block for block in blocks if block.startswith("filters:"))
    example = MINIMAL + "    " + filters.replace("\n", "\n    ").rstrip() + "\n"
    assert len(load_settings(write(tmp_path, example)).integrations[0].filters) == 6
    roles = next(block for block in blocks if block.startswith("role:"))
    example = MINIMAL + "    " + roles.replace("\n", "\n    ").rstrip() + "\n"
    [with_roles] = load_settings(write(tmp_path, example)).integrations
    assert with_roles.default_role() == 25 and len(with_roles.role_rules()) == 3
    committed = Path(__file__).resolve().parents[1] / "integrations.yaml"
    assert load_settings(committed).integrations[0].name == "intune_users"


def test_filter_rules_are_checked_and_combined_with_the_raw_filter(tmp_path):
    text = MINIMAL + (
        "    users: {filter: \"startsWith(mail,'a')\"}\n"
        "    filters:\n"
        "      - include: {field: accountEnabled, equals: true}\n"
        "      - exclude: {field: displayName, regex: '^svc'}\n"
    )
    [integration] = load_settings(write(tmp_path, text)).integrations
    assert integration.graph_filter() == "(startsWith(mail,'a')) and (accountEnabled eq true)"
    bad = MINIMAL + "    filters:\n      - include: {field: mail, endswith: x}\n"
    with pytest.raises(ConfigError, match=r"integrations\[0\]\.filters: .*unknown op 'endswith'"):
        load_settings(write(tmp_path, bad))


def test_an_entrys_transforms_apply_to_constants_too():
    [address] = custom_mappings({"address": {"constant": "head office", "transforms": ["upper"]}})
    assert address.transforms == ("upper",)


def test_the_readmes_settings_reference_is_the_generated_one():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert with_reference(readme) == readme, (
        "run: python -m intune_pipeline settings-reference --write README.md"
    )


def test_every_setting_is_documented():
    undocumented = [
        row for row in reference().splitlines()[2:] if re.search(r": \| |\| \| \|$", row)
    ]
    assert undocumented == []
    assert "`integrations[].guards.updates.count` | whole number (from 0)" in reference()
