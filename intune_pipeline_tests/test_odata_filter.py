"""The $filter subset: what needs advanced query, and local evaluation that agrees with Graph."""

import pytest

from intune_pipeline.errors import ConfigError
from intune_pipeline.graph.odata_filter import parse_filter

INTUNE_PLAN = "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"
ANN = {
    "accountEnabled": True,
    "userType": "Member",
    "mail": "Ann.Lee@Contoso.com",
    "department": "IT",
    "jobTitle": None,
    "assignedPlans": [{"servicePlanId": INTUNE_PLAN, "capabilityStatus": "Enabled"}],
}


@pytest.mark.parametrize(
    ("text", "advanced", "matches"),
    [
        ("accountEnabled eq true", False, True),
        ("accountEnabled eq false", False, False),
        ("userType eq 'member' and accountEnabled eq true", False, True),
        ("startsWith(mail,'ANN')", False, True),
        ("department in ('Sales','it')", False, True),
        ("jobTitle eq null", True, True),
        ("displayName eq 'ann  lee' or displayName eq 'Ann Lee'", False, False),
        ("(userType eq 'Guest' or department eq 'IT') and accountEnabled eq true", False, True),
        ("endsWith(mail,'@contoso.com')", True, True),
        ("not(userType eq 'Guest')", True, True),
        ("mail ne null", True, True),
        (
            f"assignedPlans/any(p:p/servicePlanId eq {INTUNE_PLAN} "
            "and p/capabilityStatus eq 'Enabled')",
            True,
            True,
        ),
        ("assignedPlans/any(p:p/capabilityStatus eq 'Deleted')", True, False),
        ("displayName eq 'O''Brien'", False, False),
    ],
)
def test_clauses(text, advanced, matches):
    parsed = parse_filter(text)
    assert parsed.advanced is advanced
    assert parsed.matches(ANN) is matches


def test_properties_read_by_the_filter_are_known():
    parsed = parse_filter(
        f"assignedPlans/any(p:p/servicePlanId eq {INTUNE_PLAN}) and startsWith(mail,'a')"
    )
    assert parsed.properties == {"assignedPlans", "mail"}


def test_quoted_text_unescapes_doubled_quotes():
    assert parse_filter("surname eq 'O''Brien'").matches({"surname": "o'brien"})


@pytest.mark.parametrize(
    "text", ["accountEnabled = true", "mail eq", "startsWith(mail, 5)", "a eq 'x' and", "x y z"]
)
def test_mistakes_name_the_setting_and_show_examples(text):
    with pytest.raises(ConfigError, match=r"the user filter is not a filter Graph can evaluate"):
        parse_filter(text)
