"""The Oomnitza connection and the integration's own settings, configured from the environment."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from intune_pipeline.defs.values import FromSettings, deferred, deferred_int, from_settings
from intune_pipeline.http import http_client, https_base_url, tls_context
from intune_pipeline.oomnitza import OomnitzaClient
from intune_pipeline.settings import Integration
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


class IntegrationSettings(dg.ConfigurableResource):
    """What the integration writes, and when it must stop: from its part of the settings file."""

    connector_name: str
    missing: list[str] = []
    role_id: int | None = None
    intune_user_id_field: str
    sync_keys: list[str] = ["email"]
    preference: str = "create_and_update"
    batch_size: int = 500
    max_rejected_share: float = 0.1

    @property
    def sync_key(self) -> str:
        """The first sync key, the one Oomnitza matches records on (email while none is set)."""
        return (self.sync_keys or [SYNC_KEY])[0]


def oomnitza_resources(integration: Integration) -> dict:
    oomnitza = integration.oomnitza
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
            connector_name=f"intune-pipeline {integration.name}",
            missing=integration.missing(),
            role_id=deferred_int(role)
            if (role := integration.default_role()) is not None
            else None,
            intune_user_id_field=deferred(oomnitza.intune_user_id_field),
            preference=integration.preference,
            sync_keys=integration.sync_keys,
            batch_size=integration.batch_size,
            max_rejected_share=integration.guards.rejected_share,
        ),
    }
