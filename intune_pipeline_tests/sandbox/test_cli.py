"""python -m intune_pipeline.sandbox: the env file, a clean stop on SIGTERM, one-line errors."""

import signal
import subprocess
import sys

import httpx
import pytest

COMMAND = [sys.executable, "-m", "intune_pipeline.sandbox"]


def test_the_cli_writes_the_env_file_and_stops_on_sigterm(tmp_path):
    env_file = tmp_path / "custom.env"
    process = subprocess.Popen(
        [*COMMAND, "--users", "30", "--state-dir", str(tmp_path), "--env-file", str(env_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = process.stdout.readline()
        assert ready == f"sandbox ready: env file {env_file}\n"
        urls = [process.stdout.readline().split()[1] for _ in range(3)]
        settings = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert urls == [settings[k] for k in ("ENTRA_LOGIN_URL", "GRAPH_URL", "OOMNITZA_URL")]
        assert settings["OOMNITZA_ROLE_ID"] == "25"
        assert len(settings["ENTRA_CLIENT_SECRET"]) == 40
        response = httpx.get(
            f"{settings['OOMNITZA_URL']}/api/v3/users",
            verify=settings["INTUNE_PIPELINE_CA_BUNDLE"],
        )
        assert response.status_code == 401
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.communicate()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--users", "many"], "--users"),
        (["--host", "0.0.0.0"], "--host"),
        (["--prefill", "1.5"], "--prefill"),
        (["--tenant-file", "/nonexistent/tenant.json"], "--tenant-file"),
    ],
)
def test_bad_options_are_one_line_errors_with_status_2(tmp_path, args, says):
    done = subprocess.run(
        [*COMMAND, "--state-dir", str(tmp_path), *args], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert says in done.stderr
