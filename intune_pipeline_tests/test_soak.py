"""The soak: a 50,000-user sync with faults on every side ends exactly as a fault-free one.

Both runs start from the same generated tenant and an empty Oomnitza. The faulty one meets
throttling with Retry-After, 503s, dropped connections, mangled answers (applied, then lost
on the way back), slow answers, access tokens that live a minute and a throttled login host.
It runs in `make test` (about a minute); `make soak` runs it alone and prints its figures,
which benchmarks/RESULTS.md reports. INTUNE_SOAK_USERS makes it smaller or larger.
"""

import json
import os
from collections import Counter

import pytest

from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD
from intune_pipeline_tests.fault_runs import synced_state

USERS = int(os.environ.get("INTUNE_SOAK_USERS", "50000"))
SEED = 8
GRAPH_FAULTS = {
    "throttle_rate": 0.10,
    "retry_after": 1.0,
    "error_rate": 0.05,
    "reset_rate": 0.03,
    "malformed_rate": 0.03,
    "slow_rate": 0.05,
    "slow_seconds": 2.0,
}
OOMNITZA_FAULTS = {
    "throttle_rate": 0.10,
    "retry_after": 0.5,
    "error_rate": 0.05,
    "reset_rate": 0.02,
    "malformed_rate": 0.03,
    "slow_rate": 0.02,
    "slow_seconds": 2.0,
}
LOGIN_FAULTS = {"throttle_rate": 0.05, "retry_after": 0.5}
TOKEN_LIFETIME = 60  # seconds: msal renews tokens this short before every request


@pytest.mark.timeout(900)
def test_a_sync_through_faults_on_both_sides_ends_as_the_fault_free_one(tmp_path):
    clean = synced_state(tmp_path / "clean", USERS, SEED)
    faulty = synced_state(
        tmp_path / "faulty",
        USERS,
        SEED,
        graph_faults=GRAPH_FAULTS,
        oomnitza_faults=OOMNITZA_FAULTS,
        login_faults=LOGIN_FAULTS,
        token_lifetime=TOKEN_LIFETIME,
    )
    assert clean.success, clean.error
    assert faulty.success, faulty.error
    assert len(clean.records) > USERS * 0.8  # most of the messy tenant is loadable
    # Nothing lost, nothing duplicated, nothing different.
    assert faulty.records == clean.records
    ids = Counter(record[INTUNE_USER_ID_FIELD] for record in faulty.records)
    assert ids.most_common(1)[0][1] == 1

    graph, oomnitza = faulty.faults["graph"], faulty.faults["oomnitza"]
    for kind in ("throttled", "errors", "resets", "malformed", "slow"):
        assert graph[kind] > 0, f"no Graph {kind} were injected: the soak proves nothing"
    for kind in ("throttled", "errors", "malformed"):
        assert oomnitza[kind] > 0, f"no Oomnitza {kind} were injected"
    assert faulty.tokens_issued > clean.tokens_issued
    report(clean, faulty)


def report(clean, faulty) -> None:
    """The figures for benchmarks/RESULTS.md: printed, and written where INTUNE_SOAK_REPORT says."""
    figures = {
        "users": USERS,
        "records_in_oomnitza": len(faulty.records),
        "fault_free": {
            "seconds": round(clean.seconds, 1),
            "requests": clean.requests,
            "tokens_issued": clean.tokens_issued,
        },
        "faulty": {
            "seconds": round(faulty.seconds, 1),
            "requests": faulty.requests,
            "retried_requests": faulty.faulted_requests,
            "tokens_issued": faulty.tokens_issued,
            "faults": faulty.faults,
        },
        "settings": {"graph": GRAPH_FAULTS, "oomnitza": OOMNITZA_FAULTS, "login": LOGIN_FAULTS},
    }
    text = json.dumps(figures, indent=2)
    print(text)
    if os.environ.get("INTUNE_SOAK_REPORT"):
        with open(os.environ["INTUNE_SOAK_REPORT"], "w") as file:
            file.write(text + "\n")
