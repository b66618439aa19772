"""The alert channels of the settings, with {env: NAME} values read when an alert is sent."""

import os

from intune_pipeline.alerts import Alert, Contacts, SmtpServer, deliver
from intune_pipeline.settings import Integration
from intune_pipeline.settings_sync import AlertSettings
from intune_pipeline.settings_values import Env


def value(setting) -> str | None:
    """A literal, or the variable an {env: NAME} names (None when it is unset)."""
    return os.environ.get(setting.env) or None if isinstance(setting, Env) else setting


def contacts_of(integration: Integration) -> Contacts:
    contacts = integration.contacts
    return Contacts(
        emails=tuple(contacts.emails),
        teams_webhooks=tuple(filter(None, map(value, contacts.teams_webhooks))),
        slack_webhooks=tuple(filter(None, map(value, contacts.slack_webhooks))),
    )


def smtp_server(alerts: AlertSettings) -> SmtpServer | None:
    smtp = alerts.smtp
    if smtp is None:
        return None
    return SmtpServer(
        host=value(smtp.host),
        port=smtp.port,
        security=smtp.security,
        username=value(smtp.username),
        password=value(smtp.password),
        sender=smtp.sender,
        ca_bundle=value(smtp.ca_bundle),
    )


def has_contacts(integration: Integration) -> bool:
    """Whether the settings name anyone at all (the webhooks' variables are read later)."""
    contacts = integration.contacts
    return bool(contacts.emails or contacts.teams_webhooks or contacts.slack_webhooks)


def send(alert: Alert, integration: Integration, alerts: AlertSettings, log) -> None:
    """Deliver to every channel; one that fails is logged (never its URL or password)."""
    problems = deliver(alert, contacts_of(integration), smtp_server(alerts))
    for problem in problems:
        log.error(f"Alert for {integration.name} not delivered: {problem}")
    failed = f" ({len(problems)} channel(s) failed)" if problems else ""
    log.info(f"Alert for {integration.name}: {alert.headline}{failed}")
