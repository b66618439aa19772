"""Retry timing and the TLS and URL rules shared by both clients."""

import re

import httpx
import pytest

from intune_pipeline.errors import ConfigError
from intune_pipeline.http import RetryPolicy, https_base_url, tls_context
from intune_pipeline.sandbox.server import make_tls


def response_with(headers: dict) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_retry_after_is_honoured_including_fractions():
    policy = RetryPolicy()
    assert policy.delay(0, response_with({"Retry-After": "2.128"})) == pytest.approx(2.128)
    assert policy.delay(5, response_with({"Retry-After": "0"})) == 0


def test_backoff_grows_with_jitter_and_is_capped():
    policy = RetryPolicy(base_delay=1, max_delay=8)
    first = [policy.delay(0, None) for _ in range(50)]
    assert all(0.5 <= d <= 1 for d in first) and len(set(first)) > 1
    assert all(4 <= policy.delay(10, None) <= 8 for _ in range(50))
    assert policy.delay(0, response_with({"Retry-After": "999"})) == 8


def test_only_https_urls_are_accepted():
    setting = "graph.graph_url of integration contoso"
    assert https_base_url("https://graph.microsoft.com/", setting) == (
        "https://graph.microsoft.com"
    )
    with pytest.raises(ConfigError) as refused:
        https_base_url("http://graph.microsoft.com", setting)
    assert str(refused.value).startswith(f"{setting} is 'http://graph.microsoft.com', which is not")
    assert "give the service's address as https://" in str(refused.value)


def test_an_unreadable_ca_bundle_names_the_setting(tmp_path):
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate")
    setting = "oomnitza.ca_bundle of integration contoso (read from CONTOSO_CA)"
    with pytest.raises(ConfigError, match=rf"^{re.escape(setting)} names .* Point it at the PEM"):
        tls_context(str(bogus), setting)


def test_a_ca_bundle_is_loaded_once_and_again_when_it_changes_on_disk(tmp_path):
    """Clients share a bundle's context; a bundle rewritten in place (a new sandbox CA, a
    rotated private CA) is loaded afresh, and trusts the new CA."""
    bundle = str(make_tls(tmp_path, "127.0.0.1")[0])
    first = tls_context(bundle, "ca_bundle")
    assert tls_context(bundle, "ca_bundle") is first
    assert tls_context(None, "ca_bundle") is tls_context(None, "ca_bundle")

    make_tls(tmp_path, "127.0.0.1")  # a new CA written over the old one
    second = tls_context(bundle, "ca_bundle")
    assert second is not first
    assert second.get_ca_certs() != first.get_ca_certs()
