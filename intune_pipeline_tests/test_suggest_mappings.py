"""`python -m intune_pipeline suggest-mappings` against the sandbox, and a sync with its YAML."""

import subprocess
import sys
from pathlib import Path

from intune_pipeline.settings import load_settings
from intune_pipeline.users.mapping_specs import Property
from intune_pipeline_tests.runs import sync
from intune_pipeline_tests.test_settings import MINIMAL

PROJECT = Path(__file__).resolve().parents[1]
DEPARTMENT, EMPLOYEE_ID, COST_CENTER = "a41c0e7b19", "b7d2e6f003", "1c2d3e4f5a"


def test_suggested_mappings_load_as_settings_and_sync_into_custom_fields(
    sandbox_env, instance, tmp_path
):
    sandbox = sandbox_env
    intune_id = sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    # Run as a user runs it; with the sandbox's settings in the environment it starts no other.
    command = [sys.executable, "-m", "intune_pipeline", "suggest-mappings", "--integration"]
    done = subprocess.run(
        [*command, "intune_users"], cwd=PROJECT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and "starting the local sandbox" not in done.stderr, done.stderr
    text = done.stdout
    assert '# "Cost Center" ~ employeeOrgData.costCenter: exact' in text
    path = tmp_path / "integrations.yaml"
    path.write_text(
        MINIMAL + "    mappings:\n" + "".join(f"      {line}\n" for line in text.split("\n"))
    )
    [integration] = load_settings(path).integrations
    mappings = {mapping.target: mapping.source for mapping in integration.mappings}
    assert mappings[DEPARTMENT] == Property("department")
    assert mappings[EMPLOYEE_ID] == Property("employeeId")
    assert mappings[COST_CENTER] == Property("employeeOrgData.costCenter")
    # The Intune user id field is mapped already, through oomnitza.intune_user_id_field.
    assert intune_id not in mappings

    result = sync(instance, mappings=integration.mappings)
    assert result.success
    graph = {user["id"]: user for user in sandbox.graph_users}
    held = [user for user in sandbox.oomnitza_users() if user.get(intune_id)]
    assert held
    for field, read in [
        (DEPARTMENT, lambda user: user.get("department")),
        (EMPLOYEE_ID, lambda user: user.get("employeeId")),
        (COST_CENTER, lambda user: (user.get("employeeOrgData") or {}).get("costCenter")),
    ]:
        written = 0
        for record in held:
            value = read(graph[record[intune_id]])
            value = value.strip() if isinstance(value, str) else value
            assert record.get(field) == (value or None), (field, record)
            written += record.get(field) is not None
        assert written, f"no user got a value for {field}"
