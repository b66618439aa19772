"""The sandbox in a process of its own, so the pipeline and the floor share the cores alike."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from dotenv import dotenv_values

START_TIMEOUT = 600.0  # a tenant of a million users takes a while to generate


class BenchSandbox:
    """A fresh sandbox of users generated users (seed 1), with latency in seconds per request."""

    def __init__(self, state_dir: Path, users: int, graph_latency=0.0, oomnitza_latency=0.0):
        self.state_dir = state_dir
        self.env_file = state_dir / "sandbox.env"
        self.command = [
            sys.executable,
            "-m",
            "intune_pipeline.sandbox",
            f"--users={users}",
            "--seed=1",
            f"--state-dir={state_dir}",
            f"--env-file={self.env_file}",
            f"--graph-latency={graph_latency}",
            f"--oomnitza-latency={oomnitza_latency}",
        ]
        self.process: subprocess.Popen | None = None
        self.env: dict[str, str] = {}

    def __enter__(self) -> "BenchSandbox":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.env_file.unlink(missing_ok=True)
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while not self.env_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"The sandbox did not start: {' '.join(self.command)}")
            time.sleep(0.1)
        self.env = {k: v for k, v in dotenv_values(self.env_file).items() if v is not None}
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def retitle(self, count: int) -> int:
        """Give count users a new job title (an operator's change in Entra); how many changed."""
        url = f"{self.env['GRAPH_URL']}/_sandbox/tenant/mutations"
        with httpx.Client(verify=self.env["INTUNE_PIPELINE_CA_BUNDLE"], timeout=60) as http:
            answer = http.post(url, json={"retitles": count, "seed": 7})
            answer.raise_for_status()
        return len(answer.json()["retitles"])
