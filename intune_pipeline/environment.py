"""Where the connection settings come from: the environment and `.env`, or a local sandbox."""

import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from dotenv import dotenv_values

from intune_pipeline.errors import ConfigError
from intune_pipeline.settings import SETTINGS_VARIABLE, settings_path

# A real tenant is configured when all of these and one Entra credential are set; none of
# them set means the local sandbox.
CONNECTION_SETTINGS = ("ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "OOMNITZA_URL", "OOMNITZA_API_TOKEN")
CREDENTIAL_SETTINGS = ("ENTRA_CLIENT_SECRET", "ENTRA_CLIENT_CERTIFICATE")


def configured_settings(project: Path) -> dict[str, str]:
    """The project's `.env` overlaid with the process environment (which wins)."""
    values = {k: v for k, v in dotenv_values(project / ".env").items() if v is not None}
    values.update(os.environ)
    return values


def uses_sandbox(settings: dict[str, str]) -> bool:
    present = [name for name in CONNECTION_SETTINGS + CREDENTIAL_SETTINGS if settings.get(name)]
    missing = [name for name in CONNECTION_SETTINGS if not settings.get(name)]
    if not any(settings.get(name) for name in CREDENTIAL_SETTINGS):
        missing.append(" or ".join(CREDENTIAL_SETTINGS))
    if present and missing:
        raise ConfigError(
            f"{', '.join(missing)} not set, while {', '.join(present)} are. Set all of "
            f"{', '.join(CONNECTION_SETTINGS)} and one of {' or '.join(CREDENTIAL_SETTINGS)}, "
            "in the environment or in .env, to use a real tenant; or none of them to use the "
            "local sandbox."
        )
    return not present


def dagster_home(project: Path, home: Path | None = None) -> Path:
    """A DAGSTER_HOME (the project-local one unless home is given) holding a link to the root
    dagster.yaml; readable by its owner only."""
    home = home or project / ".dagster_home"
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    home.chmod(0o700)
    link = home / "dagster.yaml"
    if not link.exists():  # relative, so the project can move
        link.symlink_to(os.path.relpath(project / "dagster.yaml", home))
    return home


class SandboxProcess:
    """The sandbox emulators in a process of their own, for as long as the `with` block lasts."""

    def __init__(
        self,
        state_dir: Path,
        *,
        users: int,
        seed: int,
        start_timeout: float = 120,
        **options,
    ):
        """options are further command-line options of the sandbox, such as prefill=0.5."""
        self.env_file = state_dir / "sandbox.env"
        self._command = [
            sys.executable,
            "-m",
            "intune_pipeline.sandbox",
            f"--users={users}",
            f"--seed={seed}",
            f"--state-dir={state_dir}",
            f"--env-file={self.env_file}",
            *(f"--{name.replace('_', '-')}={value}" for name, value in options.items()),
        ]
        self._start_timeout = start_timeout
        self._process: subprocess.Popen | None = None
        self.settings: dict[str, str] = {}

    def __enter__(self) -> "SandboxProcess":
        self.env_file.parent.mkdir(parents=True, exist_ok=True)
        self.env_file.unlink(missing_ok=True)
        self._process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + self._start_timeout
        while not self.env_file.exists():
            if self._process.poll() is not None:
                raise ConfigError(f"The sandbox stopped at start-up: {' '.join(self._command)}")
            if time.monotonic() > deadline:
                self.__exit__()
                raise ConfigError(f"The sandbox did not start within {self._start_timeout:.0f} s")
            time.sleep(0.1)
        self.settings = {k: v for k, v in dotenv_values(self.env_file).items() if v is not None}
        return self

    def __exit__(self, *exc) -> None:
        if self._process and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def connect(args, stack: ExitStack, project: Path) -> tuple[dict[str, str], bool]:
    """The settings to run with, starting a sandbox for the command's lifetime when none are set."""
    settings = configured_settings(project)
    sandbox = uses_sandbox(settings)
    if sandbox:
        print(
            f"No real credentials configured: starting the local sandbox with {args.users} "
            f"generated users (seed {args.seed})."
        )
        process = stack.enter_context(
            SandboxProcess(
                project / ".sandbox", users=args.users, seed=args.seed, prefill=args.prefill
            )
        )
        settings.update(process.settings)
    settings["DAGSTER_HOME"] = str(dagster_home(project))
    settings.setdefault(SETTINGS_VARIABLE, str(settings_path(project).resolve()))
    return settings, sandbox
