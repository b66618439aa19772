"""The Microsoft Graph connection, configured from environment variables."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from intune_pipeline.graph import GraphClient, GraphCredentials, TokenProvider
from intune_pipeline.http import http_client, https_base_url, tls_context


class GraphResource(dg.ConfigurableResource):
    """Microsoft Graph for one Entra tenant, signed in as an app registration."""

    login_url: str = "https://login.microsoftonline.com"
    graph_url: str = "https://graph.microsoft.com"
    tenant_id: str
    client_id: str
    client_secret: str
    ca_bundle: str | None = None

    @contextmanager
    def client(self) -> Iterator[GraphClient]:
        login = https_base_url(self.login_url, "ENTRA_LOGIN_URL")
        graph = https_base_url(self.graph_url, "GRAPH_URL")
        context = tls_context(self.ca_bundle, "INTUNE_PIPELINE_CA_BUNDLE")
        credentials = GraphCredentials(login, self.tenant_id, self.client_id, self.client_secret)
        with http_client(context) as http:
            yield GraphClient(graph, TokenProvider(credentials, f"{graph}/.default", http), http)


def graph_resource_from_env() -> GraphResource:
    return GraphResource(
        login_url=dg.EnvVar("ENTRA_LOGIN_URL").get_value("https://login.microsoftonline.com"),
        graph_url=dg.EnvVar("GRAPH_URL").get_value("https://graph.microsoft.com"),
        tenant_id=dg.EnvVar("ENTRA_TENANT_ID"),
        client_id=dg.EnvVar("ENTRA_CLIENT_ID"),
        client_secret=dg.EnvVar("ENTRA_CLIENT_SECRET"),
        ca_bundle=dg.EnvVar("INTUNE_PIPELINE_CA_BUNDLE").get_value(),
    )
