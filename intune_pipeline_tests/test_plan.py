"""The sync plan: every class, both preferences, renames, blank protection, deactivation."""

import pandas as pd

from intune_pipeline.defs.metadata import table
from intune_pipeline.defs.oomnitza.plan import upstream_skips
from intune_pipeline.users.plan import counts, plan_sync, stacked
from intune_pipeline.users.plan_changes import unequal
from intune_pipeline.users.plan_keys import folded
from intune_pipeline.users.reconcile import differences, touched_since

ANN, BOB, CY, DEE = (f"{n}0000000-0000-4000-8000-000000000000" for n in "abcd")


def desired(*rows) -> pd.DataFrame:
    columns = ["username", "email", "position", "phone_number", "intune_user_id", "role"]
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows], columns=columns)


def held(*rows) -> pd.DataFrame:
    columns = ["user_id", "uid", "username", "email", "position", "phone_number"]
    columns += ["intune_user_id", "role", "suspended"]
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows], columns=columns)


WANTED = desired(
    ("ann@contoso.com", "ann@contoso.com", "Engineer", None, ANN, 25),
    ("bob@contoso.com", "bob@contoso.com", "Lead", "+1 555", BOB, 25),
    ("cy@contoso.com", "cy@contoso.com", "Clerk", None, CY, 30),
)
HELD = held(
    ("u1", 1, "ann@contoso.com", "ANN@contoso.com", "Engineer", "+1 444", ANN, 25, False),
    ("u2", 2, "bob@contoso.com", "bob@contoso.com", "Engineer", "+1 555", BOB, 25.0, False),
)


def by_user(plan: pd.DataFrame) -> dict:
    return {row["user"]: row for _, row in plan.iterrows()}


def test_each_user_is_created_updated_or_unchanged_with_its_changes():
    plan = by_user(plan_sync(WANTED, HELD, sync_keys=["email"]))
    # Keys match case-blind; a blank phone does not clear the one Oomnitza holds.
    assert plan["ann@contoso.com"]["action"] == "update"
    assert plan["ann@contoso.com"]["changed_fields"] == ["email"]
    assert plan["bob@contoso.com"]["action"] == "update"
    assert plan["bob@contoso.com"]["changes"] == "position: 'Engineer' → 'Lead'"
    assert plan["bob@contoso.com"]["oomnitza_user_id"] == "u2"
    assert plan["cy@contoso.com"]["action"] == "create"


def test_a_role_read_back_as_a_float_is_unchanged():
    same = held(("u2", 2, "bob@contoso.com", "bob@contoso.com", "Lead", "+1 555", BOB, 25.0, False))
    plan = plan_sync(WANTED.iloc[[1]], same, sync_keys=["email"])
    assert list(plan["action"]) == ["unchanged"] and plan["changes"][0] == ""


def test_a_changed_role_reads_as_whole_numbers_next_to_other_changes():
    # A role column with a blank in it is read back as floats.
    roles = held(
        ("u1", 1, "ann@contoso.com", "ann@contoso.com", "Clerk", None, ANN, 25.0, False),
        ("u2", 2, "bob@contoso.com", "bob@contoso.com", "Lead", "+1 555", BOB, None, False),
    )
    wanted = desired(("ann@contoso.com", "ann@contoso.com", "Engineer", None, ANN, 30))
    wanted["role"] = wanted["role"].astype("Int64")
    plan = plan_sync(wanted, roles, sync_keys=["email"])
    assert plan["changes"][0] == "position: 'Clerk' → 'Engineer'; role: 25 → 30"


def test_a_blank_clears_a_field_only_when_the_mapping_says_so():
    plan = plan_sync(WANTED.iloc[[0]], HELD, sync_keys=["email"], clear_when_blank={"phone_number"})
    assert plan["changed_fields"][0] == ["email", "phone_number"]
    assert "phone_number: '+1 444' → blank" in plan["changes"][0]


def test_a_renamed_user_is_found_by_the_next_key_and_updated_not_duplicated():
    renamed = desired(("ann.lee@contoso.com", "ann.lee@contoso.com", "Engineer", None, ANN, 25))
    plan = plan_sync(renamed, HELD, sync_keys=["email", "intune_user_id"])
    row = plan.iloc[0]
    assert (row["action"], row["matched_by"], row["oomnitza_user_id"]) == (
        "update",
        "intune_user_id",
        "u1",
    )
    assert "email: 'ANN@contoso.com' → 'ann.lee@contoso.com'" in row["changes"]
    # With one key only, the renamed user looks new.
    assert plan_sync(renamed, HELD, sync_keys=["email"])["action"][0] == "create"


