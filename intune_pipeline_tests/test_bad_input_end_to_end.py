"""Property-based, end to end: a tenant file of generated good and bad users, served by the
sandbox's Graph over HTTPS and synced through Dagster into its Oomnitza. The run succeeds,
every good user arrives with its values, and every other one is explained in the metadata."""

import uuid

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD
from intune_pipeline.summary import materializations
from intune_pipeline_tests.fault_runs import sandbox_environment
from intune_pipeline_tests.graph_payloads import bad_user, good_user
from intune_pipeline_tests.instances import instance_for_test
from intune_pipeline_tests.runs import sync


@st.composite
def tenant_files(draw) -> tuple[list[dict], list[dict]]:
    """(good users, every user): the sandbox takes objects with distinct text ids only."""
    good = [draw(good_user(n)) for n in range(draw(st.integers(1, 15)))]
    bad = []
    for n in range(draw(st.integers(1, 15))):
        user = draw(bad_user(100 + n))
        if not isinstance(user, dict) or not user:
            continue
        spoiled_id = isinstance(user.get("id"), str) and not user["id"].strip()
        user["id"] = f"not-a-guid-{n}" if spoiled_id else str(uuid.uuid4())
        bad.append(user)
    return good, draw(st.permutations(good + bad))


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(tenant_files())
def test_a_messy_tenant_syncs_its_good_users_and_explains_the_rest(tmp_path_factory, tenant):
    good, users = tenant
    state = tmp_path_factory.mktemp("tenant")
    (state / "tenant.json").write_bytes(orjson.dumps(users))
    config = SandboxConfig(tenant_file=state / "tenant.json", state_dir=state)
    with Sandbox(config) as sandbox, sandbox_environment(sandbox):
        with instance_for_test() as instance:
            result = sync(instance, full_read=True, guards={"rejected_share": 1.0})
            assert result.success
            assets = materializations(result)
        held = {u[INTUNE_USER_ID_FIELD]: u for u in sandbox.oomnitza_users()}

    mails = [u["mail"].lower() for u in users if isinstance(u.get("mail"), str)]
    for user in good:
        if mails.count(user["mail"].lower()) == 1:
            record = held[user["id"]]
            assert record["email"] == user["mail"].lower()
            assert record["first_name"] == user["givenName"].strip()
    explained = set()
    for asset, key in (("graph_users", "rejections"), ("oomnitza_users", "rejections")):
        explained |= {row.data["id"] for row in assets[asset][key].records}
    explained |= {row.data["id"] for row in assets["oomnitza_users"]["skips"].records}
    for user in users:
        assert (user["id"] in held) != (user["id"] in explained), user
