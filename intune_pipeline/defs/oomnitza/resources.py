"""The Oomnitza connection and the integration's own settings, configured from the environment."""

from collections.abc import Iterator
from contextlib import contextmanager

from intune_pipeline.defs.values import FromSettings, from_settings
from intune_pipeline.errors import ConfigError
from intune_pipeline.http import http_client, https_base_url, tls_context
from intune_pipeline.oomnitza import OomnitzaClient
from intune_pipeline.settings import Integration
from intune_pipeline.settings_sections import RoleSettings
from intune_pipeline.users.mapping import SYNC_KEY


class OomnitzaResource(FromSettings):
    """One Oomnitza instance, reached with an API token."""

    url: str | None = None
    api_token: str | None = None
    ca_bundle: str | None = None

    @contextmanager
    def client(self) -> Iterator[OomnitzaClient]:
        url = https_base_url(self.value("url"), self.label("url"))
        context = tls_context(self.value("ca_bundle"), self.label("ca_bundle"))
        labels = self.labels("url", "api_token")
        with http_client(context) as http:
            yield OomnitzaClient(url, self.value("api_token"), http, labels=labels)


class IntegrationSettings(FromSettings):
    """What the integration writes, and when it must stop: from its part of the settings file."""

    connector_name: str
    missing: list[str] = []
    role_id: int | None = None
    intune_user_id_field: str | None = None
    sync_keys: list[str] = ["email"]
    preference: str = "create_and_update"
    batch_size: int = 1000
    concurrency: int = 8
    max_rejected_share: float = 0.1
    record_types: str = "user"
    saas_application: str = "Microsoft Intune"
    deactivation: bool = False
    deactivate_missing: bool = True
    deactivate_disabled: bool = True
    source_shrink: float = 0.2
    updates_count: int = 1000
    updates_share: float = 0.2
    deactivations_count: int = 500
    deactivations_share: float = 0.05
    failure_share: float = 0.4
    failure_sample: int = 1000

    @property
    def sync_key(self) -> str:
        """The first sync key, the one Oomnitza matches records on (email while none is set)."""
        return (self.sync_keys or [SYNC_KEY])[0]

    def default_role(self) -> int | None:
        """The role of users no role rule places; None while the integration has none."""
        value = self.value("role_id")
        if value is None or isinstance(value, int):
            return value
        if not str(value).strip().isdigit():
            raise ConfigError(
                f"{self.label('role_id')} is {value!r}, not the id (a whole number) of an "
                "Oomnitza role. Set it to the id of a role defined in Oomnitza."
            )
        return int(value)

    def intune_field(self) -> str:
        """The internal id of Oomnitza's custom field "Microsoft Intune User ID"."""
        return self.value("intune_user_id_field")

    @property
    def max_updates(self) -> tuple[int, float]:
        return self.updates_count, self.updates_share

    @property
    def max_deactivations(self) -> tuple[int, float]:
        return self.deactivations_count, self.deactivations_share


def oomnitza_resources(integration: Integration) -> dict:
    guards = integration.guards
    return {
        "oomnitza": OomnitzaResource(
            **from_settings(
                integration,
                {
                    "url": "oomnitza.url",
                    "api_token": "oomnitza.api_token",
                    "ca_bundle": "oomnitza.ca_bundle",
                },
                optional=("ca_bundle",),
            )
        ),
        "integration": IntegrationSettings(
            **from_settings(
                integration,
                {
                    "role_id": "role.default"
                    if isinstance(integration.role, RoleSettings)
                    else "role",
                    "intune_user_id_field": "oomnitza.intune_user_id_field",
                },
            ),
            connector_name=f"intune-pipeline {integration.name}",
            missing=integration.missing(),
            preference=integration.preference,
            sync_keys=integration.sync_keys,
            batch_size=integration.batch_size,
            concurrency=integration.concurrency,
            max_rejected_share=guards.rejected_share,
            record_types=integration.record_types,
            saas_application=integration.saas.application,
            deactivation=integration.deactivation.enabled,
            deactivate_missing=integration.deactivation.missing,
            deactivate_disabled=integration.deactivation.disabled,
            source_shrink=guards.source_shrink,
            updates_count=guards.updates.count,
            updates_share=guards.updates.share,
            deactivations_count=guards.deactivations.count,
            deactivations_share=guards.deactivations.share,
            failure_share=guards.failure_rate.share,
            failure_sample=guards.failure_rate.sample,
        ),
    }
