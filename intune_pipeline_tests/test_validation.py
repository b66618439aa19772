"""The Graph user frame: valid rows pass, failing rows are quarantined with readable reasons."""

import uuid

import pandas as pd

from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES
from intune_pipeline.users.validation import validate_graph_users


def graph_user(**values) -> dict:
    user = {name: None for name in GRAPH_USER_PROPERTIES}
    user.update(id=str(uuid.uuid4()), userPrincipalName="ann@contoso.com", businessPhones=[])
    user.update(values)
    return user


def reasons(rejections: pd.DataFrame, upn: str) -> set[str]:
    return set(rejections.loc[rejections["userPrincipalName"] == upn, "reason"])


def test_valid_users_pass_untouched_but_for_whitespace():
    users, rejections = validate_graph_users(
        pd.DataFrame([graph_user(mail=" Ann@Contoso.com ", givenName="Zoë", jobTitle="")])
    )
    assert rejections.empty
    row = users.iloc[0]
    assert row["mail"] == "Ann@Contoso.com"
    assert row["givenName"] == "Zoë"
    assert row["jobTitle"] is None


def test_each_failing_field_is_a_rejection_with_a_reason():
    users, rejections = validate_graph_users(
        pd.DataFrame(
            [
                graph_user(userPrincipalName="good@contoso.com", mail="good@contoso.com"),
                graph_user(userPrincipalName="nodomain@contoso.com", mail="bob@"),
                graph_user(userPrincipalName="bell@contoso.com", displayName="Bell\x07"),
                graph_user(userPrincipalName="number@contoso.com", jobTitle=42),
                graph_user(id="not-a-guid", userPrincipalName="noguid@contoso.com"),
                graph_user(userPrincipalName="long@contoso.com", givenName="x" * 65),
                graph_user(userPrincipalName="phones@contoso.com", businessPhones="+1 555"),
            ]
        )
    )
    assert list(users["userPrincipalName"]) == ["good@contoso.com"]
    assert reasons(rejections, "nodomain@contoso.com") == {"mail is not an e-mail address"}
    assert reasons(rejections, "bell@contoso.com") == {"displayName contains control characters"}
    bell = rejections[rejections["userPrincipalName"] == "bell@contoso.com"]
    assert bell["value"].tolist() == ["Bell\\x07"]
    assert reasons(rejections, "number@contoso.com") == {"jobTitle is not text"}
    assert reasons(rejections, "noguid@contoso.com") == {"id is not a GUID"}
    assert reasons(rejections, "long@contoso.com") == {"givenName is too long"}
    assert reasons(rejections, "phones@contoso.com") == {"businessPhones is not a list of text"}
    assert set(rejections.columns) == {"id", "userPrincipalName", "field", "value", "reason"}


def test_duplicate_ids_reject_both_users():
    twin = str(uuid.uuid4())
    users, rejections = validate_graph_users(
        pd.DataFrame(
            [
                graph_user(id=twin, userPrincipalName="a@contoso.com"),
                graph_user(id=twin, userPrincipalName="b@contoso.com"),
            ]
        )
    )
    assert users.empty
    assert set(rejections["reason"]) == {"id is shared with another user"}


def test_missing_properties_and_an_empty_page_are_handled():
    users, rejections = validate_graph_users(pd.DataFrame([{"id": str(uuid.uuid4())}]))
    assert users.empty
    assert rejections[["field", "value", "reason"]].to_dict("records") == [
        {"field": "userPrincipalName", "value": "", "reason": "userPrincipalName is missing"}
    ]
    users, rejections = validate_graph_users(pd.DataFrame())
    assert users.empty and rejections.empty
