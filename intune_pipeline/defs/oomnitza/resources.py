"""The Oomnitza connection and the integration's own settings, configured from the environment."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from intune_pipeline.defs.values import deferred, deferred_int, optional
from intune_pipeline.http import http_client, https_base_url, tls_context
from intune_pipeline.oomnitza import OomnitzaClient
from intune_pipeline.settings import Integration
from intune_pipeline.users.mapping import SYNC_KEY


class OomnitzaResource(dg.ConfigurableResource):
    """One Oomnitza instance, reached with an API token."""

    url: str
    api_token: str
    ca_bundle: str | None = None

    @contextmanager
    def client(self) -> Iterator[OomnitzaClient]:
        url = https_base_url(self.url, "OOMNITZA_URL")
        context = tls_context(self.ca_bundle, "INTUNE_PIPELINE_CA_BUNDLE")
        with http_client(context) as http:
            yield OomnitzaClient(url, self.api_token, http)


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
            url=deferred(oomnitza.url),
            api_token=deferred(oomnitza.api_token),
            ca_bundle=optional(oomnitza.ca_bundle),
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
