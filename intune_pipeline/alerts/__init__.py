"""Alerts to integration contacts: the message, e-mail over SMTP, Teams and Slack webhooks.

Knows nothing of Dagster: callers say what happened; this package words it and delivers it.
"""

from intune_pipeline.alerts.delivery import Contacts, deliver
from intune_pipeline.alerts.message import Alert, one_line, run_link
from intune_pipeline.alerts.smtp import SmtpServer, send_mail
from intune_pipeline.alerts.webhooks import post_slack, post_teams

__all__ = [
    "Alert",
    "Contacts",
    "SmtpServer",
    "deliver",
    "one_line",
    "post_slack",
    "post_teams",
    "run_link",
    "send_mail",
]
