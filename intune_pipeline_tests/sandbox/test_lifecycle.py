"""Many sandboxes start and stop in one process without leaking threads or sockets."""

import os
import threading

import httpx
import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.conftest import trusting_client
from intune_pipeline_tests.sandbox.graph_client import graph_token


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_start_and_stop_leave_nothing_behind(tmp_path):
    def cycle(n: int) -> None:
        sandbox = Sandbox(SandboxConfig(users=10, seed=n, state_dir=tmp_path / str(n)))
        sandbox.start()
        with trusting_client(sandbox) as http:
            graph_token(sandbox, http)  # leaves a keep-alive connection open at stop
            sandbox.stop()
            with pytest.raises(httpx.TransportError):
                http.get(sandbox.env["GRAPH_URL"] + "/v1.0/users")
        sandbox.stop()  # a second stop is harmless

    cycle(0)  # the first one loads what stays loaded
    threads, fds = threading.active_count(), open_fds()
    for n in range(1, 4):
        cycle(n)
    assert threading.active_count() == threads
    assert open_fds() <= fds


def test_a_stopped_sandbox_starts_again_with_its_data(tmp_path):
    sandbox = Sandbox(SandboxConfig(users=10, prefill=1.0, state_dir=tmp_path))
    with sandbox:
        first = sandbox.env["GRAPH_URL"]
        held = sandbox.oomnitza_users()
    with sandbox:
        assert sandbox.oomnitza_users() == held
        with trusting_client(sandbox) as http:
            assert graph_token(sandbox, http)
    assert held and first
