"""Uploading records as one bulk portion, the way Oomnitza's own connector does."""

import logging
import time
import uuid
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from intune_pipeline.errors import PipelineError, RemoteError
from intune_pipeline.oomnitza.batches import (
    OUTCOMES,
    BatchSender,
    FailureGuard,
    failure_rate,
)
from intune_pipeline.oomnitza.client import OomnitzaClient

log = logging.getLogger(__name__)

CONNECTOR_VERSION = "intune-pipeline/0.1"
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


class FailureRateTripped(PipelineError):
    """The failure_rate guard stopped the upload; the portion is finalized with what was sent."""

    def __init__(self, message: str, outcome: PortionOutcome):
        super().__init__(message)
        self.outcome = outcome


def upload_portion(
    client: OomnitzaClient,
    records: Collection[dict],
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

    Up to concurrency batches are in flight at once. Records are taken as each batch is made,
    so records made on demand (PlanRecords) are made while the batches before them are in
    flight. With a failure guard, the batches that cover its sample go first; if too many of
    them fail, the rest is not sent. A test run is processed and logged like any portion, but
    Oomnitza writes nothing.
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
    batches = batched(records, batch_size)
    sender = BatchSender(client, options, concurrency)
    tripped = None
    if failure_guard:
        sender.send(islice(batches, -(-failure_guard.sample // batch_size)))
        if sender.sent and not sender.canceled:
            tripped = failure_rate(client.run_log(portion), failure_guard)
    if tripped is None:
        sender.send(batches)
    outcome = finish(client, portion, sender, settle_timeout)
    if tripped:
        raise FailureRateTripped(
            f"{tripped} {outcome.sent} of {len(records)} records were sent; the rest were not.",
            outcome,
        )
    return outcome


def batched(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """records in lists of size (the last one shorter)."""
    records = iter(records)
    while batch := list(islice(records, size)):
        yield batch


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
    client: OomnitzaClient, records: Iterable[dict], *, sync_fields: list[str], connector_name: str
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
