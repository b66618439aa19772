"""The Microsoft Graph connection: cloud, app credentials, which users, and trust."""

from collections.abc import Iterator
from contextlib import contextmanager

from intune_pipeline.defs.values import FromSettings, Source, from_settings
from intune_pipeline.errors import Labels
from intune_pipeline.graph import GraphClient, GraphCredentials, TokenProvider, UserScope
from intune_pipeline.graph.clouds import cloud_named, scope_for
from intune_pipeline.graph.odata_filter import UserFilter, parse_filter
from intune_pipeline.graph.segments import SLOW_PAGE_SECONDS, Segmenting
from intune_pipeline.http import http_client, https_base_url, tls_context
from intune_pipeline.settings import Integration

# Each field's setting in an integration, and those an unset {env: NAME} switches off.
GRAPH_SETTINGS = {
    "cloud": "graph.cloud",
    "login_url": "graph.login_url",
    "graph_url": "graph.graph_url",
    "tenant_id": "graph.tenant_id",
    "client_id": "graph.client_id",
    "client_secret": "graph.client_secret",
    "certificate_path": "graph.certificate",
    "private_key_path": "graph.private_key",
    "ca_bundle": "graph.ca_bundle",
    "user_scope": "users.scope",
    "group_id": "users.group_id",
}
OPTIONAL = (
    "login_url",
    "graph_url",
    "certificate_path",
    "private_key_path",
    "ca_bundle",
    "group_id",
)


class GraphResource(FromSettings):
    """Microsoft Graph for one Entra tenant, signed in as an app registration.

    The login and Graph hosts follow the cloud unless given explicitly (Oomnitza's "Domain").
    A certificate, when given, is used in preference to a client secret.
    """

    cloud: str = "global"
    login_url: str | None = None
    graph_url: str | None = None
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    certificate_path: str | None = None
    private_key_path: str | None = None
    ca_bundle: str | None = None
    user_scope: str = "all"
    group_id: str | None = None
    user_filter: str | None = None
    segmented_read: str = "never"
    """always, when_slow or never: whether a large full listing is read in segments."""

    def segmenting(self) -> Segmenting | None:
        if self.segmented_read == "never":
            return None
        return Segmenting(0.0 if self.segmented_read == "always" else SLOW_PAGE_SECONDS)

    def scope(self) -> UserScope:
        labels = Labels(kind=self.label("user_scope"), group_id=self.label("group_id"))
        return UserScope(self.user_scope.strip().lower(), self.value("group_id"), labels)

    def parsed_filter(self) -> UserFilter | None:
        return (
            parse_filter(self.user_filter, self.label("user_filter")) if self.user_filter else None
        )

    def _host(self, field: str, cloud_url: str, labels: Labels) -> str:
        """The host the setting gives, else the cloud's; labels learn which it was."""
        given = self.value(field)
        note = None if given else f"not set, so the {self.cloud} cloud's"
        labels[field] = self.label(field, note)
        return https_base_url(given or cloud_url, labels[field])

    @contextmanager
    def client(self) -> Iterator[GraphClient]:
        cloud = cloud_named(self.cloud, self.label("cloud"))
        labels = self.labels(
            "tenant_id", "client_id", "client_secret", "certificate_path", "private_key_path"
        )
        login = self._host("login_url", cloud.login_url, labels)
        graph = self._host("graph_url", cloud.graph_url, labels)
        context = tls_context(self.value("ca_bundle"), self.label("ca_bundle"))
        credentials = GraphCredentials(
            login,
            self.value("tenant_id"),
            self.value("client_id"),
            client_secret=self.value("client_secret"),
            certificate_path=self.value("certificate_path"),
            private_key_path=self.value("private_key_path"),
            labels=labels,
        )
        with http_client(context) as http:
            tokens = TokenProvider(credentials, scope_for(graph), http)
            yield GraphClient(graph, tokens, http, labels=labels)


def graph_resource(integration: Integration) -> GraphResource:
    arguments = from_settings(integration, GRAPH_SETTINGS, OPTIONAL)
    # One filter made of users.filter and the filter rules Graph can evaluate.
    arguments["sources"]["user_filter"] = Source(
        setting=f"users.filter and filters of integration {integration.name}"
    )
    return GraphResource(
        **arguments,
        user_filter=integration.graph_filter(),
        segmented_read=segmented_read(integration),
    )


def segmented_read(integration: Integration) -> str:
    """users.segmented_read as a mode: auto reads in segments when pages are slow, unless a full
    read suspends the users it misses (a segmented read can miss one renamed meanwhile)."""
    chosen = integration.users.segmented_read
    if chosen == "auto":
        missing = integration.deactivation.enabled and integration.deactivation.missing
        return "never" if missing else "when_slow"
    return "always" if chosen else "never"
