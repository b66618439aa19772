"""E-mail over SMTP: STARTTLS or implicit TLS with the server's certificate verified."""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

from intune_pipeline.alerts.message import Alert
from intune_pipeline.errors import RemoteError
from intune_pipeline.http import tls_context

TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpServer:
    """A mail server; the password comes from the environment and is never shown."""

    host: str
    sender: str
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: str | None = None
    ca_bundle: str | None = None

    def __repr__(self) -> str:  # the password stays out of logs and tracebacks
        return f"SmtpServer({self.host}:{self.port}, {self.security}, sender {self.sender})"


def message(alert: Alert, sender: str, recipients: list[str]) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = alert.subject
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail.set_content(alert.text())
    return mail


def send_mail(server: SmtpServer, recipients: list[str], alert: Alert) -> None:
    """Send the alert to every recipient in one message, or raise a RemoteError saying why."""
    context = tls_context(server.ca_bundle, "alerts.smtp.ca_bundle")
    try:
        with connect(server, context) as smtp:
            if server.username:
                smtp.login(server.username, server.password or "")
            smtp.send_message(message(alert, server.sender, recipients))
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        detail = str(error)
        if server.password:
            detail = detail.replace(server.password, "***")
        # Without a cause: the original exception's arguments could carry the credentials.
        raise RemoteError(
            f"SMTP {server.host}:{server.port} ({server.security}): "
            f"{type(error).__name__}: {detail}"
        ) from None


def connect(server: SmtpServer, context: ssl.SSLContext) -> smtplib.SMTP:
    if server.security == "ssl":
        return smtplib.SMTP_SSL(server.host, server.port, context=context, timeout=TIMEOUT)
    smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
    if server.security == "starttls":
        # starttls() refuses to go on in clear text: a server without it is an error here.
        smtp.starttls(context=context)
    return smtp
