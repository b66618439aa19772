"""Microsoft's own Graph SDK (msgraph-sdk) reads the sandbox: users with paging, and delta."""

import asyncio
import ssl
import time

import httpx
import pytest
from azure.core.credentials import AccessToken
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.users.delta.delta_request_builder import DeltaRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph_core import GraphClientFactory, PageIterator

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.conftest import trusting_client
from intune_pipeline_tests.sandbox.graph_client import graph_token

SELECT = ["id", "displayName", "mail", "userPrincipalName", "jobTitle"]


class SandboxCredential:
    """An azure-core token credential handing out a token from the sandbox's login emulator."""

    def __init__(self, token: str):
        self.token = token

    def get_token(self, *scopes, **kwargs) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3000)


@pytest.fixture
def sandbox(tmp_path):
    # The SDK takes about 15 ms to build each user object, so the tenant is small; it still
    # takes three /users pages and two delta pages.
    with Sandbox(SandboxConfig(users=260, seed=6, state_dir=tmp_path)) as running:
        yield running


def sdk_client(sandbox: Sandbox, http: httpx.AsyncClient) -> GraphServiceClient:
    with trusting_client(sandbox) as sync_http:
        token = graph_token(sandbox, sync_http)
    auth = AzureIdentityAuthenticationProvider(
        SandboxCredential(token), allowed_hosts=["127.0.0.1"]
    )
    adapter = GraphRequestAdapter(
        auth, GraphClientFactory.create_with_default_middleware(client=http)
    )
    client = GraphServiceClient(request_adapter=adapter)
    client.request_adapter.base_url = f"{sandbox.env['GRAPH_URL']}/v1.0"  # no trailing slash
    return client


async def list_users(client: GraphServiceClient) -> list:
    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(select=SELECT, top=100)
    first = await client.users.get(RequestConfiguration(query_parameters=query))
    users = []
    await PageIterator(first, client.request_adapter).iterate(
        lambda user: users.append(user) or True
    )
    return users


async def delta_round(client: GraphServiceClient, link: str | None) -> tuple[list, str, int]:
    """A delta round's entries (a first round when link is None), deltaLink and page count."""
    if link is None:
        query = DeltaRequestBuilder.DeltaRequestBuilderGetQueryParameters(select=SELECT)
        page = await client.users.delta.get(RequestConfiguration(query_parameters=query))
    else:
        page = await client.users.delta.with_url(link).get()
    entries, pages = list(page.value), 1
    while page.odata_next_link:
        page = await client.users.delta.with_url(page.odata_next_link).get()
        entries, pages = entries + page.value, pages + 1
    return entries, page.odata_delta_link, pages


def test_the_sdk_sees_exactly_the_sandbox_users(sandbox):
    async def run():
        context = ssl.create_default_context(cafile=str(sandbox.ca_path))
        async with httpx.AsyncClient(verify=context, timeout=30) as http:
            client = sdk_client(sandbox, http)
            listed = await list_users(client)
            first, link, pages = await delta_round(client, None)
            assert pages > 1
            before = sandbox.graph_users
            changes = sandbox.mutate_tenant(hires=2, leavers=1, soft_deletes=1, retitles=2)
            second, _, _ = await delta_round(client, link)
            return before, listed, first, changes, second

    before, listed, first, changes, second = asyncio.run(run())
    expected = [(u["id"], u["displayName"], u["mail"], u["userPrincipalName"]) for u in before]
    for seen in (listed, first):
        assert [(u.id, u.display_name, u.mail, u.user_principal_name) for u in seen] == expected
    after = {user["id"]: user for user in sandbox.graph_users}
    changed = {user.id: user for user in second}
    assert len(changed) == len(second) == 6
    for user_id in changes["hires"] + changes["retitles"]:
        user = after[user_id]
        assert changed[user_id].display_name == user["displayName"]
        assert changed[user_id].job_title == user["jobTitle"]
    removed = {user_id: user.additional_data.get("@removed") for user_id, user in changed.items()}
    assert removed == {
        **dict.fromkeys(changes["hires"] + changes["retitles"]),
        changes["leavers"][0]: {"reason": "deleted"},
        changes["soft_deletes"][0]: {"reason": "changed"},
    }
