"""Injected faults on every server: throttling, outages, dropped connections, delays."""

import subprocess
import sys
import time

import httpx
import pytest

from intune_pipeline.sandbox import InputError, Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.conftest import Oomnitza, trusting_client


@pytest.fixture
def sandbox(tmp_path):
    with Sandbox(SandboxConfig(users=5, seed=3, state_dir=tmp_path)) as sandbox:
        yield sandbox


@pytest.fixture
def http(sandbox):
    with trusting_client(sandbox) as client:
        yield client


def users(sandbox, http) -> httpx.Response:
    return http.get(f"{sandbox.env['GRAPH_URL']}/v1.0/users", headers={"Authorization": "Bearer x"})


def test_full_throttling_answers_every_graph_call_429_in_graphs_shape(sandbox, http):
    sandbox.set_faults("graph", throttle_rate=1.0, retry_after=0.05)
    for _ in range(5):
        response = users(sandbox, http)
        assert response.status_code == 429 and response.headers["Retry-After"] == "0.05"
        error = response.json()["error"]
        assert error["code"] == "TooManyRequests"
        assert error["innerError"]["request-id"] == response.headers["request-id"]
    inspection = http.get(f"{sandbox.env['GRAPH_URL']}/_sandbox/requests")
    assert inspection.status_code == 200  # /_sandbox/* is never faulted
    assert [e["faults"] for e in inspection.json()] == [["throttled"]] * 5
    assert sandbox.fault_counts()["graph"] == {
        "requests": 5,
        "throttled": 5,
        "errors": 0,
        "resets": 0,
        "malformed": 0,
        "hostile": 0,
        "slow": 0,
    }


def test_a_share_of_requests_is_throttled_and_counted(sandbox, http):
    sandbox.set_faults("graph", throttle_rate=0.3, error_rate=0.1)
    statuses = [users(sandbox, http).status_code for _ in range(200)]
    assert 0.2 < statuses.count(429) / 200 < 0.4
    assert 0.03 < statuses.count(503) / 200 < 0.2
    counts = sandbox.fault_counts()["graph"]
    assert (counts["throttled"], counts["errors"]) == (statuses.count(429), statuses.count(503))
    assert counts["requests"] == 200
    assert statuses.count(401) == 200 - counts["throttled"] - counts["errors"]


def test_the_same_seed_replays_the_same_faults(sandbox, http):
    def run() -> list[int]:
        sandbox.set_faults("graph", throttle_rate=0.5, seed=11)
        return [users(sandbox, http).status_code for _ in range(30)]

    first = run()
    assert first == run() and 429 in first and 401 in first


def test_resets_drop_the_connection_without_an_answer(sandbox, http):
    sandbox.set_faults("graph", reset_rate=1.0)
    for _ in range(3):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError)):
            users(sandbox, http)
    sandbox.set_faults("graph", reset_rate=0.0)
    assert users(sandbox, http).status_code == 401
    assert sandbox.fault_counts()["graph"]["resets"] == 3
    assert [e["status"] for e in sandbox.requests] == [None, None, None, 401]


def test_a_throttled_bulk_upload_stores_nothing(sandbox, http):
    oomnitza = Oomnitza(sandbox, http)
    record = {"USER": "ann@contoso.com", "EMAIL": "ann@contoso.com", "PERMISSIONS_ID": 25}
    upload = {"portion": "p-1", "sync_field": ["EMAIL"], "records": [record], "data_type": "users"}
    held = sandbox.oomnitza_users()
    sandbox.set_faults("oomnitza", throttle_rate=1.0, retry_after=2)
    response = oomnitza.post("/api/v3/bulk", upload)
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert set(response.json()) == {"errors"}
    sandbox.set_faults("oomnitza", throttle_rate=0.0, error_rate=1.0)
    assert oomnitza.post("/api/v3/bulk/p-1/finalize", {}).status_code == 503
    assert sandbox.oomnitza_users() == held and not sandbox.bulk.portions
    sandbox.set_faults("oomnitza", error_rate=0.0)
    assert oomnitza.post("/api/v3/bulk", upload).json() == {"portion": "p-1", "received": 1}
    assert oomnitza.post("/api/v3/bulk/p-1/finalize", {}).status_code == 200
    assert len(sandbox.oomnitza_users()) == len(held) + 1


def test_latency_and_slow_requests_are_added(sandbox, http):
    sandbox.set_faults("oomnitza", latency=0.1)
    started = time.perf_counter()
    Oomnitza(sandbox, http).get("/api/v3/users")
    assert 0.1 <= time.perf_counter() - started < 0.5
    sandbox.set_faults("graph", slow_rate=1.0, slow_seconds=0.3)
    started = time.perf_counter()
    assert users(sandbox, http).status_code == 401
    assert time.perf_counter() - started >= 0.3
    assert sandbox.fault_counts()["graph"]["slow"] == 1
    started = time.perf_counter()
    http.get(f"{sandbox.env['GRAPH_URL']}/_sandbox/faults")
    assert time.perf_counter() - started < 0.2


def test_faults_change_at_run_time_through_the_endpoint(sandbox, http):
    url = f"{sandbox.env['ENTRA_LOGIN_URL']}/_sandbox/faults"
    changed = http.post(url, json={"throttle_rate": 1, "retry_after": 0.5})
    assert changed.status_code == 200 and changed.json()["settings"]["throttle_rate"] == 1
    env = sandbox.env
    token = http.post(f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}/oauth2/v2.0/token")
    assert token.status_code == 429 and token.headers["Retry-After"] == "0.5"
    assert token.json()["error_codes"] == [90055]  # Entra's error shape
    report = http.get(url).json()
    assert report["counts"]["throttled"] == 1 and report["settings"]["retry_after"] == 0.5
    for bad in ({"throttle_rate": 2}, {"nonsense": 1}, [1], {"seed": 1.5}):
        refused = http.post(url, json=bad)
        assert refused.status_code == 400 and refused.json()["error"]
    assert http.get(url).json()["settings"] == report["settings"]


def test_faults_set_at_start_and_refused_when_bad(tmp_path):
    config = SandboxConfig(users=3, state_dir=tmp_path, graph_faults={"error_rate": 1.0})
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        response = users(sandbox, http)
        assert response.status_code == 503 and response.json()["error"]["code"] == (
            "ServiceUnavailable"
        )
    with pytest.raises(InputError, match="--oomnitza-faults"):
        Sandbox(SandboxConfig(users=3, oomnitza_faults={"reset_rate": -1}))
    with pytest.raises(ValueError, match="Unknown server"):
        sandbox.set_faults("nowhere", throttle_rate=1)


@pytest.mark.parametrize(
    "option", ["--graph-faults=throttle_rate=2", "--oomnitza-faults=retry_after"]
)
def test_bad_fault_options_are_one_line_errors(tmp_path, option):
    done = subprocess.run(
        [sys.executable, "-m", "intune_pipeline.sandbox", "--state-dir", str(tmp_path), option],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert option.split("=")[0] in done.stderr
