"""Single functions of the Graph client: clouds, credentials, and where the token may go."""

import httpx
import pytest

from intune_pipeline.errors import ConfigError, Labels, RemoteError
from intune_pipeline.graph import GraphClient, GraphCredentials, UserScope
from intune_pipeline.graph.clouds import cloud_named, scope_for


@pytest.mark.parametrize(
    ("name", "login", "graph"),
    [
        ("global", "https://login.microsoftonline.com", "https://graph.microsoft.com"),
        ("usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us"),
        ("USGov-DoD", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
        (
            "china",
            "https://login.partner.microsoftonline.cn",
            "https://microsoftgraph.chinacloudapi.cn",
        ),
    ],
)
def test_each_cloud_has_its_hosts_and_scope(name, login, graph):
    cloud = cloud_named(name)
    assert (cloud.login_url, cloud.graph_url) == (login, graph)
    assert scope_for(cloud.graph_url) == f"{graph}/.default"


def test_an_unknown_cloud_lists_the_choices():
    with pytest.raises(ConfigError, match=r"graph\.cloud is 'germany'; use one of global, usgov"):
        cloud_named("germany", "graph.cloud")


def test_credentials_never_show_the_secret():
    credentials = GraphCredentials("https://login", "tenant", "client", client_secret="s3cr3t!")
    assert "s3cr3t!" not in repr(credentials) and "s3cr3t!" not in str(credentials)


LABELS = Labels(
    client_secret="graph.client_secret of integration contoso (read from CONTOSO_SECRET)",
    certificate_path="graph.certificate of integration contoso",
    private_key_path="graph.private_key of integration contoso (read from CONTOSO_KEY)",
)


def test_certificate_sign_in_needs_both_files(tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n...")
    credentials = GraphCredentials("https://l", "t", "c", certificate_path=str(cert), labels=LABELS)
    with pytest.raises(ConfigError) as refused:
        credentials.msal_credential()
    assert str(refused.value) == (
        "graph.private_key of integration contoso (read from CONTOSO_KEY) is not set: certificate "
        "sign-in needs both graph.certificate of integration contoso (the certificate PEM) and "
        "graph.private_key of integration contoso (read from CONTOSO_KEY) (its private key PEM)."
    )
    missing = GraphCredentials("https://l", "t", "c", labels=LABELS)
    with pytest.raises(ConfigError, match=r"No Entra credential is set: set graph\.client_secret"):
        missing.msal_credential()


def test_without_labels_the_library_names_its_parameters(tmp_path):
    key = tmp_path / "key.pem"
    key.write_text("not a pem")
    credentials = GraphCredentials(
        "https://l", "t", "c", certificate_path="c", private_key_path=str(key)
    )
    with pytest.raises(ConfigError, match=r"^private_key_path names .* not a PEM file"):
        credentials.msal_credential()
    with pytest.raises(ConfigError, match=r"^kind is group but group_id is not set"):
        UserScope("group")


class FixedToken:
    def token(self) -> str:
        return "token"

    def forget(self) -> None:
        pass


def test_a_next_link_to_another_host_stops_the_read_before_the_token_goes_there():
    seen = []

    def graph(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(
            200, json={"value": [], "@odata.nextLink": "https://evil.example/v1.0/users?x=1"}
        )

    http = httpx.Client(transport=httpx.MockTransport(graph))
    labels = Labels(graph_url="graph.graph_url of integration contoso")
    client = GraphClient("https://graph.microsoft.com", FixedToken(), http, labels=labels)
    with pytest.raises(
        RemoteError, match=r"not the Graph host .* of graph\.graph_url of integration"
    ):
        list(client.users(["id"]))
    assert seen == ["graph.microsoft.com"]


def test_a_redirect_is_not_followed():
    def graph(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://evil.example/steal"})

    http = httpx.Client(transport=httpx.MockTransport(graph))
    client = GraphClient("https://graph.microsoft.com", FixedToken(), http)
    with pytest.raises(RemoteError, match=r"redirecting to 'evil\.example'"):
        list(client.users(["id"]))
