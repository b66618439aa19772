"""Custom mappings from the settings file, applied in a real run against the sandbox."""

from intune_pipeline.settings_mappings import custom_mappings
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import sync

CUSTOM = {
    "email": {
        "first_of": [
            "mail",
            "otherMails[0]",
            {"property": "userPrincipalName", "transforms": ["if_address"]},
        ],
        "transforms": ["trim", "lower"],
    },
    "full_name": {"template": "{surname}, {givenName}"},
    "position": {"property": "jobTitle", "transforms": ["upper"]},
    "address": {"constant": "Head office"},
}


def test_custom_mappings_add_fallbacks_templates_transforms_and_constants(sandbox_env, instance):
    sandbox = sandbox_env
    result = sync(instance, mappings=custom_mappings(CUSTOM))
    assert result.success
    field = sandbox.env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    held = {user[field]: user for user in sandbox.oomnitza_users()}
    graph = {user["id"]: user for user in sandbox.graph_users}
    assert held
    for user_id, user in held.items():
        source = graph[user_id]
        given, surname = (
            (source.get("givenName") or "").strip(),
            (source.get("surname") or "").strip(),
        )
        expected_name = ", ".join(part for part in (surname, given) if part) or None
        assert user["full_name"] == expected_name
        assert user["address"] == "Head office"
        title = (source.get("jobTitle") or "").strip()
        assert user["position"] == (title.upper() or None)
    # Users without mail now come through the fallback chain instead of being skipped.
    via_fallback = [user_id for user_id in held if not (graph[user_id].get("mail") or "").strip()]
    assert via_fallback
    for user_id in via_fallback:
        others = graph[user_id].get("otherMails") or []
        expected = (others[0] if others else graph[user_id]["userPrincipalName"]).strip().lower()
        assert held[user_id]["email"] == expected
    skips = materializations(result)["oomnitza_users"]["skips"].records
    assert not [row for row in skips if "sync key" in row.data["reason"]]