def test_the_oldest_record_wins_and_a_record_serves_one_user():
    twins = held(
        ("u9", 9, "x", "bob@contoso.com", "Lead", "+1 555", None, 25, False),
        ("u2", 2, "bob@contoso.com", "bob@contoso.com", "Lead", "+1 555", BOB, 25, False),
    )
    plan = plan_sync(WANTED.iloc[[1]], twins, sync_keys=["email"])
    assert plan["oomnitza_user_id"][0] == "u2"


def test_preferences_turn_excluded_actions_into_skips_with_reasons():
    plan = by_user(plan_sync(WANTED, HELD, sync_keys=["email"], preference="create_only"))
    assert plan["bob@contoso.com"]["reason"] == '"Create only" excludes updates'
    assert plan["cy@contoso.com"]["action"] == "create"
    plan = by_user(plan_sync(WANTED, HELD, sync_keys=["email"], preference="update_only"))
    assert plan["cy@contoso.com"]["action"] == "skip"
    assert plan["cy@contoso.com"]["reason"] == '"Update only" excludes creates'
    assert plan["bob@contoso.com"]["action"] == "update"


def test_upstream_skips_are_listed_with_their_reasons():
    skipped = pd.DataFrame(
        [{"id": DEE, "userPrincipalName": "dee@contoso.com", "reason": "no value for Email"}]
    )
    plan = plan_sync(WANTED, HELD, sync_keys=["email"], skipped=skipped)
    row = by_user(plan)["dee@contoso.com"]
    assert (row["action"], row["reason"], row["graph_id"]) == ("skip", "no value for Email", DEE)
    assert counts(plan) == {"create": 1, "update": 2, "unchanged": 0, "skip": 1, "deactivate": 0}


def test_leavers_are_suspended_once_and_an_administrators_reactivation_stands():
    leavers = pd.DataFrame(
        [
            {"graph_id": BOB, "reason": "deleted in Entra"},
            {"graph_id": CY, "reason": "disabled in Entra"},
            {"graph_id": DEE, "reason": "deleted in Entra"},  # Oomnitza has no record of Dee
        ]
    )
    plan = by_user(plan_sync(WANTED, HELD, sync_keys=["email"], leavers=leavers))
    bob = plan["bob@contoso.com"]
    assert (bob["action"], bob["reason"], bob["changes"]) == (
        "deactivate",
        "deleted in Entra",
        "suspended: False → True",
    )
    assert bob["email"] == "bob@contoso.com" and bob["oomnitza_user_id"] == "u2"
    # Cy is disabled and not in Oomnitza: not created.
    assert plan["cy@contoso.com"]["action"] == "skip"
    assert plan["cy@contoso.com"]["reason"] == "disabled in Entra; not created"
    again = plan_sync(WANTED, HELD, sync_keys=["email"], leavers=leavers, suspended_by_sync={BOB})
    assert by_user(again)["bob@contoso.com"]["action"] == "skip"
    assert "reactivated in Oomnitza" in by_user(again)["bob@contoso.com"]["reason"]
    suspended = HELD.assign(suspended=[False, True])
    plan = plan_sync(WANTED, suspended, sync_keys=["email"], leavers=leavers)
    assert "bob@contoso.com" not in by_user(plan)


def test_create_only_never_deactivates():
    leavers = pd.DataFrame([{"graph_id": BOB, "reason": "deleted in Entra"}])
    plan = plan_sync(WANTED, HELD, sync_keys=["email"], leavers=leavers, preference="create_only")
    assert by_user(plan)["bob@contoso.com"]["action"] == "skip"


def test_nothing_held_means_every_user_is_created_and_nothing_planned_is_empty():
    plan = plan_sync(WANTED, held(), sync_keys=["email", "intune_user_id"])
    assert set(plan["action"]) == {"create"} and plan["oomnitza_user_id"].isna().all()
    empty = plan_sync(WANTED.iloc[0:0], held(), sync_keys=["email"])
    assert empty.empty and "action" in empty.columns


