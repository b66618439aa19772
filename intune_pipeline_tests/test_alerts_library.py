"""The alerts library alone: implicit-TLS mail, certificate checks, secrets kept out of errors."""

import pytest

from intune_pipeline.alerts import Alert, SmtpServer, post_slack, send_mail
from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline_tests.alert_receivers import PASSWORD, USER, free_port
from intune_pipeline_tests.alert_receivers import SmtpServer as SmtpReceiver

ALERT = Alert("contoso", "contoso_sync failed", "asset contoso/oomnitza_load", "HTTP 503\nmore")


@pytest.fixture
def smtps(tmp_path):
    """An SMTP server speaking TLS from the first byte (port 465 style)."""
    with SmtpReceiver(tmp_path, implicit_tls=True) as receiver:
        yield receiver.port, receiver.ca_file, receiver.mailbox


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
