"""The sync plan, the dry run, renames, blank protection and reconciliation, end to end."""

from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD
from intune_pipeline.settings_mappings import custom_mappings
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import evaluations, sync

WRITES = {"POST", "PATCH", "PUT", "DELETE"}


def oomnitza_writes(sandbox) -> list[dict]:
    return [r for r in sandbox.requests if r["server"] == "oomnitza" and r["method"] in WRITES]


def rows(table) -> list[dict]:
    return [row.data for row in table.records]


def by_intune_id(sandbox) -> dict[str, dict]:
    return {u[INTUNE_USER_ID_FIELD]: u for u in sandbox.oomnitza_users() if u[INTUNE_USER_ID_FIELD]}


def test_a_dry_run_plans_everything_and_writes_nothing(sandbox_env, instance):
    result = sync(instance, job="dry_run")
    assert result.success
    plan = materializations(result)["oomnitza_sync_plan"]
    assert plan["create"] > 350 and plan["update"] == plan["deactivate"] == 0
    assert plan["create"] + plan["skip"] == plan["dagster/row_count"]
    assert "oomnitza_load" not in materializations(result)
    assert oomnitza_writes(sandbox_env) == [] and sandbox_env.oomnitza_users() == []
    # The same plan, loaded, creates exactly what it said.
    load = materializations(sync(instance))["oomnitza_load"]
    assert load["added"] == plan["create"]


def test_a_dry_run_of_user_plus_saas_user_assigns_nobody(sandbox_env, instance):
    sync(instance, record_types="user_and_saas_user")
    assigned = sandbox_env.saas_users()
    sandbox_env.mutate_tenant(hires=3, seed=4)
    writes = len(oomnitza_writes(sandbox_env))
    result = sync(instance, job="dry_run", record_types="user_and_saas_user")
    assert result.success and "oomnitza_saas_users" not in materializations(result)
    assert len(oomnitza_writes(sandbox_env)) == writes
    assert sandbox_env.saas_users() == assigned


def test_only_the_changes_are_sent_and_the_plan_shows_old_and_new(sandbox_env, instance):
    sync(instance)
    changed = sandbox_env.mutate_tenant(retitles=5, seed=3)["retitles"]
    sent_before = len(oomnitza_writes(sandbox_env))
    result = sync(instance, full_read=True)
    found = materializations(result)
    plan, load = found["oomnitza_sync_plan"], found["oomnitza_load"]
    assert (plan["update"], plan["create"], plan["deactivate"]) == (len(changed), 0, 0)
    changes = {row["graph_id"]: row["changes"] for row in rows(plan["changes"])}
    assert set(changes) == set(changed)
    held = by_intune_id(sandbox_env)
    for user_id in changed:
        assert changes[user_id].startswith("position: ") and " → " in changes[user_id]
        assert repr(held[user_id]["position"]) in changes[user_id].split(" → ")[1]
    assert (load["sent"], load["updated"], load["failed"]) == (len(changed), len(changed), 0)
    # One rehearsal (a test run of the same records), then one portion of one batch.
    bulk = [r for r in oomnitza_writes(sandbox_env)[sent_before:] if r["path"] == "/api/v3/bulk"]
    assert len(bulk) == 2
    assert evaluations(result)["planned_changes_applied"].passed


def test_a_renamed_user_is_updated_through_the_next_sync_key(sandbox_env, instance):
    keys = ["email", "intune_user_id"]
    sync(instance, sync_keys=keys)
    count = len(sandbox_env.oomnitza_users())
    [renamed] = sandbox_env.mutate_tenant(renames=1, seed=8)["renames"]
    found = materializations(sync(instance, sync_keys=keys))
    [row] = rows(found["oomnitza_sync_plan"]["changes"])
    assert (row["graph_id"], row["matched_by"]) == (renamed, "intune_user_id")
    assert row["changes"].startswith("username: ") or row["changes"].startswith("email: ")
    assert found["oomnitza_load"]["updated"] == 1
    after = sandbox_env.oomnitza_users()
    assert len(after) == count
    graph = {u["id"]: u for u in sandbox_env.graph_users}
    assert by_intune_id(sandbox_env)[renamed]["email"] == graph[renamed]["mail"].lower()


def test_a_blank_value_in_entra_never_clears_what_oomnitza_holds(sandbox_env, instance):
    sync(instance)
    user = next(u for u in by_intune_id(sandbox_env).values() if u["position"])
    sandbox_env.update_user(user[INTUNE_USER_ID_FIELD], jobTitle=None)
    plan = materializations(sync(instance, full_read=True))["oomnitza_sync_plan"]
    assert plan["update"] == 0
    assert by_intune_id(sandbox_env)[user[INTUNE_USER_ID_FIELD]]["position"] == user["position"]


def test_update_only_creates_nobody_and_says_so(sandbox_env, instance):
    result = sync(instance, preference="update_only")
    plan = materializations(result)["oomnitza_sync_plan"]
    assert plan["create"] == 0 and plan["skip"] > 350
    reasons = {row["reason"] for row in rows(plan["skips"])}
    assert '"Update only" excludes creates' in reasons
    assert sandbox_env.oomnitza_users() == []


def test_reconciliation_names_a_record_oomnitza_lost(sandbox_env, instance):
    sync(instance)
    changed = sandbox_env.mutate_tenant(retitles=4, seed=21)["retitles"]
    sandbox_env.drop_oomnitza_records(1)
    result = sync(instance, full_read=True)
    assert materializations(result)["oomnitza_load"]["updated"] == len(changed)
    check = evaluations(result)["planned_changes_applied"]
    assert not check.passed
    [lost] = sandbox_env.dropped_oomnitza_records()
    differences = rows(check.metadata["differences"].value)
    assert {row["user"] for row in differences} == {lost["record"]["EMAIL"]}
    assert {row["field"] for row in differences} >= {"position"}
    assert {row["planned"] for row in differences} >= {lost["record"]["POSITION"]}
    assert "1 of 4 planned users differ" in check.description


def test_a_mapping_may_let_a_blank_clear_the_field(sandbox_env, instance):
    mappings = custom_mappings({"position": {"property": "jobTitle", "clear_when_blank": True}})
    sync(instance, mappings=mappings)
    user = next(u for u in by_intune_id(sandbox_env).values() if u["position"])
    sandbox_env.update_user(user[INTUNE_USER_ID_FIELD], jobTitle=None)
    found = materializations(sync(instance, full_read=True, mappings=mappings))
    [row] = rows(found["oomnitza_sync_plan"]["changes"])
    assert row["changes"] == f"position: {user['position']!r} → blank"
    assert by_intune_id(sandbox_env)[user[INTUNE_USER_ID_FIELD]]["position"] is None
