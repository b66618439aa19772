"""Smart mapping: Oomnitza field labels matched to Graph user properties, and the YAML it prints."""

import yaml

from intune_pipeline.settings_mappings import custom_mappings
from intune_pipeline.users.mapping import STANDARD_MAPPINGS
from intune_pipeline.users.mapping_specs import Property
from intune_pipeline.users.smart_mapping import as_yaml, score, suggest, words

INTUNE_ID = "8f3c2a91d4"


def field(internal_id: str, label: str, *, custom: bool = True, unique: bool = False, **more):
    name = more.pop("field_name", internal_id)
    return (
        {"internal_id": internal_id, "field_name": name, "label": label, "custom": custom}
        | {
            "unique": unique,
            "editable": True,
            "data_type": "text",
        }
        | more
    )


FIELDS = [
    field("USER", "Username", custom=False, field_name="username", unique=True),
    field("PERMISSIONS_ID", "Role", custom=False, field_name="role"),
    field("SUSPENDED", "Suspended", custom=False, field_name="suspended"),
    field(INTUNE_ID, "Microsoft Intune User ID", unique=True),
    field("a41c0e7b19", "Department"),
    field("b7d2e6f003", "Employee ID", unique=True),
    field("c3e9f1a2b4", "Mobile Phone"),
    field("1c2d3e4f5a", "Cost Center"),
    field("2a2a2a2a2a", "Business phone"),
    field("3b3b3b3b3b", "ZIP code"),
    field("4c4c4c4c4c", "Badge colour"),
    field("5d5d5d5d5d", "Read-only thing", editable=False),
]


def test_words_ignore_case_spaces_punctuation_camel_case_plurals_and_list_indexes():
    assert words("Employee ID") == words("employeeId") == ("employee", "id")
    assert words("employeeOrgData.costCenter") == ("employee", "org", "data", "cost", "center")
    assert words("businessPhones[0]") == words("Business-phone") == ("business", "phone")
    assert words("onPremisesSamAccountName")[-3:] == ("sam", "account", "name")
    assert words("Zip") == words("postal")


def test_labels_match_top_level_nested_and_list_properties_with_a_confidence():
    found = {s.target: s for s in suggest(FIELDS, STANDARD_MAPPINGS, INTUNE_ID)}
    paths = {target: s.path for target, s in found.items()}
    assert paths == {
        "a41c0e7b19": "department",
        "b7d2e6f003": "employeeId",
        "c3e9f1a2b4": "mobilePhone",
        "1c2d3e4f5a": "employeeOrgData.costCenter",
        "2a2a2a2a2a": "businessPhones[0]",
        "3b3b3b3b3b": "postalCode",
        "4c4c4c4c4c": None,
    }
    assert found["a41c0e7b19"].score == 1.0 and found["b7d2e6f003"].unique
    # A nested property or list item matches a little less surely than a top-level one.
    assert 0.9 < found["1c2d3e4f5a"].score == found["2a2a2a2a2a"].score < 1.0
    assert found["4c4c4c4c4c"].score < 0.6
    assert score("Departmnet", "department") > 0.8 > score("Department", "division")


def test_mapped_fields_role_the_intune_id_field_and_unmappable_fields_are_not_suggested():
    mappings = (*STANDARD_MAPPINGS, *custom_mappings({"a41c0e7b19": "jobTitle"}))
    targets = [s.target for s in suggest(FIELDS, mappings, INTUNE_ID)]
    assert "a41c0e7b19" not in targets and INTUNE_ID not in targets
    assert not {"username", "role", "suspended", "5d5d5d5d5d"} & set(targets)


def test_the_yaml_loads_as_mappings_with_a_reason_per_line_and_misses_as_comments():
    text = as_yaml(suggest(FIELDS, STANDARD_MAPPINGS, INTUNE_ID), "intune_users")
    lines = text.splitlines()
    assert '# "Cost Center" ~ employeeOrgData.costCenter: exact (95%)' in text
    assert next(line for line in lines if line.startswith("b7d2e6f003: employeeId")).endswith(
        '# "Employee ID" ~ employeeId: exact (100%); unique in Oomnitza: a shared value fails'
    )
    assert '#   4c4c4c4c4c: "Badge colour"' in lines
    entries = yaml.safe_load(text)
    assert entries["2a2a2a2a2a"] == "businessPhones[0]" and "4c4c4c4c4c" not in entries
    mappings = {m.target: m.source for m in custom_mappings(entries)}
    assert mappings["1c2d3e4f5a"] == Property("employeeOrgData.costCenter")
    assert "no field found a good match" in as_yaml([], "intune_users")
