"""The Microsoft Graph connection: cloud, app credentials, which users, and trust."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from intune_pipeline.defs.values import deferred, optional
from intune_pipeline.graph import GraphClient, GraphCredentials, TokenProvider, UserScope
from intune_pipeline.graph.clouds import cloud_named, scope_for
from intune_pipeline.graph.odata_filter import UserFilter, parse_filter
from intune_pipeline.http import http_client, https_base_url, tls_context
from intune_pipeline.settings import Integration


class GraphResource(dg.ConfigurableResource):
    """Microsoft Graph for one Entra tenant, signed in as an app registration.

    The login and Graph hosts follow the cloud unless given explicitly (Oomnitza's "Domain").
    A certificate, when given, is used in preference to a client secret.
    """

    cloud: str = "global"
    login_url: str | None = None
    graph_url: str | None = None
    tenant_id: str
    client_id: str
    client_secret: str | None = None
    certificate_path: str | None = None
    private_key_path: str | None = None
    ca_bundle: str | None = None
    user_scope: str = "all"
    group_id: str | None = None
    user_filter: str | None = None

    def scope(self) -> UserScope:
        return UserScope(self.user_scope.strip().lower(), self.group_id)

    def parsed_filter(self) -> UserFilter | None:
        return parse_filter(self.user_filter) if self.user_filter else None

    @contextmanager
    def client(self) -> Iterator[GraphClient]:
        cloud = cloud_named(self.cloud)
        login = https_base_url(self.login_url or cloud.login_url, "ENTRA_LOGIN_URL")
        graph = https_base_url(self.graph_url or cloud.graph_url, "GRAPH_URL")
        context = tls_context(self.ca_bundle, "INTUNE_PIPELINE_CA_BUNDLE")
        credentials = GraphCredentials(
            login,
            self.tenant_id,
            self.client_id,
            client_secret=self.client_secret,
            certificate_path=self.certificate_path,
            private_key_path=self.private_key_path,
        )
        with http_client(context) as http:
            yield GraphClient(graph, TokenProvider(credentials, scope_for(graph), http), http)


def graph_resource(integration: Integration) -> GraphResource:
    graph, users = integration.graph, integration.users
    return GraphResource(
        cloud=graph.cloud,
        login_url=optional(graph.login_url),
        graph_url=optional(graph.graph_url),
        tenant_id=deferred(graph.tenant_id),
        client_id=deferred(graph.client_id),
        client_secret=deferred(graph.client_secret),
        certificate_path=optional(graph.certificate),
        private_key_path=optional(graph.private_key),
        ca_bundle=optional(graph.ca_bundle),
        user_scope=users.scope,
        group_id=optional(users.group_id),
        user_filter=integration.graph_filter(),
    )
