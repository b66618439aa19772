"""Fixtures: a running sandbox, its settings in the environment, a throwaway Dagster instance."""

import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.instances import instance_for_test


@pytest.fixture
def sandbox(tmp_path):
    with Sandbox(SandboxConfig(users=400, seed=11, state_dir=tmp_path / "sandbox")) as running:
        yield running


@pytest.fixture
def sandbox_env(sandbox, monkeypatch):
    """The sandbox, with the settings the pipeline reads set in the environment."""
    for name, value in sandbox.env.items():
        monkeypatch.setenv(name, value)
    return sandbox


@pytest.fixture
def instance():
    with instance_for_test() as test_instance:
        yield test_instance
