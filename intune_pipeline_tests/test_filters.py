"""Filter rules from the settings file, in real runs against the sandbox."""

from urllib.parse import parse_qs

from intune_pipeline.summary import materializations
from intune_pipeline.users.filter_specs import rules_from_settings
from intune_pipeline_tests.runs import sync

RULES = [
    {"include": {"field": "userType", "equals": "Member"}},
    {"include": {"field": "accountEnabled", "equals": True}},
    {"exclude": {"field": "displayName", "regex": "^(svc|conference|room)"}},
    {"exclude": {"field": "oomnitza.email", "ends_with": ".org"}},
]


def test_rules_are_pushed_where_graph_can_and_each_rules_effect_is_counted(sandbox_env, instance):
    sandbox = sandbox_env
    result = sync(instance, filters=rules_from_settings(RULES))
    assert result.success
    assets = materializations(result)

    listing = [r for r in sandbox.requests if r["path"] == "/v1.0/users"]
    filtered = [r for r in listing if "$filter" in r["query"]]
    pushed = [parse_qs(r["query"])["$filter"][0] for r in filtered]
    # The listing, and Graph's count of it (which chooses how to read it).
    assert pushed == ["userType eq 'Member' and accountEnabled eq true"] * 2
    assert sorted(parse_qs(r["query"])["$top"][0] for r in filtered) == ["1", "999"]

    graph_effects = {
        row.data["rule"]: int(row.data["removed"])
        for row in assets["graph_users"]["filter_rules"].records
    }
    assert graph_effects["exclude displayName regex ^(svc|conference|room)"] > 0
    # Graph already left out guests and disabled accounts, so those rules remove nobody here.
    assert graph_effects["include userType equals Member"] == 0
    mapped_effects = assets["oomnitza_users"]["filter_rules"].records
    assert [row.data["rule"] for row in mapped_effects] == ["exclude oomnitza.email ends with .org"]

    field = sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    graph = {user["id"]: user for user in sandbox.graph_users}
    held = [graph[user[field]] for user in sandbox.oomnitza_users()]
    assert held
    for user in held:
        assert user["userType"] == "Member" and user["accountEnabled"] is True
        assert not (user.get("displayName") or "").lower().startswith(("svc", "conference", "room"))
        assert not user["mail"].strip().lower().endswith(".org")
    filtered = sum(assets[a]["filtered_out"] for a in ("graph_users", "oomnitza_users"))
    assert filtered == sum(graph_effects.values()) + sum(
        int(r.data["removed"]) for r in mapped_effects
    )
