"""The sandbox's settings, checked before anything starts."""

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from intune_pipeline.sandbox.faults import FaultSettings
from intune_pipeline.sandbox.graph_settings import (
    DEFAULT_APP_PERMISSIONS,
    DELTA_TOKEN_TTL,
    check_graph_settings,
)
from intune_pipeline.sandbox.inputs import InputError

MAX_USERS = 10_000_000


@dataclass
class SandboxConfig:
    """What to emulate and how; the defaults match the command line's."""

    users: int = 1000
    seed: int = 1
    tenant_file: Path | None = None
    oomnitza_file: Path | None = None
    state_dir: Path = Path(".sandbox")
    token_lifetime: int = 3599
    graph_latency: float = 0.0
    oomnitza_latency: float = 0.0
    prefill: float = 0.0
    host: str = "127.0.0.1"
    login_port: int = 0
    graph_port: int = 0
    oomnitza_port: int = 0
    # Fault settings per server (see faults.FaultSettings), e.g. {"throttle_rate": 0.1}
    login_faults: dict = field(default_factory=dict)
    graph_faults: dict = field(default_factory=dict)
    oomnitza_faults: dict = field(default_factory=dict)
    # Graph emulator (see graph_settings): app permissions, Intune licence, delta tokens.
    app_permissions: tuple[str, ...] = DEFAULT_APP_PERMISSIONS
    intune_licensed: bool = True
    delta_token_ttl: int = DELTA_TOKEN_TTL
    delta_expiry_style: str = "gone"  # "gone": 410 syncStateNotFound; "resync": 400
    delta_replays: float = 0.0  # this share of delta entries is sent twice

    def check(self) -> None:
        """Raise InputError naming the option for the first setting out of range."""
        if not 0 <= self.users <= MAX_USERS:
            raise InputError("--users", f"give a number of users from 0 to {MAX_USERS:,}")
        if self.token_lifetime < 1:
            raise InputError("--token-lifetime", "give a token lifetime of at least 1 second")
        for option, value in (
            ("--graph-latency", self.graph_latency),
            ("--oomnitza-latency", self.oomnitza_latency),
        ):
            if not 0 <= value <= 60:
                raise InputError(option, "give a latency from 0 to 60 seconds")
        if not 0 <= self.prefill <= 1:
            raise InputError("--prefill", "give a share from 0 to 1, such as 0.5")
        for option, port in (
            ("--login-port", self.login_port),
            ("--graph-port", self.graph_port),
            ("--oomnitza-port", self.oomnitza_port),
        ):
            if not 0 <= port <= 65535:
                raise InputError(option, "give a port from 1 to 65535, or 0 to let the OS choose")
        loopback_host(self.host)
        check_graph_settings(self)
        for name in ("login", "graph", "oomnitza"):
            self.fault_settings(name)

    def fault_settings(self, server: str) -> FaultSettings:
        """The server's faults at start: its latency and the sandbox seed, then its own faults."""
        base = FaultSettings(latency=getattr(self, f"{server}_latency", 0.0), seed=self.seed)
        try:
            return base.updated(getattr(self, f"{server}_faults"))
        except ValueError as error:
            raise InputError(f"--{server}-faults", str(error)) from None


def loopback_host(host: str) -> str:
    """host as an IP address, refused unless it is a loopback address."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise InputError("--host", f"{host!r} is not an IP address; use 127.0.0.1") from None
    if not address.is_loopback:
        raise InputError(
            "--host", f"{host} is not a loopback address; the sandbox only listens on 127.0.0.1"
        )
    return str(address)


def write_env(path: Path, env: dict[str, str]) -> Path:
    """KEY=VALUE lines, readable only by the owner since they hold secrets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was already there
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write("".join(f"{key}={value}\n" for key, value in env.items()))
    return path
