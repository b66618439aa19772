"""Malformed and hostile answers: what a broken proxy or a hijacked address would send."""

import httpx
import orjson
import pytest

from intune_pipeline.sandbox import InputError, Sandbox, SandboxConfig
from intune_pipeline.sandbox.fault_answers import HOSTILE_MARKER
from intune_pipeline_tests.sandbox.conftest import Oomnitza, trusting_client
from intune_pipeline_tests.sandbox.graph_client import graph_token

RECORD = {"USER": "ann@contoso.com", "EMAIL": "ann@contoso.com", "PERMISSIONS_ID": 25}


@pytest.fixture
def sandbox(tmp_path):
    with Sandbox(SandboxConfig(users=30, seed=3, state_dir=tmp_path)) as sandbox:
        yield sandbox


def test_malformed_answers_come_after_the_write_in_three_kinds(sandbox):
    sandbox.set_faults("oomnitza", malformed_rate=1.0)
    with trusting_client(sandbox) as http:
        oomnitza = Oomnitza(sandbox, http)
        upload = {"portion": "p-1", "sync_field": ["EMAIL"], "data_type": "users"}
        answers = [
            oomnitza.post("/api/v3/bulk", {**upload, "records": [{**RECORD, "USER": f"u{n}"}]})
            for n in range(3)
        ]
    html, invalid, truncated = answers
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert b"Bad Gateway" in html.content
    for answer in (invalid, truncated):
        assert answer.status_code == 200
        assert int(answer.headers["content-length"]) == len(answer.content)
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(answer.content)
    # The app did its work before the answer was mangled: the three batches were received.
    assert sandbox.bulk.portions["p-1"].received == 3
    assert sandbox.fault_counts()["oomnitza"]["malformed"] == 3


def test_a_hostile_graph_page_points_its_next_link_at_another_host(sandbox):
    with trusting_client(sandbox) as http:
        token = graph_token(sandbox, http)
        sandbox.set_faults("graph", hostile_rate=1.0)
        url = f"{sandbox.env['GRAPH_URL']}/v1.0/users"
        page = http.get(url, params={"$top": 5}, headers={"Authorization": f"Bearer {token}"})
    link = httpx.URL(page.json()["@odata.nextLink"])
    assert link.host == "localhost" and HOSTILE_MARKER in str(link.query, "ascii")
    assert link.port == httpx.URL(url).port
    assert sandbox.fault_counts()["graph"]["hostile"] == 1


def test_a_hostile_write_is_redirected_and_not_applied(sandbox):
    sandbox.set_faults("oomnitza", hostile_rate=1.0)
    held = sandbox.oomnitza_users()
    with trusting_client(sandbox) as http:
        upload = {"portion": "p-2", "sync_field": ["EMAIL"], "records": [RECORD]}
        answer = Oomnitza(sandbox, http).post("/api/v3/bulk", {**upload, "data_type": "users"})
    assert answer.status_code == 307
    location = httpx.URL(answer.headers["location"])
    assert location.host == "localhost" and location.path == "/api/v3/bulk"
    assert sandbox.oomnitza_users() == held and not sandbox.bulk.portions
    assert sandbox.requests[-1]["faults"] == ["hostile"]


def test_the_fault_rates_together_may_not_exceed_one(tmp_path):
    config = SandboxConfig(users=1, state_dir=tmp_path, graph_faults={"malformed_rate": 0.6})
    config.graph_faults["hostile_rate"] = 0.5
    with pytest.raises(InputError, match=r"--graph-faults: .*hostile_rate may not exceed 1"):
        config.check()
