"""Uploading records as one bulk portion, the way Oomnitza's own connector does."""

import logging
import time
import uuid
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

from intune_pipeline.errors import RemoteError
from intune_pipeline.oomnitza.batches import OUTCOMES, BatchSender
from intune_pipeline.oomnitza.client import OomnitzaClient

log = logging.getLogger(__name__)

CONNECTOR_VERSION = "intune-pipeline/0.1"


@dataclass
class PortionOutcome:
    """What Oomnitza's run log says became of a portion's records."""

    portion: str
    sent: int
    canceled: bool
    status: str
    counts: dict[str, int]
    logs: dict[str, list[str]] = field(default_factory=dict)


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
    settle_timeout: float = 300.0,
) -> PortionOutcome:
    """Send records in batches of one portion, finalize it and read its outcome back.

    Up to concurrency batches are in flight at once. Records are taken as each batch is made,
    so records made on demand (PlanRecords) are made while the batches before them are in
    flight. A test run is processed and logged like any portion, but Oomnitza writes nothing.
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
    sender = BatchSender(client, options, concurrency)
    sender.send(batched(records, batch_size))
    return finish(client, portion, sender, settle_timeout)


def batched(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """records in lists of size (the last one shorter)."""
    records = iter(records)
    while batch := list(islice(records, size)):
        yield batch


def finish(client: OomnitzaClient, portion: str, sender: BatchSender, timeout: float):
    """Finalize the portion and read its settled outcome (an empty run has none).

    The run log is read while the finalize is in flight: once it accounts for every record sent,
    it is the outcome, and the finalize's round trip is not waited for on its own.
    """
    if sender.sent:
        with ThreadPoolExecutor(1, thread_name_prefix="oomnitza-finalize") as pool:
            finalized = pool.submit(client.finalize, portion)
            run_log = settled_run_log(client, portion, sender.sent, finalized, timeout)
            finalized.result()
    else:
        run_log = {"status": "empty", "objects": {}, "logs": {}}
    counts = {name: int(run_log.get("objects", {}).get(name) or 0) for name in OUTCOMES}
    logs = {name: list(lines) for name, lines in (run_log.get("logs") or {}).items() if lines}
    return PortionOutcome(
        portion, sender.sent, sender.canceled, run_log.get("status", ""), counts, logs
    )


def settled_run_log(
    client: OomnitzaClient, portion: str, sent: int, finalized: Future, timeout: float
) -> dict:
    """Oomnitza processes portions on its side: wait until none of its records is processing and
    the run log accounts for every record sent, or, once finalized, says it is no longer in
    progress (should it count records otherwise)."""
    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        was_finalized = finalized.done()
        run_log = client.run_log(portion)
        objects = run_log.get("objects") or {}
        processing = int(objects.get("processing") or 0)
        done = sum(int(objects.get(name) or 0) for name in OUTCOMES)
        ended = was_finalized and run_log.get("status") != "in progress"
        if processing == 0 and (done >= sent or ended):
            return run_log
        if finalized.done() and finalized.exception() is not None:
            raise finalized.exception()
        if time.monotonic() > deadline:
            raise RemoteError(
                f"Oomnitza was still processing {processing} records of portion {portion} "
                f"after {timeout:.0f} s; its run log shows the final outcome once it is done."
            )
        time.sleep(pause)
        pause = min(pause * 2, 2.0)
