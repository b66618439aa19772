"""TLS from a throwaway CA, and the three uvicorn servers on one background event loop."""

import asyncio
import ipaddress
import socket
import ssl
import struct
import threading
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

import trustme
import uvicorn

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def make_tls(state_dir: Path, host: str) -> tuple[Path, ssl.SSLContext]:
    """A new CA (its PEM written to state_dir/ca.pem) and a server context for host."""
    ca = trustme.CA(organization_name="intune-pipeline sandbox")
    names = list(dict.fromkeys((host, "127.0.0.1", "localhost")))
    cert = ca.issue_cert(*names)
    ca_path = (state_dir / "ca.pem").resolve()
    ca.cert_pem.write_to_path(str(ca_path))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    context.set_alpn_protocols(["http/1.1"])
    return ca_path, context


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 lets the OS choose."""
    family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def dated(app):
    """app with each response dated when it starts, as a web server does.

    uvicorn's own Date header is renewed once a second by its loop, so it lags the clock by up
    to a second, more while a large bulk batch holds the loop. Oomnitza's reads are dated by it,
    and the next run reads what changed since: with the lag, it read every record of a
    100,000-user load again rather than those of the load's last second.
    """

    async def with_date(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)

        async def send_dated(message):
            if message["type"] == "http.response.start":
                date = (b"date", formatdate(usegmt=True).encode())
                message = {**message, "headers": [*message.get("headers", ()), date]}
            await send(message)

        return await app(scope, receive, send_dated)

    return with_date


class ServerThread:
    """Runs uvicorn servers for (app, socket) pairs in one thread with its own asyncio loop."""

    def __init__(self, apps: list[tuple[object, socket.socket]], context: ssl.SSLContext):
        self._configs = [
            uvicorn.Config(
                dated(app),
                lifespan="off",
                ws="none",
                log_config=None,
                log_level="warning",
                access_log=False,
                server_header=False,
                date_header=False,
                timeout_graceful_shutdown=2,
                ssl_context_factory=lambda config, default: context,
            )
            for app, _ in apps
        ]
        self._sockets = [sock for _, sock in apps]
        self._servers = [uvicorn.Server(config) for config in self._configs]
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name="sandbox-servers", daemon=True)

    def start(self) -> None:
        """Returns once every server listens; raises what stopped them from starting."""
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT):
            self.stop()
            raise RuntimeError("The sandbox servers did not start in time")
        if self._error is not None:
            self.stop()
            raise RuntimeError(f"The sandbox servers failed to start: {self._error}")

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), loop)
            self._thread.join(STOP_TIMEOUT)
        for server in self._servers:
            server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(STOP_TIMEOUT)
        for sock in self._sockets:
            sock.close()

    def call(self, function: Callable[[], object]) -> object:
        """Run function on the servers' loop, so it sees state between requests, not mid-way."""
        loop = self._loop
        if loop is None or not self._thread.is_alive():
            return function()

        async def run():
            return function()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(STOP_TIMEOUT)

    def abort(self, scope: dict) -> bool:
        """Reset the TCP connection scope's request came in on (call on the loop); False if gone."""
        wanted = (scope.get("client"), scope.get("server"))
        for server in self._servers:
            for connection in list(server.server_state.connections):
                ends = (getattr(connection, "client", None), getattr(connection, "server", None))
                if ends != wanted:
                    continue
                sock = connection.transport.get_extra_info("socket")
                if sock is not None:  # linger 0: close sends RST, not a polite FIN
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                connection.transport.abort()
                return True
        return False

    async def _close(self) -> None:
        for server in self._servers:
            server.should_exit = True
        await asyncio.sleep(0.15)  # uvicorn stops listening and closes idle connections itself
        # Clients holding keep-alive TLS connections would otherwise hold up shutdown.
        for server in self._servers:
            for connection in list(server.server_state.connections):
                transport = getattr(connection, "transport", None)
                if transport is not None:
                    transport.abort()

    def _run(self) -> None:
        try:
            factory = self._configs[0].get_loop_factory()
            with asyncio.Runner(loop_factory=factory) as runner:
                runner.run(self._serve())
        except BaseException as error:  # a failed start must reach start(), not vanish
            self._error = error
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        tasks = [
            asyncio.create_task(server.serve(sockets=[sock]))
            for server, sock in zip(self._servers, self._sockets, strict=True)
        ]
        while not all(server.started for server in self._servers):
            failed = next((task for task in tasks if task.done()), None)
            if failed is not None:
                failed.result()  # raises why it stopped
                raise RuntimeError("a server stopped before it started")
            await asyncio.sleep(0.01)
        self._ready.set()
        await asyncio.gather(*tasks)
