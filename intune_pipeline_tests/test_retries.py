"""Transient failures are marked for a bounded retry; configuration errors are not retried."""

import pytest

from intune_pipeline.defs.retries import MAX_RETRIES, is_transient
from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline_tests.instances import instance_for_test
from intune_pipeline_tests.runs import sync


@pytest.fixture
def retrying_instance():
    """An instance whose run retries are configured as in the project's dagster.yaml."""
    retries = {"enabled": True, "max_retries": 0, "retry_on_asset_or_op_failure": False}
    with instance_for_test(run_retries=retries) as instance:
        yield instance


def test_throttling_that_outlasts_the_client_marks_the_run_for_a_bounded_retry(
    sandbox_env, retrying_instance
):
    sandbox_env.set_faults("oomnitza", throttle_rate=1.0, retry_after=0.01)
    result = sync(retrying_instance)
    assert not result.success
    tags = retrying_instance.get_run_by_id(result.run_id).tags
    assert tags["dagster/will_retry"] == "true"
    assert tags["dagster/max_retries"] == str(MAX_RETRIES)


def test_a_configuration_error_is_not_retried(
    sandbox_env, retrying_instance, monkeypatch, tmp_path
):
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate")
    monkeypatch.setenv("INTUNE_PIPELINE_CA_BUNDLE", str(not_pem))
    result = sync(retrying_instance)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "ConfigError" in str(failure.step_failure_data.error.to_string())
    tags = retrying_instance.get_run_by_id(result.run_id).tags
    assert tags["dagster/will_retry"] == "false"


def test_what_counts_as_transient():
    assert is_transient(RemoteError("Oomnitza throttled", status=429))
    assert is_transient(RemoteError("Graph answered", status=503))
    assert not is_transient(RemoteError("Oomnitza refused the token", status=401))
    assert not is_transient(ConfigError("graph.ca_bundle names no PEM file"))
    wrapped = RuntimeError("step failed")
    # As http.send raises it when a broken connection outlasts the retries.
    wrapped.__cause__ = RemoteError(
        "x still failing after 8 attempts; last problem: ConnectError", transient=True
    )
    assert is_transient(wrapped)
