"""Every channel of an integration's contacts gets the alert; one broken channel stops none."""

from dataclasses import dataclass, field

from intune_pipeline.alerts.message import Alert
from intune_pipeline.alerts.smtp import SmtpServer, send_mail
from intune_pipeline.alerts.webhooks import post_slack, post_teams
from intune_pipeline.errors import PipelineError


@dataclass(frozen=True)
class Contacts:
    """Who hears about an integration; the webhook URLs are secrets and never shown."""

    emails: tuple[str, ...] = ()
    teams_webhooks: tuple[str, ...] = field(default=(), repr=False)
    slack_webhooks: tuple[str, ...] = field(default=(), repr=False)

    def __bool__(self) -> bool:
        return bool(self.emails or self.teams_webhooks or self.slack_webhooks)


def deliver(alert: Alert, contacts: Contacts, smtp: SmtpServer | None) -> list[str]:
    """Send the alert everywhere it should go; what could not be delivered, one line each."""
    problems = []
    if contacts.emails:
        if smtp is None:
            problems.append("e-mail: no mail server (alerts.smtp) is configured")
        else:
            problems += attempt("e-mail", lambda: send_mail(smtp, list(contacts.emails), alert))
    for number, url in enumerate(contacts.teams_webhooks, 1):
        problems += attempt(f"Teams webhook {number}", lambda url=url: post_teams(url, alert))
    for number, url in enumerate(contacts.slack_webhooks, 1):
        problems += attempt(f"Slack webhook {number}", lambda url=url: post_slack(url, alert))
    return problems


def attempt(channel: str, send) -> list[str]:
    try:
        send()
    except PipelineError as error:
        return [f"{channel}: {error}"]
    return []
