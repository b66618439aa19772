"""Role rules from the settings file, applied in real runs against the sandbox."""

from intune_pipeline.settings_sections import RoleSettings
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import sync, transitive_users


def test_the_first_matching_rule_chooses_the_role_and_the_rest_get_the_default(
    sandbox_env, instance
):
    sandbox = sandbox_env
    group = next(g for g in sandbox.groups if g["displayName"] == "Engineering")
    rules = [
        {"field": "department", "equals": "Sales", "role": 30},
        {"group": group["id"], "role": 1},
    ]
    result = sync(instance, role=RoleSettings.model_validate({"default": 25, "rules": rules}))
    assert result.success
    engineers = transitive_users(sandbox.groups, group["id"])
    graph = {user["id"]: user for user in sandbox.graph_users}
    field = sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    held = sandbox.oomnitza_users()
    seen = set()
    for user in held:
        source = graph[user[field]]
        if (source.get("department") or "").casefold() == "sales":
            expected = 30
        elif source["id"] in engineers:
            expected = 1
        else:
            expected = 25
        assert user["role"] == expected, source["userPrincipalName"]
        seen.add(expected)
    assert seen == {30, 1, 25}


def test_without_a_default_users_no_rule_matches_are_skipped_with_a_reason(sandbox_env, instance):
    rules = [{"field": "department", "equals": "Sales", "role": 30}]
    result = sync(instance, role=RoleSettings.model_validate({"rules": rules}))
    assert result.success
    assert {user["role"] for user in sandbox_env.oomnitza_users()} == {30}
    skips = materializations(result)["oomnitza_users"]["skips"].records
    assert any(row.data["reason"].startswith("no role: no role rule matches") for row in skips)
