"""Fixtures for the sandbox's own tests: running sandboxes and HTTPS clients that trust them."""

import ssl

import httpx
import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.graph_client import Graph

USERS = 240
SEED = 5


def trusting_client(sandbox: Sandbox) -> httpx.Client:
    """An HTTPS client that trusts only the sandbox's CA."""
    context = ssl.create_default_context(cafile=sandbox.env["INTUNE_PIPELINE_CA_BUNDLE"])
    return httpx.Client(verify=context, timeout=10)


class Oomnitza:
    """Calls to the Oomnitza emulator with the API token set."""

    def __init__(self, sandbox: Sandbox, http: httpx.Client):
        self.url = sandbox.env["OOMNITZA_URL"]
        self.headers = {"Authorization2": sandbox.env["OOMNITZA_API_TOKEN"]}
        self.http = http

    def get(self, path: str, **params) -> httpx.Response:
        return self.http.get(self.url + path, params=params, headers=self.headers)

    def post(self, path: str, body) -> httpx.Response:
        return self.http.post(self.url + path, json=body, headers=self.headers)

    def patch(self, path: str, body) -> httpx.Response:
        return self.http.patch(self.url + path, json=body, headers=self.headers)

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(self.url + path, headers=self.headers)


@pytest.fixture(scope="module")
def shared_sandbox(tmp_path_factory):
    """One sandbox per test module, for tests that only read."""
    state_dir = tmp_path_factory.mktemp("sandbox")
    with Sandbox(SandboxConfig(users=USERS, seed=SEED, state_dir=state_dir)) as sandbox:
        yield sandbox


@pytest.fixture
def own_sandbox(tmp_path):
    """A sandbox of its own, for tests that change what Oomnitza holds."""
    with Sandbox(SandboxConfig(users=60, seed=SEED, state_dir=tmp_path / "sandbox")) as sandbox:
        yield sandbox


@pytest.fixture
def http(shared_sandbox):
    with trusting_client(shared_sandbox) as client:
        yield client


@pytest.fixture(scope="module")
def graph(shared_sandbox):
    """Graph calls to the shared sandbox (modules with a sandbox of their own override it)."""
    with trusting_client(shared_sandbox) as http:
        yield Graph(shared_sandbox, http)


@pytest.fixture
def oomnitza(own_sandbox):
    with trusting_client(own_sandbox) as client:
        yield Oomnitza(own_sandbox, client)
