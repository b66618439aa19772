"""The alerts library alone: implicit-TLS mail, certificate checks, secrets kept out of errors."""

import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller

from intune_pipeline.alerts import Alert, SmtpServer, post_slack, send_mail
from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline_tests.alert_receivers import (
    PASSWORD,
    USER,
    Mailbox,
    authenticate,
    free_port,
)

ALERT = Alert("contoso", "contoso_sync failed", "asset contoso/oomnitza_load", "HTTP 503\nmore")


@pytest.fixture
def smtps(tmp_path):
    """An SMTP server speaking TLS from the first byte (port 465 style)."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(ca_file)
    mailbox = Mailbox()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        ssl_context=context,
        authenticator=authenticate,
        auth_required=True,
        # aiosmtpd counts only STARTTLS as TLS; here the whole connection is TLS already.
        auth_require_tls=False,
    )
    controller.start()
    yield controller.port, ca_file, mailbox
    controller.stop()


def server(port, ca_file, **changes) -> SmtpServer:
    settings = dict(host="127.0.0.1", port=port, security="ssl", username=USER)
    settings.update(
        password=PASSWORD, sender="pipeline@example.com", ca_bundle=ca_file and str(ca_file)
    )
    return SmtpServer(**{**settings, **changes})


def test_mail_over_implicit_tls_arrives_with_the_alert(smtps):
    port, ca_file, mailbox = smtps
    send_mail(server(port, ca_file), ["ops@example.com", "it@example.com"], ALERT)
    [mail] = mailbox.messages
    assert mail["Subject"] == "[intune-pipeline] contoso: contoso_sync failed"
    body = mail.get_content()
    assert "Error: HTTP 503\n" in body.replace("\r\n", "\n") and "more" not in body


def test_an_untrusted_certificate_is_an_error_that_never_shows_the_password(smtps):
    port, _, mailbox = smtps
    with pytest.raises(RemoteError, match="CERTIFICATE_VERIFY_FAILED") as untrusted:
        send_mail(server(port, None), ["ops@example.com"], ALERT)
    assert PASSWORD not in str(untrusted.value) and untrusted.value.__cause__ is None
    assert PASSWORD not in repr(server(port, None)) and mailbox.messages == []


def test_a_webhook_error_names_the_host_and_never_the_secret_path():
    with pytest.raises(RemoteError) as unreachable:
        post_slack(f"http://127.0.0.1:{free_port()}/services/T0/B0/very-secret", ALERT)
    assert "127.0.0.1" in str(unreachable.value) and "very-secret" not in str(unreachable.value)
    with pytest.raises(ConfigError) as plain:
        post_slack("http://hooks.example.com/services/very-secret", ALERT)
    assert "very-secret" not in str(plain.value)
