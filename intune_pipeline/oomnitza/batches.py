"""Sending a portion's batches, some at once, stopping once it is cancelled in Oomnitza."""

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import takewhile

from intune_pipeline.errors import RemoteError
from intune_pipeline.oomnitza.client import OomnitzaClient

log = logging.getLogger(__name__)

OUTCOMES = ("added", "updated", "unchanged", "skipped", "failed", "canceled")
# Oomnitza's connector asks whether the portion was cancelled before every batch, which doubles
# the round trips of an upload; asked at most this often, a cancel still stops it within about
# a second (and the batches already in flight). Not asked before the first batch: the portion is
# new (its id was just made), so nobody can have cancelled it yet, and that question cost a
# round trip per portion.
CANCEL_CHECK_SECONDS = 1.0
# Between progress lines in the run's log: a line per batch was 93 stored events (0.27 s) at
# 100,000 users and 930 at a million; the portion's outcome gives the final count.
PROGRESS_SECONDS = 2.0


class Every:
    """Due at most once every seconds (callers hold a lock): from the first time it is asked, or
    once seconds have passed when it starts waiting."""

    def __init__(self, seconds: float, waiting: bool = False):
        self.seconds = seconds
        self._next = time.monotonic() + seconds if waiting else 0.0  # when it is next due

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.seconds
        return True


class BatchSender:
    """Posts batches of one new portion, up to concurrency at a time, stopping once it is
    cancelled in Oomnitza (asked every CANCEL_CHECK_SECONDS from the start)."""

    def __init__(self, client: OomnitzaClient, options: dict, concurrency: int):
        self.client, self.options, self.concurrency = client, options, max(1, concurrency)
        self.sent, self.canceled = 0, False
        self._lock = threading.Lock()
        self._cancel_checks = Every(CANCEL_CHECK_SECONDS, waiting=True)
        self._progress_lines = Every(PROGRESS_SECONDS)

    def send(self, batches: Iterable[list[dict]]) -> None:
        """Post batches, taken from the iterable as it gives them (a post begins as soon as its
        batch is given)."""
        given = takewhile(lambda _: not self.canceled, batches)  # none made after a cancel
        if self.concurrency == 1:
            for batch in given:
                self._post(batch)
            return
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="oomnitza-batch") as pool:
            for future in [pool.submit(self._post, batch) for batch in given]:
                future.result()

    def _post(self, batch: list[dict]) -> None:
        portion = self.options["portion"]
        if self._cancelled(portion):
            return
        try:
            self.client.post_batch({**self.options, "records": batch})
        except RemoteError as error:
            # Cancelled between two checks: Oomnitza refuses the batch (the sandbox with 409).
            transient = error.status is None or error.status >= 500 or error.transient
            if transient or not self.client.portion_state(portion).get("canceled"):
                raise
            self._stop(portion)
            return
        with self._lock:
            self.sent += len(batch)
            due = self._progress_lines.due()
        if due:
            log.info("Sent %d records to Oomnitza portion %s", self.sent, portion)

    def _cancelled(self, portion: str) -> bool:
        with self._lock:
            due = not self.canceled and self._cancel_checks.due()
        if due and self.client.portion_state(portion).get("canceled"):
            self._stop(portion)
        return self.canceled

    def _stop(self, portion: str) -> None:
        with self._lock:
            if not self.canceled:
                log.warning(
                    "Portion %s was cancelled in Oomnitza after %d records", portion, self.sent
                )
            self.canceled = True
