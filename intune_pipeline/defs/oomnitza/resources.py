"""The Oomnitza connection and the integration's own settings, configured from the environment."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from intune_pipeline.http import http_client, https_base_url, tls_context
from intune_pipeline.oomnitza import OomnitzaClient


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
    """What the integration writes: the role of synced users and where the Graph id goes."""

    connector_name: str = "Microsoft Intune users"
    role_id: int
    intune_user_id_field: str
    batch_size: int = 500
    max_rejected_share: float = 0.1


def oomnitza_resources_from_env() -> dict:
    return {
        "oomnitza": OomnitzaResource(
            url=dg.EnvVar("OOMNITZA_URL"),
            api_token=dg.EnvVar("OOMNITZA_API_TOKEN"),
            ca_bundle=dg.EnvVar("INTUNE_PIPELINE_CA_BUNDLE").get_value(),
        ),
        "integration": IntegrationSettings(
            role_id=dg.EnvVar.int("OOMNITZA_ROLE_ID"),
            intune_user_id_field=dg.EnvVar("OOMNITZA_INTUNE_USER_ID_FIELD"),
            max_rejected_share=float(os.environ.get("INTUNE_PIPELINE_MAX_REJECTED_SHARE", "0.1")),
        ),
    }
