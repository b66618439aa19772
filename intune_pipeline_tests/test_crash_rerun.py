"""A sync killed in the middle of its upload, run again: it converges, with no duplicates."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import dagster as dg
import yaml

from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD
from intune_pipeline_tests.fault_runs import upload_posts

PROJECT = Path(__file__).resolve().parents[1]


def project_copy(tmp_path: Path) -> Path:
    """The project's settings with small, slow batches, so a kill lands mid-upload."""
    settings = yaml.safe_load((PROJECT / "integrations.yaml").read_text())
    settings["integrations"][0].update(batch_size=10, concurrency=1)
    (tmp_path / "integrations.yaml").write_text(yaml.safe_dump(settings))
    shutil.copy(PROJECT / "dagster.yaml", tmp_path / "dagster.yaml")
    return tmp_path


def headless_sync(project: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "intune_pipeline", "sync"],
        cwd=project,
        env={**os.environ, **env, "INTUNE_PIPELINE_SETTINGS": str(project / "integrations.yaml")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_killed_run_is_recorded_as_such_and_the_next_converges(sandbox_env, tmp_path):
    project = project_copy(tmp_path)
    sandbox_env.set_faults("oomnitza", latency=0.05)
    first = headless_sync(project, sandbox_env.env)
    deadline = time.monotonic() + 120
    while upload_posts(sandbox_env) < 8 and time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()[0]
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    partial = len(sandbox_env.oomnitza_users())
    assert 0 < partial < 300, "the kill must land in the middle of the upload"

    sandbox_env.set_faults("oomnitza", latency=0)
    second = headless_sync(project, sandbox_env.env)
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output
    assert "was killed before it finished" in output

    users = sandbox_env.oomnitza_users()
    ids = Counter(user[INTUNE_USER_ID_FIELD] for user in users)
    emails = Counter(user["email"].lower() for user in users)
    assert len(users) > partial
    assert max(ids.values()) == 1 and max(emails.values()) == 1  # nothing duplicated

    with dg.DagsterInstance.from_config(str(project / ".dagster_home")) as instance:
        runs = instance.get_runs()  # newest first
        assert [run.status for run in runs] == [
            dg.DagsterRunStatus.SUCCESS,
            dg.DagsterRunStatus.FAILURE,
        ]
    # Converged: a full read of the same tenant finds nothing left to do.
    third = headless_sync(project, sandbox_env.env)
    output, _ = third.communicate(timeout=300)
    assert third.returncode == 0, output
    assert re.search(r"^  created\s+0$", output, re.M) and re.search(
        r"^  updated\s+0$", output, re.M
    )
    assert len(sandbox_env.oomnitza_users()) == len(users)
