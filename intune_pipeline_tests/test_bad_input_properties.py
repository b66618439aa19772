"""Property-based: whatever Graph sends, no bad record stops the sync, each has a reason a
person can read, and every good record still comes out as an Oomnitza user.

The chain is the one the assets run, without Dagster: a read's pages made unique by id, the
raw frame, GraphUser validation, the mappings and OomnitzaUser validation.
"""

import re
from collections import Counter
from unittest.mock import patch

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from intune_pipeline.graph.reads import unique
from intune_pipeline.users.mapping import map_users
from intune_pipeline.users.validation import validate_graph_users
from intune_pipeline_tests.graph_payloads import bad_user, good_user

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def chain(entries: list) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    users = unique(entries)
    valid, rejected = validate_graph_users(pd.DataFrame.from_records(users))
    mapped, mapping_rejected, skipped = map_users(valid, 25)
    return mapped, pd.concat([rejected, mapping_rejected], ignore_index=True), skipped


@st.composite
def tenants(draw) -> tuple[list[dict], list]:
    """Good users, bad ones and duplicates of either, shuffled: (good users, all entries)."""
    good = [draw(good_user(n)) for n in range(draw(st.integers(0, 12)))]
    bad = [draw(bad_user(100 + n)) for n in range(draw(st.integers(0, 12)))]
    entries = good + bad
    for _ in range(draw(st.integers(0, 3))):
        if not good:
            break
        original = draw(st.sampled_from(good))
        twin = draw(good_user(500 + len(entries)))
        shared = draw(st.sampled_from(["id", "mail", "replay"]))
        entries.append(dict(original) if shared == "replay" else {**twin, shared: original[shared]})
    return good, draw(st.permutations(entries))


def keys(entries: list) -> tuple[Counter, Counter]:
    """How many different entries carry each id, and each address (case-blind)."""
    distinct = {repr(sorted(e.items())): e for e in entries if isinstance(e, dict)}.values()
    # Graph's text is read stripped, and blank text as missing.
    ids = Counter(e["id"].strip() for e in distinct if isinstance(e.get("id"), str))
    del ids[""]
    mails = Counter(e["mail"].lower() for e in distinct if isinstance(e.get("mail"), str))
    return ids, mails


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tenants())
def test_bad_records_are_rejected_with_reasons_and_good_ones_arrive(tenant):
    good, entries = tenant
    mapped, rejected, skipped = chain(entries)  # never raises, whatever the entries are

    ids, mails = keys(entries)
    loaded = mapped.set_index("intune_user_id")
    explained = set(rejected["id"].dropna()) | set(skipped["id"].dropna())
    for user in good:
        if ids[user["id"]] == 1 and mails[user["mail"].lower()] == 1:
            row = loaded.loc[user["id"]]
            expected = (user["mail"].lower(), user["userPrincipalName"])
            assert (row["email"], row["username"]) == expected
        else:  # shares its id or address with another user: held back, with the reason
            assert user["id"] not in loaded.index and user["id"] in explained
    # Every entry with an id of its own is loaded or explained, never both, never neither.
    for user_id, count in ids.items():
        if count == 1:
            assert (user_id in loaded.index) != (user_id in explained), user_id
    assert loaded.index.is_unique and mapped["email"].is_unique

    for reason in [*rejected["reason"], *skipped["reason"]]:
        assert isinstance(reason, str) and 0 < len(reason) < 400 and not CONTROL.search(reason)
    for row in rejected.itertuples():
        assert row.reason.startswith(f"{row.field} ")  # names the field it is about
        assert len(row.value) <= 80 and not CONTROL.search(row.value)


LONG = "u" * 288 + "@contoso.com"  # within Graph's bounds, beyond Oomnitza's username
ID = "00000000-0000-0000-0000-00000000000{}"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tenants())
@example(
    (
        [],
        [
            {"id": ID.format(1), "userPrincipalName": LONG, "mail": "a@contoso.com"},
            {"id": ID.format(2), "userPrincipalName": "b@contoso.com", "displayName": "x" * 256},
        ],
    )
)
def test_the_checks_a_copied_property_passed_are_not_needed_again(tenant):
    """map_users leaves out the Oomnitza checks a copied Graph property passed already; asking
    every check of every mapped field finds nothing more, whatever the tenant."""
    _, entries = tenant
    valid, _ = validate_graph_users(pd.DataFrame.from_records(unique(entries)))
    mapped, rejected, skipped = map_users(valid, 25)
    with patch("intune_pipeline.users.mapping.copied_checks", return_value={}):
        every = map_users(valid, 25)
    for ours, theirs in zip((mapped, rejected, skipped), every, strict=True):
        pd.testing.assert_frame_equal(ours, theirs)


def test_every_unicode_plane_and_a_huge_value_get_their_own_verdicts():
    from intune_pipeline_tests.graph_payloads import PLANES

    name = "x" + "".join(PLANES)
    base = {"userPrincipalName": "a@contoso.com", "mail": "a@contoso.com", "givenName": name}
    huge = {**base, "id": "00000000-0000-0000-0000-000000000002", "mail": "b@contoso.com"}
    huge["userPrincipalName"], huge["displayName"] = "b@contoso.com", "y" * 100_000
    control = {**base, "id": "00000000-0000-0000-0000-000000000003", "mail": "c@contoso.com"}
    control["userPrincipalName"], control["jobTitle"] = "c@contoso.com", "boss\x00\x1b[31m"
    entries = [{**base, "id": "00000000-0000-0000-0000-000000000001"}, huge, control]
    mapped, rejected, _ = chain(entries)
    assert list(mapped["first_name"]) == [name]  # all seventeen planes, intact
    reasons = dict(zip(rejected["id"].str[-1], rejected["reason"], strict=True))
    assert reasons == {"2": "displayName is too long", "3": "jobTitle contains control characters"}
    assert rejected.set_index("field").loc["jobTitle", "value"] == r"boss\x00\x1b[31m"


def test_pages_without_users_or_with_no_objects_leave_nothing_to_load():
    for entries in ([], [None, 3, "x", []], [{}, {"@odata.type": "#microsoft.graph.user"}]):
        mapped, rejected, skipped = chain(entries)
        assert mapped.empty and skipped.empty
        assert len(rejected) >= sum(1 for e in entries if isinstance(e, dict) and e)


def test_a_value_of_the_wrong_type_is_rejected_as_not_text():
    wrong = [5, 2.5, True, ["Ann"], {"first": "Ann"}]
    entries = [
        {
            "id": f"00000000-0000-0000-0000-00000000000{n}",
            "userPrincipalName": f"u{n}@contoso.com",
            "mail": f"u{n}@contoso.com",
            "givenName": value,
        }
        for n, value in enumerate(wrong)
    ]
    mapped, rejected, _ = chain(entries)
    assert mapped.empty
    given_name = rejected[rejected["field"] == "givenName"]
    assert list(given_name["reason"]) == ["givenName is not text"] * len(wrong)
    assert list(given_name["value"]) == ["5", "2.5", "True", "['Ann']", "{'first': 'Ann'}"]
