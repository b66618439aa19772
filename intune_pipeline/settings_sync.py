"""Settings of what a sync writes and when it must stop: record types, deactivation, guards,
and who hears about it (integration contacts)."""

from typing import Annotated, Literal

from pydantic import Field, field_validator

from intune_pipeline.settings_values import Secret, Section, Text

Share = Annotated[float, Field(ge=0, le=1)]
ADDRESS = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class SaasSettings(Section):
    """The SaaS application record that "User plus SaaS user" assigns the synced users to."""

    application: str = "Microsoft Intune"


class DeactivationSettings(Section):
    """Off by default: leavers are suspended in Oomnitza only when this is enabled."""

    enabled: bool = False
    # Which Entra states count as leaving; each can be switched off on its own.
    missing: bool = True  # deleted, or no longer in the scope or filter
    disabled: bool = True  # accountEnabled false


class ChangeLimit(Section):
    """A mass-change limit: it trips when the number exceeds both the count and the share."""

    count: Annotated[int, Field(ge=0)]
    share: Share


class FailureRate(Section):
    """Stop sending when more than share of the first sample records fail in Oomnitza."""

    share: Share = 0.4
    sample: Annotated[int, Field(ge=1)] = 1000


class GuardSettings(Section):
    """Safety thresholds; each guard blocks the load and says how to release it for one run."""

    rejected_share: Share = 0.1
    source_shrink: Share = 0.2
    updates: ChangeLimit = ChangeLimit(count=1000, share=0.2)
    deactivations: ChangeLimit = ChangeLimit(count=500, share=0.05)
    failure_rate: FailureRate = FailureRate()


class ContactSettings(Section):
    """Who is told when the integration fails, overruns, or misses a scheduled run."""

    emails: list[Annotated[str, Field(pattern=ADDRESS)]] = []
    teams_webhooks: list[Secret] = []
    slack_webhooks: list[Secret] = []


class SmtpSettings(Section):
    """The mail server alerts go through; credentials only from the environment."""

    host: Text
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: Text | None = None
    password: Secret | None = None
    sender: Annotated[str, Field(pattern=ADDRESS)]
    ca_bundle: Text | None = None

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
    interval_seconds: Annotated[int, Field(ge=30, le=86_400)] = 300


class AlertSettings(Section):
    """Shared by every integration: the mail server, the UI's address and run-time limit."""

    smtp: SmtpSettings | None = None
    ui_url: str = "http://127.0.0.1:3000"
    max_runtime_hours: Annotated[float, Field(gt=0)] = 24
