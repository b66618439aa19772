"""Deactivation (off by default) and SaaS users, end to end against the sandbox."""

import httpx

from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import evaluations, sync

ON = {"enabled": True}


def held(sandbox) -> dict[str, dict]:
    return {u[INTUNE_USER_ID_FIELD]: u for u in sandbox.oomnitza_users() if u[INTUNE_USER_ID_FIELD]}


def reactivate(sandbox, user: dict) -> None:
    """What an administrator does in Oomnitza's UI, through its REST API."""
    env = sandbox.env
    with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"]) as http:
        answer = http.patch(
            f"{env['OOMNITZA_URL']}/api/v3/users/{user['user_id']}",
            headers={"Authorization2": env["OOMNITZA_API_TOKEN"]},
            json={"suspended": False},
        )
        answer.raise_for_status()


def test_without_deactivation_leavers_stay_as_they_are(sandbox_env, instance):
    sync(instance)
    gone = sandbox_env.mutate_tenant(leavers=3, seed=6)["leavers"]
    plan = materializations(sync(instance, full_read=True))["oomnitza_sync_plan"]
    assert plan["deactivate"] == 0
    assert not any(held(sandbox_env)[user_id]["suspended"] for user_id in gone)


def test_leavers_are_suspended_once_and_an_administrators_word_stands(sandbox_env, instance):
    sync(instance, deactivation=ON)
    changes = sandbox_env.mutate_tenant(leavers=2, soft_deletes=1, seed=9)
    managed = held(sandbox_env)
    disabled = next(i for i in managed if i not in changes["leavers"] + changes["soft_deletes"])
    sandbox_env.update_user(disabled, accountEnabled=False)
    leavers = {*changes["leavers"], *changes["soft_deletes"], disabled}

    result = sync(instance, deactivation=ON)  # a delta read: Graph says who went
    plan = materializations(result)["oomnitza_sync_plan"]
    reasons = {r.data["graph_id"]: r.data["reason"] for r in plan["changes"].value.records}
    assert plan["deactivate"] == len(leavers) and set(reasons) == leavers
    assert reasons[disabled] == "disabled in Entra"
    assert reasons[changes["leavers"][0]] == "deleted in Entra"
    assert {u for u, user in held(sandbox_env).items() if user["suspended"]} == leavers
    assert evaluations(result)["planned_changes_applied"].passed

    # A full read finds nothing more to do: they are suspended already.
    plan = materializations(sync(instance, deactivation=ON, full_read=True))["oomnitza_sync_plan"]
    assert plan["deactivate"] == 0

    # An administrator reactivates one: the sync leaves it, and says so.
    reactivate(sandbox_env, held(sandbox_env)[disabled])
    plan = materializations(sync(instance, deactivation=ON, full_read=True))["oomnitza_sync_plan"]
    skips = {r.data["graph_id"]: r.data["reason"] for r in plan["skips"].value.records}
    assert "reactivated in Oomnitza after the sync suspended it" in skips[disabled]
    assert held(sandbox_env)[disabled]["suspended"] is False

    # Enabled again in Entra, a suspended user is never reactivated by the sync.
    [back] = changes["leavers"][:1]
    assert held(sandbox_env)[back]["suspended"] is True
    sandbox_env.update_user(disabled, accountEnabled=True)
    sync(instance, deactivation=ON, full_read=True)
    assert held(sandbox_env)[back]["suspended"] is True


def test_mass_deactivation_is_held_by_the_guard(sandbox_env, instance):
    settings = {"deactivation": ON, "guards": {"deactivations": {"count": 2, "share": 0.001}}}
    sync(instance, **settings)
    sandbox_env.mutate_tenant(leavers=5, seed=12)
    blocked = sync(instance, full_read=True, **settings)
    assert not evaluations(blocked)["mass_change"].passed
    assert "5 to deactivate" in evaluations(blocked)["mass_change"].description
    assert not any(user["suspended"] for user in held(sandbox_env).values())


def test_user_plus_saas_user_assigns_the_synced_users_and_unassigns_leavers(sandbox_env, instance):
    settings = {"record_types": "user_and_saas_user", "deactivation": ON}
    first = materializations(sync(instance, **settings))["oomnitza_saas_users"]
    [application] = sandbox_env.saas_applications()
    assert application["saas_name"] == "Microsoft Intune"
    assigned = sandbox_env.saas_users(application["saas_id"])
    users = held(sandbox_env)
    assert {a["user_id"] for a in assigned} == {u["user_id"] for u in users.values()}
    assert first["assigned"] == len(users) and first["failed"] == 0

    gone = sandbox_env.mutate_tenant(leavers=2, seed=13)["leavers"]
    second = materializations(sync(instance, **settings))["oomnitza_saas_users"]
    assert (second["assigned"], second["unassigned"]) == (0, 2)
    left = {a["user_id"] for a in sandbox_env.saas_users(application["saas_id"])}
    assert left == {u["user_id"] for i, u in held(sandbox_env).items() if i not in gone}
    assert len(sandbox_env.saas_applications()) == 1  # found, not made again
