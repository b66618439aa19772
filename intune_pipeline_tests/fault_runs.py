"""Helpers of the fault tests: a sync against a fresh sandbox, and what Oomnitza ends up holding."""

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD, SYSTEM_FIELDS
from intune_pipeline_tests.instances import instance_for_test
from intune_pipeline_tests.runs import sync


def held_records(sandbox: Sandbox) -> list[dict]:
    """Oomnitza's users without the fields Oomnitza sets itself (ids, versions, dates)."""
    records = [
        {name: value for name, value in user.items() if name not in SYSTEM_FIELDS}
        for user in sandbox.oomnitza_users()
    ]
    return sorted(records, key=lambda r: (str(r.get(INTUNE_USER_ID_FIELD)), str(r.get("email"))))


def upload_posts(sandbox: Sandbox) -> int:
    """Batches posted to a sync's portion: those after its rehearsal (a test run) ended."""
    requests = sandbox.requests
    ends = [n for n, r in enumerate(requests) if r["path"].endswith("/finalize")]
    later = requests[ends[0] :] if ends else []
    return sum(1 for r in later if r["method"] == "POST" and r["path"] == "/api/v3/bulk")


@contextmanager
def sandbox_environment(sandbox: Sandbox):
    """The sandbox's settings in os.environ for as long as the block lasts."""
    before = {name: os.environ.get(name) for name in sandbox.env}
    os.environ.update(sandbox.env)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class SyncedState:
    """What one full sync against a fresh sandbox did and left behind."""

    success: bool
    records: list[dict]
    seconds: float
    faults: dict = field(default_factory=dict)
    requests: int = 0
    faulted_requests: int = 0
    tokens_issued: int = 0
    error: str = ""


def synced_state(state_dir: Path, users: int, seed: int, **config) -> SyncedState:
    """One full sync of a generated tenant into an empty Oomnitza; config goes to the sandbox
    (faults, token_lifetime), so the same seed gives the same tenant with and without faults."""
    sandbox_config = SandboxConfig(users=users, seed=seed, state_dir=state_dir, **config)
    with Sandbox(sandbox_config) as sandbox, sandbox_environment(sandbox):
        with instance_for_test() as instance:
            started = time.monotonic()
            result = sync(instance, full_read=True)
            seconds = time.monotonic() - started
        failures = [event for event in result.all_events if event.is_step_failure]
        logged = sandbox.requests
        return SyncedState(
            success=result.success,
            records=held_records(sandbox),
            seconds=seconds,
            faults=sandbox.fault_counts(),
            requests=len(logged),
            # Answered with a fault the client must retry (slow answers are merely late).
            faulted_requests=sum(1 for e in logged if set(e.get("faults") or ()) - {"slow"}),
            tokens_issued=sandbox.tokens._issued,  # the sandbox keeps no public count
            error=failures[0].step_failure_data.error.message if failures else "",
        )
