"""Settings of what a sync writes and when it must stop: record types, deactivation, guards,
and who hears about it (integration contacts)."""

from typing import Annotated, Literal

from pydantic import Field, field_validator

from intune_pipeline.settings_values import ADDRESS, Secret, Section, Text

Share = Annotated[float, Field(ge=0, le=1)]


class SaasSettings(Section):
    """The SaaS application record that "User plus SaaS user" assigns the synced users to."""

    application: str = "Microsoft Intune"
    """The name of the SaaS application record (made if Oomnitza has none)."""


class DeactivationSettings(Section):
    """Off by default: leavers are suspended in Oomnitza only when this is enabled."""

    enabled: bool = False
    """Suspend leavers in Oomnitza (through the plan, under the mass-change guard)."""
    # Which Entra states count as leaving; each can be switched off on its own.
    missing: bool = True
    """Users Graph no longer returns (deleted, or out of the scope or filter) are leavers."""
    disabled: bool = True
    """Users whose account is disabled (`accountEnabled: false`) are leavers."""


class ChangeLimit(Section):
    """A mass-change limit: it trips when the number exceeds both the count and the share."""

    count: Annotated[int, Field(ge=0)]
    """The number of users above which the guard may trip."""
    share: Share
    """The share of the users Oomnitza holds for the integration above which the guard may trip."""


class FailureRate(Section):
    """Stop the upload before it writes anything when more than share of the first sample
    records fail in a test run."""

    share: Share = 0.4
    """The share of failed records that stops the upload."""
    sample: Annotated[int, Field(ge=1)] = 1000
    """How many of the first records are test-run (nothing written) before the upload."""


class GuardSettings(Section):
    """Safety thresholds; each guard blocks the load and says how to release it for one run."""

    rejected_share: Share = 0.1
    """The share of the users read that may be rejected before the load is blocked."""
    source_shrink: Share = 0.2
    """How much smaller a full Graph read may be than the last successful one."""
    updates: ChangeLimit = ChangeLimit(count=1000, share=0.2)
    """The mass-change limit on updates: it trips above both the count and the share."""
    deactivations: ChangeLimit = ChangeLimit(count=500, share=0.05)
    """The mass-change limit on deactivations: it trips above both the count and the share."""
    failure_rate: FailureRate = FailureRate()
    """Stop the upload, before it writes anything, when too many of the first records fail in
    a test run."""


class ContactSettings(Section):
    """Who is told when the integration fails, overruns, or misses a scheduled run."""

    emails: list[Annotated[str, Field(pattern=ADDRESS)]] = []
    """Addresses told about failed, overrun and missed runs and blocked guards (needs
    `alerts.smtp`)."""
    teams_webhooks: list[Secret] = []
    """Microsoft Teams (Workflows) incoming webhook URLs, `{env: NAME}` only: a webhook URL is a
    credential."""
    slack_webhooks: list[Secret] = []
    """Slack incoming webhook URLs, `{env: NAME}` only."""


class SmtpSettings(Section):
    """The mail server alerts go through; credentials only from the environment."""

    host: Text
    """The mail server alerts go through."""
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    """Its port."""
    security: Literal["starttls", "ssl", "none"] = "starttls"
    """`starttls`, `ssl` (implicit TLS, usually port 465) or `none` (only to a server on this
    machine); the certificate is always verified."""
    username: Text | None = None
    """The user name to sign in with, if the server wants one."""
    password: Secret | None = None
    """Its password, `{env: NAME}` only."""
    sender: Annotated[str, Field(pattern=ADDRESS)]
    """The From address."""
    ca_bundle: Text | None = None
    """Extra CAs to trust for the mail server."""

    @field_validator("security")
    @classmethod
    def plain_only_for_loopback(cls, value, info):
        host = info.data.get("host")
        if value == "none" and isinstance(host, str) and host not in ("127.0.0.1", "localhost"):
            raise ValueError(
                "mail to a server other than this machine must be encrypted: use starttls or ssl"
            )
        return value


class DeltaSensorSettings(Section):
    """Near-real-time syncs: ask Graph every interval what changed; off unless enabled."""

    enabled: bool = False
    """Ask Graph every interval what changed, and sync only when something did."""
    interval_seconds: Annotated[int, Field(ge=30, le=86_400)] = 300
    """How often, from 30 seconds to a day."""


class AlertSettings(Section):
    """Shared by every integration: the mail server, the UI's address and run-time limit."""

    smtp: SmtpSettings | None = None
    """The mail server for e-mail alerts; without it, alerts go to webhooks only."""
    ui_url: str = "http://127.0.0.1:3000"
    """The Dagster UI's address, for the link to the run in each alert."""
    max_runtime_hours: Annotated[float, Field(gt=0)] = 24
    """A sync run still going after this long is stopped and reported."""
