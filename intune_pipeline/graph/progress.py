"""Progress lines while paging: how many so far, how fast, and how long is left when known."""

import logging
import time

log = logging.getLogger(__name__)

EVERY_SECONDS = 5.0


class Progress:
    def __init__(self, what: str):
        self.what = what
        self.items = self.pages = 0
        self.total: int | None = None
        self.started = self.reported = time.monotonic()

    def page(self, items: int, total: int | None = None) -> None:
        self.items += items
        self.pages += 1
        if total is not None:
            self.total = int(total)
        now = time.monotonic()
        if now - self.reported >= EVERY_SECONDS:
            self.reported = now
            log.info("%s", self.line(now))

    def line(self, now: float) -> str:
        rate = self.items / max(now - self.started, 1e-6)
        text = f"{self.what}: {self.items:,} read in {self.pages} pages ({rate:,.0f}/s)"
        if self.total and rate > 0 and self.total > self.items:
            text += f", {self.total:,} in all, about {(self.total - self.items) / rate:.0f} s left"
        return text

    def done(self) -> None:
        log.info("%s, done", self.line(time.monotonic()))
