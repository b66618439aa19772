"""Real receivers of alerts on 127.0.0.1: an SMTP server (aiosmtpd, STARTTLS and AUTH) and an
HTTP server standing in for Teams and Slack incoming webhooks."""

import json
import ssl
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from intune_pipeline_tests.dagster_ui import free_port

USER, PASSWORD = "alerts", "smtp-secret-4711"


class Mailbox:
    """Keeps every message delivered, as parsed e-mail."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok)


class SmtpServer:
    """STARTTLS (or, with implicit_tls, TLS from the first byte, port 465 style) with a
    certificate for 127.0.0.1 from a CA of its own (ca_file)."""

    def __init__(self, tmp_path, implicit_tls: bool = False):
        ca = trustme.CA()
        self.ca_file = tmp_path / "smtp-ca.pem"
        ca.cert_pem.write_to_path(self.ca_file)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        # aiosmtpd counts only STARTTLS as TLS; with implicit TLS the whole connection is TLS.
        tls = (
            {"ssl_context": context, "auth_require_tls": False}
            if implicit_tls
            else {"tls_context": context, "require_starttls": True}
        )
        self.mailbox = Mailbox()
        self.controller = Controller(
            self.mailbox,
            hostname="127.0.0.1",
            port=free_port(),
            authenticator=authenticate,
            auth_required=True,
            **tls,
        )

    def __enter__(self):
        self.controller.start()
        self.port = self.controller.port
        return self

    def __exit__(self, *_):
        self.controller.stop()


def smtp_settings(smtp: "SmtpServer") -> dict:
    """The alerts.smtp settings that reach this server, the password read from the environment
    variable ALERT_SMTP_PASSWORD."""
    return {
        "host": "127.0.0.1",
        "port": smtp.port,
        "security": "starttls",
        "username": USER,
        "password": {"env": "ALERT_SMTP_PASSWORD"},
        "sender": "intune-pipeline@example.com",
        "ca_bundle": str(smtp.ca_file),
    }


class WebhookReceiver:
    """Records the JSON body of every POST, by path."""

    def __init__(self):
        self.posts: list[tuple[str, dict]] = []
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                posts.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"1")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def __enter__(self):
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self, path: str) -> list[dict]:
        return [body for where, body in self.posts if where == path]
