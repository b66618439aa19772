"""A record of every request the sandbox served: never headers or bodies, so never secrets."""

import threading
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import orjson

MAX_KEPT = 1_000_000  # in memory; the JSON lines file keeps everything
FLUSH_EVERY = 1.0  # seconds between writes of the buffered file


class RequestLog:
    """Entries in memory for inspection, appended as JSON lines to a file, flushed cheaply."""

    def __init__(self, path: Path | None):
        self._entries: deque[dict] = deque(maxlen=MAX_KEPT)
        self._lock = threading.Lock()
        self._file = path.open("ab", buffering=1 << 16) if path else None
        self._flushed = time.monotonic()

    def add(self, entry: dict) -> None:
        with self._lock:
            self._entries.append(entry)
            if self._file is not None:
                self._file.write(orjson.dumps(entry) + b"\n")
                now = time.monotonic()
                if now - self._flushed > FLUSH_EVERY:
                    self._file.flush()
                    self._flushed = now

    def entries(self) -> list[dict]:
        with self._lock:
            return list(self._entries)

    def flush(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


class RequestLogMiddleware:
    """ASGI middleware around one server's app: logs each request, with any fault injected."""

    def __init__(self, app, log: RequestLog, server: str):
        self.app = app
        self.log = log
        self.server = server

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app fails before answering

        async def send_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            entry = {
                "server": self.server,
                "method": scope["method"],
                "path": scope["path"],
                "query": unquote(scope["query_string"].decode("latin-1")),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            }
            faults = scope.get("sandbox.faults")
            if faults:
                entry["faults"] = faults
                if "resets" in faults:
                    entry["status"] = None  # the connection was dropped: no answer at all
            self.log.add(entry)
