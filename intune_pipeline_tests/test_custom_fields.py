"""Mappings to Oomnitza custom fields: named by internal id, validated as text, bulk-keyed by id."""

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from intune_pipeline.errors import ConfigError
from intune_pipeline.oomnitza.fields import bulk_records
from intune_pipeline.settings import load_settings
from intune_pipeline.settings_mappings import custom_mappings
from intune_pipeline.users.mapping import STANDARD_MAPPINGS, map_users
from intune_pipeline.users.mapping_engine import with_custom
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES, OOMNITZA_USER_FIELDS, OomnitzaUser
from intune_pipeline.users.validation import validate_graph_users
from intune_pipeline_tests.test_settings import MINIMAL

DEPARTMENT, COST_CENTER = "a41c0e7b19", "1c2d3e4f5a"


def graph_users(*users: dict) -> pd.DataFrame:
    """Valid Graph users with department and employeeOrgData read as well."""
    rows = [{name: None for name in GRAPH_USER_PROPERTIES} | user for user in users]
    for number, row in enumerate(rows):
        row.update(id=f"00000000-0000-0000-0000-{number:012d}", businessPhones=[])
    valid, rejections = validate_graph_users(pd.DataFrame(rows), ["department", "employeeOrgData"])
    assert rejections.empty
    return valid


def mapped(*users: dict):
    source = graph_users(*users)
    custom = custom_mappings(
        {DEPARTMENT: {"property": "department"}, COST_CENTER: "employeeOrgData.costCenter"}
    )
    return source, map_users(source, role=25, mappings=with_custom(STANDARD_MAPPINGS, custom))


def test_a_custom_field_is_a_column_named_by_its_id_and_a_bulk_key_of_the_same_id():
    source, (users, rejections, _) = mapped(
        {
            "userPrincipalName": "a@contoso.com",
            "mail": "a@contoso.com",
            "department": "Sales",
            "employeeOrgData": {"costCenter": "CC-100", "division": "EMEA"},
        },
        {"userPrincipalName": "b@contoso.com", "mail": "b@contoso.com"},
    )
    assert rejections.empty
    assert list(users.columns) == [*OOMNITZA_USER_FIELDS, DEPARTMENT, COST_CENTER]
    first, second = bulk_records(users, {"intune_user_id": "8f3c2a91d4"})
    assert first[DEPARTMENT] == "Sales" and first[COST_CENTER] == "CC-100"
    assert first["8f3c2a91d4"] == source.iloc[0]["id"] and first["PERMISSIONS_ID"] == 25
    # A user without the value leaves the field alone in Oomnitza.
    assert DEPARTMENT not in second and COST_CENTER not in second


def test_custom_values_are_checked_as_text_by_the_oomnitza_user_model():
    _, (users, rejections, _) = mapped(
        {"userPrincipalName": "a@contoso.com", "mail": "a@contoso.com", "department": "x" * 256},
        {"userPrincipalName": "b@contoso.com", "mail": "b@contoso.com", "department": "R&D\x07"},
        {"userPrincipalName": "c@contoso.com", "mail": "c@contoso.com", "department": "Ops"},
    )
    assert list(users["username"]) == ["c@contoso.com"]
    assert rejections[["field", "reason"]].to_dict("records") == [
        {"field": DEPARTMENT, "reason": f"{DEPARTMENT} is too long"},
        {"field": DEPARTMENT, "reason": f"{DEPARTMENT} contains control characters"},
    ]
    # The model takes custom columns by id and still refuses any other column.
    with pytest.raises(pa.errors.SchemaErrors, match="column 'department' not in"):
        OomnitzaUser.validate(users.assign(department="Ops"))


def test_settings_take_custom_field_ids_and_name_anything_else(tmp_path):
    entries = (
        "      a41c0e7b19: {property: department}\n      1c2d3e4f5a: employeeOrgData.costCenter"
    )
    path = tmp_path / "integrations.yaml"
    path.write_text(f"{MINIMAL}    mappings:\n{entries}\n")
    [integration] = load_settings(path).integrations
    assert [m.target for m in integration.mappings] == [DEPARTMENT, COST_CENTER]
    for target in ("department", "A41C0E7B19", "a41c0e7b1"):
        path.write_text(f"{MINIMAL}    mappings:\n      {target}: department\n")
        with pytest.raises(ConfigError, match=f"fill {target}, which is neither a field") as error:
            load_settings(path)
        assert "custom field's internal id (10 lower-case hex characters" in str(error.value)
    with pytest.raises(ValueError, match="is read as a number; put a custom field's id in quotes"):
        custom_mappings({123456701: "department"})


def test_the_readmes_custom_field_example_loads(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if DEPARTMENT in b)
    path = tmp_path / "integrations.yaml"
    path.write_text(MINIMAL + "    " + block.replace("\n", "\n    ").rstrip() + "\n")
    [integration] = load_settings(path).integrations
    assert [m.target for m in integration.mappings] == [DEPARTMENT, COST_CENTER, "0123456701"]


def test_a_custom_field_mapped_both_as_intune_user_id_and_by_its_id_is_refused():
    users = pd.DataFrame({"intune_user_id": ["x"], "8f3c2a91d4": ["y"]})
    with pytest.raises(ValueError, match="8f3c2a91d4 is mapped twice: as intune_user_id"):
        bulk_records(users, {"intune_user_id": "8f3c2a91d4"})
