"""Uploading records as one bulk portion, the way Oomnitza's own connector does."""

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from intune_pipeline.errors import PipelineError, RemoteError
from intune_pipeline.oomnitza.client import OomnitzaClient

log = logging.getLogger(__name__)

CONNECTOR_VERSION = "intune-pipeline/0.1"
OUTCOMES = ("added", "updated", "unchanged", "skipped", "failed", "canceled")
ROLE_REFUSED = "a defined role is necessary"  # Oomnitza's words for a record without a role


@dataclass
class PortionOutcome:
    """What Oomnitza's run log says became of a portion's records."""

    portion: str
    sent: int
    canceled: bool
    status: str
    counts: dict[str, int]
    logs: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FailureGuard:
    """Stop sending when more than share of the first sample records fail in Oomnitza.

    As Entra provisioning quarantines a job at 40 % failures: a broken mapping or role should
    cost a few failed records, not a whole tenant's.
    """

    share: float = 0.4
    sample: int = 1000


class FailureRateTripped(PipelineError):
    """The failure_rate guard stopped the upload; the portion is finalized with what was sent."""

    def __init__(self, message: str, outcome: "PortionOutcome"):
        super().__init__(message)
        self.outcome = outcome


def upload_portion(
    client: OomnitzaClient,
    records: list[dict],
    *,
    sync_fields: list[str],
    connector_name: str,
    batch_size: int = 500,
    concurrency: int = 1,
    insert_only: bool = False,
    update_only: bool = False,
    test_run: bool = False,
    failure_guard: FailureGuard | None = None,
    settle_timeout: float = 300.0,
) -> PortionOutcome:
    """Send records in batches of one portion, finalize it and read its outcome back.

    Up to concurrency batches are in flight at once. With a failure guard, the batches that
    cover its sample go first; if too many of them fail, the rest is not sent. A test run is
    processed and logged like any portion, but Oomnitza writes nothing.
    """
    portion = str(uuid.uuid4())
    options = {
        "connector_version": CONNECTOR_VERSION,
        "sync_field": sync_fields,
        "portion": portion,
        "data_type": "users",
        "insert_only": insert_only,
        "update_only": update_only,
        "error": None,
        "test_run": test_run,
        "multi_str_input_value": None,
        "connector_name": connector_name,
    }
    batches = [records[start : start + batch_size] for start in range(0, len(records), batch_size)]
    sender = BatchSender(client, options, concurrency)
    first = len(batches)
    if failure_guard:
        first = min(len(batches), -(-failure_guard.sample // batch_size))
    sender.send(batches[:first])
    tripped = None
    if failure_guard and sender.sent and not sender.canceled:
        tripped = failure_rate(client.run_log(portion), failure_guard)
    if tripped is None:
        sender.send(batches[first:])
    outcome = finish(client, portion, sender, settle_timeout)
    if tripped:
        raise FailureRateTripped(
            f"{tripped} {outcome.sent} of {len(records)} records were sent; the rest were not.",
            outcome,
        )
    return outcome


def failure_rate(run_log: dict, guard: FailureGuard) -> str | None:
    """Why the guard trips on what Oomnitza has processed so far, or None."""
    objects = run_log.get("objects") or {}
    failed = int(objects.get("failed") or 0)
    done = sum(int(objects.get(name) or 0) for name in OUTCOMES)
    if done and failed / done > guard.share:
        return (
            f"The failure_rate guard stopped the upload: Oomnitza failed {failed} of the first "
            f"{done} records ({failed / done:.0%}; the limit is {guard.share:.0%})."
        )
    return None


class BatchSender:
    """Posts batches of one portion, up to concurrency at a time, checking for a cancel first."""

    def __init__(self, client: OomnitzaClient, options: dict, concurrency: int):
        self.client, self.options, self.concurrency = client, options, max(1, concurrency)
        self.sent, self.canceled = 0, False
        self._lock = threading.Lock()

    def send(self, batches: list[list[dict]]) -> None:
        if not batches or self.canceled:
            return
        if self.concurrency == 1:
            for batch in batches:
                self._post(batch)
            return
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="oomnitza-batch") as pool:
            for future in [pool.submit(self._post, batch) for batch in batches]:
                future.result()

    def _post(self, batch: list[dict]) -> None:
        portion = self.options["portion"]
        if self.canceled or self.client.portion_state(portion).get("canceled"):
            if not self.canceled:
                log.warning(
                    "Portion %s was cancelled in Oomnitza after %d records", portion, self.sent
                )
            self.canceled = True
            return
        self.client.post_batch({**self.options, "records": batch})
        with self._lock:
            self.sent += len(batch)
        log.info("Sent %d records to Oomnitza portion %s", self.sent, portion)


def finish(client: OomnitzaClient, portion: str, sender: BatchSender, timeout: float):
    """Finalize the portion and read its settled outcome (an empty run has none)."""
    if sender.sent:
        client.finalize(portion)
        run_log = settled_run_log(client, portion, timeout)
    else:
        run_log = {"status": "empty", "objects": {}, "logs": {}}
    counts = {name: int(run_log.get("objects", {}).get(name) or 0) for name in OUTCOMES}
    logs = {name: list(lines) for name, lines in (run_log.get("logs") or {}).items() if lines}
    return PortionOutcome(
        portion, sender.sent, sender.canceled, run_log.get("status", ""), counts, logs
    )


def unknown_roles(
    client: OomnitzaClient, records: list[dict], *, sync_fields: list[str], connector_name: str
) -> list:
    """The roles of records that Oomnitza does not know, found with a test run.

    One record per role goes in a test-run portion, so nothing is written; Oomnitza's run log
    says which of them fail for want of a defined role.
    """
    probes: dict = {}
    for record in records:
        probes.setdefault(record.get("PERMISSIONS_ID"), record)
    if not probes:
        return []
    outcome = upload_portion(
        client,
        list(probes.values()),
        sync_fields=sync_fields,
        connector_name=connector_name,
        test_run=True,
    )
    failed = outcome.logs.get("failed", [])
    key = sync_fields[0]
    return sorted(
        role
        for role, record in probes.items()
        if any(ROLE_REFUSED in line and str(record.get(key)) in line for line in failed)
    )


def settled_run_log(client: OomnitzaClient, portion: str, timeout: float) -> dict:
    """Oomnitza processes portions on its side: wait until none of its records is processing."""
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        run_log = client.run_log(portion)
        processing = int((run_log.get("objects") or {}).get("processing") or 0)
        if processing == 0 and run_log.get("status") != "in progress":
            return run_log
        if time.monotonic() > deadline:
            raise RemoteError(
                f"Oomnitza was still processing {processing} records of portion {portion} "
                f"after {timeout:.0f} s; its run log shows the final outcome once it is done."
            )
        time.sleep(pause)
        pause = min(pause * 2, 2.0)
