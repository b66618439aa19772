"""Bulk portions and the two run-log shapes Oomnitza reports them in."""

import time
from dataclasses import dataclass, field

OUTCOMES = ("added", "updated", "failed", "skipped", "unchanged", "canceled", "processing")
LOG_CATEGORIES = ("added", "updated", "unchanged", "skipped", "failed", "Fatal Error")
MAX_TEST_PAYLOAD = 1000  # records of a test run kept for test_run_payload


@dataclass
class Portion:
    """One connector run: its records' outcomes and one log line per record."""

    id: str
    number: int
    connector: str
    test_run: bool
    ipv4_address: str
    start_time: int = field(default_factory=lambda: int(time.time()))
    end_time: int | None = None
    canceled: bool = False
    finalized: bool = False
    received: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    logs: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in LOG_CATEGORIES})
    test_run_payload: list[dict] = field(default_factory=list)

    def record(self, category: str, message: str) -> None:
        counted = "failed" if category == "Fatal Error" else category
        self.counts[counted] += 1
        self.logs[category].append(message)

    @property
    def status(self) -> str:
        if self.canceled:
            return "canceled"
        return "finished" if self.finalized else "in progress"

    def state(self) -> dict:
        """What GET /api/v3/bulk/{portion} answers."""
        return {"portion": self.id, "canceled": self.canceled, "finalized": self.finalized}

    def details(self) -> dict:
        """OpenAPI "Connector run logs portion details"."""
        return {
            "connector": self.connector,
            "deployment": "local",
            "start_time": self.start_time,
            "end_time": self.end_time,
            "status": self.status,
            "ipv4_address": self.ipv4_address,
            "objects": dict(self.counts),
            "logs": {category: list(lines) for category, lines in self.logs.items()},
            "file_attachment": None,
            "test_run": self.test_run,
            "test_run_payload": list(self.test_run_payload),
        }

    def summary(self) -> dict:
        """OpenAPI "Connector run logs", one entry of a connector's list of runs."""
        return {
            "portion_id": self.number,
            "portion_correlation_id": self.id,
            "start_time": float(self.start_time),
            "end_time": float(self.end_time) if self.end_time is not None else None,
            "connector": self.connector,
            "is_media_storage_service": False,
            "status": self.status,
            "test_run": self.test_run,
            "deployment": "local",
            "ipv4_address": self.ipv4_address,
            "added_records_count": self.counts["added"],
            "updated_records_count": self.counts["updated"],
            "skipped_records_count": self.counts["skipped"],
            "error_logs_count": self.counts["failed"],
        }
