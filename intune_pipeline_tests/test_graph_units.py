"""Single functions of the Graph client: clouds, credentials, and where the token may go."""

import httpx
import pytest

from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline.graph import GraphClient, GraphCredentials
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
    with pytest.raises(ConfigError, match="ENTRA_CLOUD is 'germany'; use one of global, usgov"):
        cloud_named("germany")


def test_credentials_never_show_the_secret():
    credentials = GraphCredentials("https://login", "tenant", "client", client_secret="s3cr3t!")
    assert "s3cr3t!" not in repr(credentials) and "s3cr3t!" not in str(credentials)


def test_certificate_sign_in_needs_both_files(tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n...")
    credentials = GraphCredentials("https://l", "t", "c", certificate_path=str(cert))
    with pytest.raises(ConfigError, match="ENTRA_CLIENT_PRIVATE_KEY is not set"):
        credentials.msal_credential()
    missing = GraphCredentials("https://l", "t", "c")
    with pytest.raises(ConfigError, match="No Entra credential is set"):
        missing.msal_credential()


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
    client = GraphClient("https://graph.microsoft.com", FixedToken(), http)
    with pytest.raises(RemoteError, match="not the configured Graph host"):
        list(client.users(["id"]))
    assert seen == ["graph.microsoft.com"]


def test_a_redirect_is_not_followed():
    def graph(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://evil.example/steal"})

    http = httpx.Client(transport=httpx.MockTransport(graph))
    client = GraphClient("https://graph.microsoft.com", FixedToken(), http)
    with pytest.raises(RemoteError, match=r"redirecting to 'evil\.example'"):
        list(client.users(["id"]))