def test_values_differ_only_when_one_side_holds_another_value():
    """Missing is missing however it is spelt (None, NaN, NA), on both sides; 25 and 25.0 are
    the same; text against missing, or other text, differs."""
    ours = pd.Series(["a", None, float("nan"), None, "b", 25, "c", None], dtype=object)
    theirs = pd.Series([None, float("nan"), None, None, "b", 25.0, "d", "e"], dtype=object)
    assert unequal(ours, theirs).tolist() == [True, False, False, False, False, False, True, True]
    text = pd.Series(["a", pd.NA, pd.NA, "x"], dtype="string")
    assert unequal(text, pd.Series([None, None, "z", "x"], dtype=object)).tolist() == [
        True,
        False,
        True,
        False,
    ]
    mixed = pd.Series(["a", pd.NA, None, "x"], dtype=object)  # a concat of text and Int64
    assert unequal(mixed, pd.Series(["a", "b", pd.NA, "y"], dtype=object)).tolist() == [
        False,
        True,
        False,
        True,
    ]
    roles = pd.Series([25, pd.NA, 30], dtype="Int64")
    assert unequal(roles, pd.Series([25.0, float("nan"), 31.0])).tolist() == [False, False, True]


def test_keys_fold_case_blind_with_blanks_and_missing_values_as_missing():
    values = pd.Series([" Ann@Contoso.com ", "", "  ", None, float("nan"), pd.NA, 25, "Straße"])
    assert folded(values).tolist() == [
        "ann@contoso.com",
        pd.NA,
        pd.NA,
        pd.NA,
        pd.NA,
        pd.NA,
        "25",
        "strasse",
    ]


def test_parts_stack_as_pandas_stacks_them_with_all_missing_object_columns():
    # A full sync's plan: nothing matched, so its record ids and keys are all missing.
    plan = pd.DataFrame(
        {"oomnitza_user_id": [pd.NA] * 3, "user": ["a", "b", "c"], "role": [25, 30, 25]}
    )
    plan["changed_fields"] = [[], [], []]
    plan["matched_by"] = None  # missing in every part that has it
    departures = pd.DataFrame({"oomnitza_user_id": ["u9"], "user": [None], "note": [1.5]})
    skips = pd.DataFrame({"user": ["d"], "role": ["25"]})  # an object role beside ints
    parts = [plan, departures, skips]

    stack, expected = stacked(parts), pd.concat(parts, ignore_index=True)

    assert stack.dtypes.to_dict() == expected.dtypes.to_dict()
    assert stack.isna().equals(expected.isna())
    assert stack.fillna("-").astype(str).equals(expected.fillna("-").astype(str))
    assert stack["oomnitza_user_id"].tolist()[3] == "u9"


def test_a_first_loads_read_back_is_compared_with_its_own_dtypes():
    """After a first load the read before it was empty (every column object): the records
    changed since are the touched ones as they were read, integers staying integers."""
    before = pd.DataFrame.from_records([], columns=list(HELD.columns))
    plan = plan_sync(WANTED, before, sync_keys=["email"])
    after = HELD.assign(uid=[11, 12], role=[25, 25])  # two of the three creates arrived

    records = touched_since(before, after, plan)

    assert records.dtypes.to_dict() == after.dtypes.to_dict()
    found = differences(plan, records, ["email"])
    assert found[["user", "field", "planned", "found"]].values.tolist() == [
        ["cy@contoso.com", "", "a record", "none"],
        ["ann@contoso.com", "email", "ann@contoso.com", "ANN@contoso.com"],
        ["bob@contoso.com", "position", "Lead", "Engineer"],
    ]


def test_users_rejected_or_skipped_upstream_come_once_with_every_reason():
    """The plan lists each user the earlier assets held back once, their reasons joined in the
    order the assets gave them, users in the order they first came."""

    def listed(*rows):
        return table(pd.DataFrame(rows, columns=["id", "userPrincipalName", "field", "reason"]))

    metadata = {
        "graph_users": {
            "rejections": listed(
                ("1", "ann@x.com", "mail", "mail is not an e-mail address"),
                ("2", "bob@x.com", "jobTitle", "jobTitle is too long"),
                ("1", "ann@x.com", "surname", "surname contains control characters"),
            )
        },
        "oomnitza_users": {
            "rejections": listed(("3", "cy@x.com", "username", "username is too long")),
            "skips": listed(("2", "bob@x.com", "", "no role")),
        },
    }
    assert upstream_skips(metadata).to_dict("records") == [
        {
            "id": "1",
            "userPrincipalName": "ann@x.com",
            "reason": "rejected: mail is not an e-mail address; "
            "rejected: surname contains control characters",
        },
        {
            "id": "2",
            "userPrincipalName": "bob@x.com",
            "reason": "rejected: jobTitle is too long; no role",
        },
        {"id": "3", "userPrincipalName": "cy@x.com", "reason": "rejected: username is too long"},
    ]
    assert upstream_skips({"graph_users": {}, "oomnitza_users": {}}).empty
