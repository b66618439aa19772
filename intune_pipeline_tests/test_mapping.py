"""Standard and custom mappings, sync-key skips, and the bulk records they become."""

import re
import uuid

import pandas as pd
import pytest

from intune_pipeline.oomnitza.fields import bulk_records
from intune_pipeline.users.mapping import STANDARD_MAPPINGS, map_users
from intune_pipeline.users.mapping_engine import with_custom
from intune_pipeline.users.mapping_specs import Constant, FirstOf, Mapping, Property
from intune_pipeline.users.schemas import GRAPH_USER_PROPERTIES, OOMNITZA_USER_FIELDS
from intune_pipeline.users.validation import validate_graph_users


def graph_users(*users: dict) -> pd.DataFrame:
    rows = []
    for values in users:
        user = {name: None for name in GRAPH_USER_PROPERTIES}
        user.update(id=str(uuid.uuid4()), businessPhones=[])
        user.update(values)
        rows.append(user)
    valid, rejections = validate_graph_users(pd.DataFrame(rows))
    assert rejections.empty
    return valid


def test_standard_mappings():
    source = graph_users(
        {
            "userPrincipalName": "ann.lee@contoso.com",
            "mail": "Ann.Lee@Contoso.com",
            "givenName": "Ann",
            "surname": "Lee",
            "displayName": "Ann Lee",
            "jobTitle": "Engineer",
            "officeLocation": "Oslo 4",
            "mobilePhone": None,
            "businessPhones": ["+47 555 0100", "+47 555 0101"],
        }
    )
    users, rejections, skipped = map_users(source, role=25)
    assert rejections.empty and skipped.empty
    assert list(users.columns) == OOMNITZA_USER_FIELDS
    assert users.iloc[0].to_dict() == {
        "username": "ann.lee@contoso.com",
        "email": "ann.lee@contoso.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "full_name": "Ann Lee",
        "position": "Engineer",
        "address": "Oslo 4",
        "phone_number": "+47 555 0100",
        "intune_user_id": source.iloc[0]["id"],
        "role": 25,
    }


def test_mobile_phone_comes_before_business_phones():
    source = graph_users(
        {
            "userPrincipalName": "a@contoso.com",
            "mail": "a@contoso.com",
            "mobilePhone": "+1 555 0199",
            "businessPhones": ["+1 555 0100"],
        }
    )
    users, _, _ = map_users(source, role=25)
    assert users.iloc[0]["phone_number"] == "+1 555 0199"


def test_users_without_a_usable_sync_key_are_skipped_with_reasons():
    source = graph_users(
        {"userPrincipalName": "guest_fabrikam.com#EXT#@contoso.onmicrosoft.com", "mail": None},
        {"userPrincipalName": "kim@contoso.com", "mail": "shared@contoso.com"},
        {"userPrincipalName": "lee@contoso.com", "mail": "SHARED@contoso.com"},
        {"userPrincipalName": "ok@contoso.com", "mail": "ok@contoso.com"},
    )
    users, rejections, skipped = map_users(source, role=25)
    assert list(users["username"]) == ["ok@contoso.com"]
    assert rejections.empty
    reasons = dict(zip(skipped["userPrincipalName"], skipped["reason"], strict=True))
    assert reasons["guest_fabrikam.com#EXT#@contoso.onmicrosoft.com"] == (
        "no value for Email, the sync key"
    )
    assert (
        "shared@contoso.com is shared by kim@contoso.com, lee@contoso.com"
        in reasons["kim@contoso.com"]
    )
    assert reasons["kim@contoso.com"] == reasons["lee@contoso.com"]


def test_a_long_shared_key_and_many_sharers_make_a_short_reason():
    long_mail = "u" * 288 + "@contoso.com"  # over Oomnitza's limit, yet shared: skipped first
    sharers = [{"userPrincipalName": f"user{n}@contoso.com", "mail": long_mail} for n in range(40)]
    _, _, skipped = map_users(graph_users(*sharers), role=25)
    assert len(skipped) == 40 and skipped["reason"].nunique() == 1
    reason = skipped["reason"].iloc[0]
    assert len(reason) < 400 and reason.startswith("Email uuuu") and "…" in reason
    assert "is shared by user0@contoso.com, user1@contoso.com" in reason


def test_values_oomnitza_would_not_take_are_rejected_not_fatal():
    source = graph_users(
        {"userPrincipalName": "x" * 300 + "@contoso.com", "mail": "long@contoso.com"},
        {"userPrincipalName": "ok@contoso.com", "mail": "ok@contoso.com"},
    )
    users, rejections, _ = map_users(source, role=25)
    assert list(users["username"]) == ["ok@contoso.com"]
    assert rejections[["field", "reason"]].to_dict("records") == [
        {"field": "username", "reason": "username is too long"}
    ]


def test_bulk_records_use_internal_ids_and_leave_missing_values_out():
    source = graph_users({"userPrincipalName": "a@contoso.com", "mail": "a@contoso.com"})
    users, _, _ = map_users(source, role=25)
    [record] = bulk_records(users, {"intune_user_id": "a1b2c3d4e5"})
    assert record == {
        "USER": "a@contoso.com",
        "EMAIL": "a@contoso.com",
        "a1b2c3d4e5": source.iloc[0]["id"],
        "PERMISSIONS_ID": 25,
    }


def test_custom_mappings_override_defaults_and_add_to_them():
    upn = Property("userPrincipalName", ["if_address"])
    email = Mapping("email", FirstOf([Property("mail"), Property("otherMails[0]"), upn]), ["lower"])
    custom = [Mapping("position", Constant("Staff")), email, Mapping("cost", Constant(1))]
    merged = with_custom(STANDARD_MAPPINGS, custom)
    assert [m.target for m in merged] == [m.target for m in STANDARD_MAPPINGS] + ["cost"]
    assert merged[1] is email and merged[0] is STANDARD_MAPPINGS[0]
    with pytest.raises(ValueError, match="custom mappings fill email more than once; keep one"):
        with_custom(STANDARD_MAPPINGS, [email, email])
    source = graph_users(
        {"userPrincipalName": "ann@contoso.com", "mail": "Ann@Contoso.com"},
        {"userPrincipalName": "guest@contoso.com"},
        {"userPrincipalName": "bo@contoso.com"},
        {"userPrincipalName": "robot@contoso"},
    ).assign(otherMails=[[], ["Guest@Fabrikam.com"], [], []])
    users, rejections, skipped = map_users(source, role=25, mappings=merged[:-1])
    assert rejections.empty and list(skipped["userPrincipalName"]) == ["robot@contoso"]
    assert list(users["email"]) == ["ann@contoso.com", "guest@fabrikam.com", "bo@contoso.com"]
    assert set(users["position"]) == {"Staff"}


def test_mapping_targets_outside_the_model_are_refused_and_optional_ones_may_be_left_out():
    source = graph_users({"userPrincipalName": "a@contoso.com", "mail": "a@contoso.com"})
    for mappings, message in [
        ((*STANDARD_MAPPINGS, Mapping("cost", Constant(1))), "fill cost, which is neither a field"),
        ((*STANDARD_MAPPINGS, Mapping("role", Constant(3))), "; the role is chosen separately)"),
        (STANDARD_MAPPINGS[2:], "the mappings leave username, email unmapped; each is required"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            map_users(source, role=25, mappings=mappings)
    fewer = [mapping for mapping in STANDARD_MAPPINGS if mapping.target != "position"]
    users, _, _ = map_users(source, role=25, mappings=fewer)
    assert list(users.columns) == OOMNITZA_USER_FIELDS and users.iloc[0]["position"] is None
