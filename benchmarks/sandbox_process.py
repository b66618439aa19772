"""The sandbox in a process of its own, so the pipeline and the floor share the cores alike."""

from pathlib import Path

import httpx
import psutil

from intune_pipeline.environment import SandboxProcess

START_TIMEOUT = 600.0  # a tenant of a million users takes a while to generate


class BenchSandbox(SandboxProcess):
    """A fresh sandbox of users generated users (seed 1), with latency in seconds per request."""

    def __init__(self, state_dir: Path, users: int, graph_latency=0.0, oomnitza_latency=0.0):
        super().__init__(
            state_dir,
            users=users,
            seed=1,
            start_timeout=START_TIMEOUT,
            graph_latency=graph_latency,
            oomnitza_latency=oomnitza_latency,
        )

    @property
    def env(self) -> dict[str, str]:
        return self.settings

    def cpu_seconds(self) -> float:
        """The CPU time the sandbox's process has used so far."""
        times = psutil.Process(self._process.pid).cpu_times()
        return times.user + times.system

    def retitle(self, count: int, seed: int = 7) -> int:
        """Give count users a new job title (an operator's change in Entra); how many changed."""
        url = f"{self.env['GRAPH_URL']}/_sandbox/tenant/mutations"
        with httpx.Client(verify=self.env["INTUNE_PIPELINE_CA_BUNDLE"], timeout=60) as http:
            answer = http.post(url, json={"retitles": count, "seed": seed})
            answer.raise_for_status()
        return len(answer.json()["retitles"])
