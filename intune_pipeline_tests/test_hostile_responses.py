"""Answers a sync must not trust: links and redirects to another host, mangled bodies,
certificates nobody vouches for, and answers that never come."""

import random
import time

import httpx
import pytest

from intune_pipeline.defs.alerts.failures import root_cause
from intune_pipeline.errors import RemoteError
from intune_pipeline.http import RetryPolicy, http_client, send, tls_context
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.sandbox.fault_answers import HOSTILE_MARKER
from intune_pipeline_tests.fault_runs import sandbox_environment
from intune_pipeline_tests.runs import sync
from intune_pipeline_tests.test_setting_errors import failure


def oomnitza_auth(sandbox) -> dict:
    return {"Authorization2": sandbox.env["OOMNITZA_API_TOKEN"]}


def followed(sandbox) -> list[dict]:
    """Requests that came to the sandbox under the hostile host name: none may."""
    return [r for r in sandbox.requests if HOSTILE_MARKER in r["query"]]


def seed_for(pattern: list[bool], rate: float) -> int:
    """A fault seed under which the sandbox's first requests are faulted as pattern says (it
    draws two numbers a request, the first deciding the fault)."""
    for seed in range(10_000):
        draws = random.Random(seed)
        if all((draws.random() < rate) == hit and draws.random() >= 0 for hit in pattern):
            return seed
    raise AssertionError("no seed found")


@pytest.mark.parametrize(
    ("server", "pattern", "refusal"),
    [
        ("graph", [True], "Graph answered 307 redirecting to 'localhost:{port}'; redirects are"),
        # The first users page's @odata.nextLink points at the other host.
        ("graph", [False, True], "Graph sent a link to 'localhost:{port}', which is not the"),
        ("oomnitza", [True], "Oomnitza answered 307 redirecting to 'localhost:{port}'; redire"),
    ],
)
def test_a_token_never_follows_a_link_or_redirect_to_another_host(
    tmp_path, instance, server, pattern, refusal
):
    faults = {"hostile_rate": 0.5, "seed": seed_for(pattern, 0.5)}
    # Over 999 users, so that Graph's answer has a second page to link to.
    config = SandboxConfig(users=1200, seed=2, state_dir=tmp_path, **{f"{server}_faults": faults})
    with Sandbox(config) as sandbox, sandbox_environment(sandbox):
        # One listing: a segmented read asks Graph's count beside the delta link, so the order
        # of the first requests, which the faults follow, would vary.
        message = failure(sync(instance, full_read=True, users={"segmented_read": False}))
        port = httpx.URL(sandbox.env[f"{server.upper()}_URL"]).port
        assert refusal.format(port=port) in message
        assert followed(sandbox) == [] and sandbox.oomnitza_users() == []


def test_a_proxy_page_or_a_broken_body_is_retried_then_reported_with_what_came(sandbox_env, caplog):
    sandbox_env.set_faults("oomnitza", malformed_rate=1.0)
    context = tls_context(sandbox_env.env["INTUNE_PIPELINE_CA_BUNDLE"], "ca_bundle")
    with http_client(context) as http:
        url = f"{sandbox_env.env['OOMNITZA_URL']}/api/v3/users"
        request = http.build_request("GET", url, headers=oomnitza_auth(sandbox_env))
        with pytest.raises(RemoteError) as failed:
            send(http, request, "Oomnitza", RetryPolicy(attempts=3, base_delay=0.01))
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert "with a body that is not JSON (text/html; charset=utf-8" in retries[0]
    assert "Bad Gateway" in retries[0] and "not JSON (application/json" in retries[1]
    assert str(failed.value).startswith("Oomnitza GET /api/v3/users still failing after 3 ")
    assert "body that is not JSON" in str(failed.value)  # the truncated one, third


def test_mangled_answers_are_retried_and_nothing_is_applied_twice(sandbox_env, instance):
    sandbox_env.set_faults("graph", malformed_rate=0.3, seed=seed_for([True], 0.3))
    sandbox_env.set_faults("oomnitza", malformed_rate=0.3, seed=5)
    result = sync(instance, full_read=True, batch_size=25)
    assert result.success
    counts = sandbox_env.fault_counts()
    assert counts["graph"]["malformed"] > 0 and counts["oomnitza"]["malformed"] > 0
    users = sandbox_env.oomnitza_users()
    assert len({u["email"] for u in users}) == len(users) > 300
    sandbox_env.set_faults("graph", malformed_rate=0)
    sandbox_env.set_faults("oomnitza", malformed_rate=0)
    again = sync(instance, full_read=True)
    plan = next(m for m in again.get_asset_materialization_events() if "plan" in str(m.asset_key))
    metadata = plan.materialization.metadata
    assert (metadata["create"].value, metadata["update"].value) == (0, 0)  # it all arrived


def test_verification_is_always_on_and_a_failed_check_is_not_retried(
    sandbox_env, instance, monkeypatch
):
    monkeypatch.delenv("INTUNE_PIPELINE_CA_BUNDLE")  # the sandbox's CA is trusted by nobody
    started = time.monotonic()
    result = sync(instance, full_read=True)
    assert time.monotonic() - started < 30
    errors = [e.step_failure_data.error for e in result.all_events if e.is_step_failure]
    messages = [root_cause(error).message for error in errors]
    assert messages and all("could not be verified" in m for m in messages)
    assert all("CERTIFICATE_VERIFY_FAILED" in m and "ca_bundle setting" in m for m in messages)
    assert sandbox_env.oomnitza_users() == []


def test_an_answer_that_never_comes_is_cut_off_by_the_timeout(sandbox_env):
    sandbox_env.set_faults("oomnitza", slow_rate=1.0, slow_seconds=3)
    context = tls_context(sandbox_env.env["INTUNE_PIPELINE_CA_BUNDLE"], "ca_bundle")
    started = time.monotonic()
    with http_client(context, timeout=0.5) as http:
        request = http.build_request("GET", f"{sandbox_env.env['OOMNITZA_URL']}/api/v3/users")
        with pytest.raises(RemoteError, match=r"after 2 attempts .* ReadTimeout"):
            send(http, request, "Oomnitza", RetryPolicy(attempts=2, base_delay=0.1))
    assert time.monotonic() - started < 2.5
    default = http_client(context)
    assert (default.timeout.read, default.timeout.connect) == (60.0, 15.0)
    assert not default.follow_redirects
