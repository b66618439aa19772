"""Sandbox: the tenant, the stores and the three HTTPS servers, started and stopped together."""

import secrets
from pathlib import Path

from intune_pipeline.sandbox.certificates import new_app_certificate
from intune_pipeline.sandbox.config import SandboxConfig, loopback_host, write_env
from intune_pipeline.sandbox.directory import Directory
from intune_pipeline.sandbox.entra import entra_app
from intune_pipeline.sandbox.entra_protocol import AppRegistration, entra_secret
from intune_pipeline.sandbox.fault_middleware import with_faults
from intune_pipeline.sandbox.faults import Faults
from intune_pipeline.sandbox.graph import graph_app
from intune_pipeline.sandbox.graph_operator import TenantOperations
from intune_pipeline.sandbox.inputs import InputError, load_oomnitza, load_tenant, prefill
from intune_pipeline.sandbox.oomnitza import oomnitza_app
from intune_pipeline.sandbox.oomnitza_bulk import Bulk
from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD
from intune_pipeline.sandbox.oomnitza_operator import OomnitzaOperations
from intune_pipeline.sandbox.oomnitza_saas import SaasStore
from intune_pipeline.sandbox.oomnitza_store import UserStore
from intune_pipeline.sandbox.requestlog import RequestLog, RequestLogMiddleware
from intune_pipeline.sandbox.server import ServerThread, bind, make_tls
from intune_pipeline.sandbox.tenant import DOMAIN, ONMICROSOFT, generate_tenant, tenant_identity
from intune_pipeline.sandbox.tokens import TokenStore

SERVERS = ("login", "graph", "oomnitza")
ROLE_ID = 25  # "Employee", the role the pipeline gives the users it creates


class Sandbox(TenantOperations, OomnitzaOperations):
    """Local Entra login, Graph and Oomnitza; use as a context manager or start()/stop()."""

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config = config or SandboxConfig()
        config.check()
        self.host = loopback_host(config.host)
        if config.tenant_file is not None:
            users = load_tenant(config.tenant_file)
        else:
            users = generate_tenant(config.users, config.seed)
        self.directory = Directory(users, config.seed)  # graph_users, mutate_tenant(), ...
        self.tenant_id, self.client_id = tenant_identity(config.seed)
        self.client_secret = entra_secret()
        self.api_token = secrets.token_hex(16)
        self.tokens = TokenStore(config.token_lifetime)
        self.store = UserStore()
        self.bulk = Bulk(self.store)
        self.saas = SaasStore(self.store)
        if config.oomnitza_file is not None:
            load_oomnitza(config.oomnitza_file, self.store)
        if config.prefill:
            prefill(self.store, self.graph_users, config.prefill, config.seed)
        self.faults = {name: Faults(config.fault_settings(name)) for name in SERVERS}
        self.certificate = None  # made at the first start, kept across restarts
        self.ca_path: Path | None = None
        self.certificate_paths: tuple[Path, Path] | None = None
        self.urls: dict[str, str] = {}
        self._servers: ServerThread | None = None
        self._log: RequestLog | None = None

    def start(self) -> "Sandbox":
        """Returns once all three servers listen."""
        if self._servers is not None:
            raise RuntimeError("This sandbox is already running")
        state_dir = Path(self.config.state_dir)
        state_dir.mkdir(parents=True, exist_ok=True)
        self.ca_path, context = make_tls(state_dir, self.host)
        self.certificate = self.certificate or new_app_certificate(self.client_id)
        self.certificate_paths = self.certificate.write(state_dir)
        sockets = self._bind()
        netloc = f"[{self.host}]" if ":" in self.host else self.host
        self.urls = {
            name: f"https://{netloc}:{sock.getsockname()[1]}"
            for name, sock in zip(SERVERS, sockets, strict=True)
        }
        self._log = log = RequestLog(state_dir / "requests.jsonl")
        try:
            servers = ServerThread(list(zip(self._apps(log), sockets, strict=True)), context)
            for faults in self.faults.values():
                faults.abort = servers.abort
            servers.start()
        except BaseException:
            for sock in sockets:
                sock.close()
            log.close()
            raise
        self._servers = servers
        return self

    def stop(self) -> None:
        """Stops the servers and closes their sockets; safe to call twice."""
        if self._servers is not None:
            self._servers.stop()
            self._servers = None
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _apps(self, log: RequestLog) -> list[RequestLogMiddleware]:
        registration = AppRegistration(
            self.tenant_id,
            (ONMICROSOFT, DOMAIN),
            self.client_id,
            self.client_secret,
            self.urls["login"],
            self.urls["graph"],
            (self.certificate.certificate,),
        )
        login = entra_app(registration, self.tokens, log)
        graph = graph_app(self.urls["graph"], self.directory, self.tokens, log, self.config)
        oomnitza = oomnitza_app(self.store, self.bulk, self.saas, self.api_token, log)
        apps = zip(SERVERS, (login, graph, oomnitza), strict=True)
        return [
            RequestLogMiddleware(with_faults(app, name, self.faults[name], self.urls), log, name)
            for name, app in apps
        ]

    def _bind(self) -> list:
        sockets = []
        for name in SERVERS:
            port = getattr(self.config, f"{name}_port")
            try:
                sockets.append(bind(self.host, port))
            except OSError as error:
                for sock in sockets:
                    sock.close()
                raise InputError(
                    f"--{name}-port",
                    f"cannot listen on {self.host}:{port} ({error.strerror}); "
                    "choose a free port, or 0 to let the OS choose",
                ) from None
        return sockets

    @property
    def env(self) -> dict[str, str]:
        """The settings a client needs to reach this sandbox."""
        if not self.urls or self.ca_path is None:
            raise RuntimeError("Start the sandbox before reading its settings")
        return {
            "ENTRA_LOGIN_URL": self.urls["login"],
            "ENTRA_TENANT_ID": self.tenant_id,
            "ENTRA_CLIENT_ID": self.client_id,
            "ENTRA_CLIENT_SECRET": self.client_secret,
            "ENTRA_CLIENT_CERTIFICATE": str(self.certificate_paths[0]),
            "ENTRA_CLIENT_PRIVATE_KEY": str(self.certificate_paths[1]),
            "GRAPH_URL": self.urls["graph"],
            "OOMNITZA_URL": self.urls["oomnitza"],
            "OOMNITZA_API_TOKEN": self.api_token,
            "OOMNITZA_ROLE_ID": str(ROLE_ID),
            "OOMNITZA_INTUNE_USER_ID_FIELD": INTUNE_USER_ID_FIELD,
            "INTUNE_PIPELINE_CA_BUNDLE": str(self.ca_path),
        }

    def write_env_file(self, path) -> Path:
        """KEY=VALUE lines, readable only by the owner since they hold secrets."""
        return write_env(Path(path), self.env)

    @property
    def requests(self) -> list[dict]:
        """Every request served since start (all three servers), oldest first."""
        return self._log.entries() if self._log is not None else []

    def set_faults(self, server: str, **settings) -> None:
        """Change the settings named (see faults.FaultSettings) of one server's faults, now."""
        if server not in self.faults:
            raise ValueError(f"Unknown server {server!r}; use one of {', '.join(SERVERS)}")
        self._call(lambda: self.faults[server].update(settings))

    def fault_counts(self) -> dict[str, dict[str, int]]:
        """Per server: requests seen, and how many were throttled, errors, resets and slow."""
        return self._call(lambda: {name: dict(f.counts) for name, f in self.faults.items()})

    def _call(self, function):
        """function run on the servers' loop between requests, or here when stopped."""
        return self._servers.call(function) if self._servers is not None else function()
