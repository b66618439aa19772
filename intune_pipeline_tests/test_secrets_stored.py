"""Known secrets, three headless syncs, then every byte Dagster stored and everything printed.

The syncs sign in with the client secret, then with the certificate, then fail against an
Oomnitza that redirects (so an error is stored too). Nothing under DAGSTER_HOME (run and event
storage, asset metadata, the IO manager's pickled frames, compute logs) nor the output may
hold the client secret, the private key, the Oomnitza token or any access token the sandbox
issued; the frames between steps are readable by their owner only.
"""

import stat
from pathlib import Path

import yaml

from intune_pipeline_tests.test_crash_rerun import headless_sync, project_copy


def with_certificate(project: Path) -> Path:
    """The same integration signing in with the sandbox's certificate instead of the secret."""
    path = project / "integrations.yaml"
    settings = yaml.safe_load(path.read_text())
    graph = settings["integrations"][0]["graph"]
    graph.update(
        certificate={"env": "ENTRA_CLIENT_CERTIFICATE"},
        private_key={"env": "ENTRA_CLIENT_PRIVATE_KEY"},
    )
    certified = project / "certified.yaml"
    certified.write_text(yaml.safe_dump(settings))
    return certified


def secrets_of(sandbox) -> dict[str, str]:
    env = sandbox.env
    key_lines = Path(env["ENTRA_CLIENT_PRIVATE_KEY"]).read_text().splitlines()
    secrets = {
        "client secret": env["ENTRA_CLIENT_SECRET"],
        "Oomnitza token": env["OOMNITZA_API_TOKEN"],
    }
    # Any line of the key's body would give part of it away.
    secrets |= {f"private key line {n}": line for n, line in enumerate(key_lines[1:-1]) if line}
    # The sandbox keeps what it issued, with no public accessor; every token counts.
    secrets |= {f"access token {n}": token for n, token in enumerate(sandbox.tokens._expiry)}
    return secrets


def test_no_secret_is_stored_or_printed_and_frames_are_owner_only(sandbox_env, tmp_path):
    project = project_copy(tmp_path)
    outputs = []
    for settings in (project / "integrations.yaml", with_certificate(project), None):
        if settings is None:  # the last run fails: its error is stored as well
            sandbox_env.set_faults("oomnitza", hostile_rate=1.0)
            settings = project / "integrations.yaml"
        env = {**sandbox_env.env, "INTUNE_PIPELINE_SETTINGS": str(settings)}
        process = headless_sync(project, env)
        output, _ = process.communicate(timeout=300)
        outputs.append(output)
    assert "succeeded" in outputs[0] and "succeeded" in outputs[1], outputs
    assert "redirecting to 'localhost:" in outputs[2]

    secrets = secrets_of(sandbox_env)
    assert sum(name.startswith("access token") for name in secrets) >= 2
    home = project / ".dagster_home"
    stored = [path for path in home.rglob("*") if path.is_file() and not path.is_symlink()]
    frames = [path for path in stored if "storage" in path.parts]
    assert len(frames) >= 6 and any(path.suffix == ".db" for path in stored)
    for name, secret in secrets.items():
        needle = secret.encode()
        for path in stored:
            assert needle not in path.read_bytes(), f"the {name} is in {path}"
        assert all(secret not in output for output in outputs), f"the {name} was printed"

    for path in [home, *home.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}: others may read it"
