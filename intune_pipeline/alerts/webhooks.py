"""Microsoft Teams and Slack incoming webhooks: one POST of the alert per URL.

A webhook URL is a credential (whoever holds it can post), so errors name its host only.
"""

import time
from urllib.parse import urlsplit

import httpx

from intune_pipeline.alerts.message import Alert
from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline.http import TRANSIENT_STATUSES, RetryPolicy, http_client, tls_context

LOOPBACK = ("127.0.0.1", "localhost", "::1")
ATTEMPTS = 3
RETRY = RetryPolicy(attempts=ATTEMPTS, max_delay=10.0)  # a sensor tick should not wait long


def post_teams(url: str, alert: Alert) -> None:
    """An Adaptive Card: what Teams Workflows webhooks (and the older connectors) accept."""
    facts = [
        {"title": title, "value": value}
        for title, _, value in (line.partition(": ") for line in alert.lines())
    ]
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": alert.subject, "weight": "Bolder", "wrap": True},
            {"type": "FactSet", "facts": facts},
        ],
    }
    body = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }
    post(url, body, "Teams")


def post_slack(url: str, alert: Alert) -> None:
    post(url, {"text": f"*{alert.subject}*\n" + "\n".join(alert.lines())}, "Slack")


def post(url: str, body: dict, service: str) -> None:
    """POST once, again on throttling or a transient fault; errors and logs name the host only."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    # Plain http only to this machine (a local relay or a test receiver); elsewhere https.
    if parts.scheme != "https" and not (parts.scheme == "http" and host in LOOPBACK):
        raise ConfigError(f"A {service} webhook URL (host {host}) must start with https://")
    where = f"the {service} webhook at {host}"
    # Not http.send: its log lines name the path, and a webhook's path is its secret.
    with http_client(tls_context(None, f"{service} webhook"), timeout=30.0) as client:
        for attempt in range(ATTEMPTS):
            response = None
            try:
                response = client.post(url, json=body)
            except httpx.HTTPError as error:
                problem = type(error).__name__
            else:
                if response.status_code < 300:
                    return
                problem = f"HTTP {response.status_code}"
                if response.status_code not in TRANSIENT_STATUSES:
                    break
            if attempt + 1 < ATTEMPTS:
                time.sleep(RETRY.delay(attempt, response))
    raise RemoteError(
        f"{where} answered {problem}",
        status=response.status_code if response is not None else None,
    )
