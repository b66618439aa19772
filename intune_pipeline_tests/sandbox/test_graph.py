"""The Graph emulator: $select, $top, opaque skiptoken paging and Graph's error shapes."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline_tests.sandbox.conftest import USERS, trusting_client
from intune_pipeline_tests.sandbox.graph_client import graph_token

DEFAULT = {
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
}


@pytest.fixture
def token(shared_sandbox, http):
    return graph_token(shared_sandbox, http)


def users_url(sandbox) -> str:
    return f"{sandbox.env['GRAPH_URL']}/v1.0/users"


def get(http, url, token, params=None):
    return http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})


def test_paging_returns_every_user_once_with_only_the_selected_properties(
    shared_sandbox, http, token
):
    url, params = users_url(shared_sandbox), {"$select": "id,mail,accountEnabled", "$top": "50"}
    seen, pages = [], 0
    while url:
        response = get(http, url, token, params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["@odata.context"].endswith("/v1.0/$metadata#users(id,mail,accountEnabled)")
        for user in body["value"]:
            assert set(user) == {"id", "mail", "accountEnabled"}
        seen.extend(user["id"] for user in body["value"])
        url, params, pages = body.get("@odata.nextLink"), None, pages + 1
    assert pages == -(-USERS // 50)
    assert seen == [user["id"] for user in shared_sandbox.graph_users]
    assert len(set(seen)) == USERS


def test_values_match_the_tenant_and_unset_properties_are_null(shared_sandbox, http, token):
    org = ("department", "employeeId", "companyName", "city", "country", "employeeOrgData")
    select = f"displayName,mail,jobTitle,businessPhones,{','.join(org)},faxNumber"
    body = get(http, users_url(shared_sandbox), token, {"$select": select, "$top": "999"}).json()
    assert "@odata.nextLink" not in body
    for got, user in zip(body["value"], shared_sandbox.graph_users, strict=True):
        assert got["id"] == user["id"]  # id always comes back
        for prop in ("displayName", "mail", "jobTitle", "businessPhones", *org):
            assert got[prop] == user[prop]
        assert got["faxNumber"] is None


def test_without_select_graph_answers_its_default_properties(shared_sandbox, http, token):
    response = get(http, users_url(shared_sandbox), token)
    body = response.json()
    assert len(body["value"]) == 100  # the default page size
    assert all(set(user) == DEFAULT for user in body["value"])
    assert body["@odata.context"].endswith("$metadata#users")
    assert response.headers["request-id"]
    assert response.headers["client-request-id"]


def test_next_link_is_opaque_and_cannot_be_forged(shared_sandbox, http, token):
    body = get(http, users_url(shared_sandbox), token, {"$top": "10"}).json()
    link = body["@odata.nextLink"]
    assert link.startswith(users_url(shared_sandbox) + "?")
    skiptoken = parse_qs(urlsplit(link).query)["$skiptoken"][0]
    assert len(skiptoken) >= 32 and not skiptoken.isdigit()
    for forged in ("10", skiptoken[:-1] + ("A" if skiptoken[-1] != "A" else "B"), ""):
        response = get(http, users_url(shared_sandbox), token, {"$skiptoken": forged})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "Request_BadRequest"


@pytest.mark.parametrize("top", ["1000", "0", "abc", "-1"])
def test_page_size_out_of_range_is_refused(shared_sandbox, http, token, top):
    response = get(http, users_url(shared_sandbox), token, {"$top": top})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "Request_UnsupportedQuery"
    assert error["message"] == (
        f"Invalid page size specified: '{top}'. Must be between 1 and 999 inclusive."
    )


def test_skip_and_unknown_properties_are_refused(shared_sandbox, http, token):
    response = get(http, users_url(shared_sandbox), token, {"$skip": "10"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "Request_UnsupportedQuery"
    response = get(http, users_url(shared_sandbox), token, {"$select": "id,shoeSize"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'."
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "Access token is empty."),
        ("Bearer", "Access token is empty."),
        ("Bearer not-a-token", "IDX14100: JWT is not well formed"),
        ("Bearer a.b.c", "Access token validation failure."),
    ],
)
def test_bad_tokens_answer_401_invalid_authentication_token(shared_sandbox, http, header, message):
    headers = {"Authorization": header} if header else {}
    response = http.get(users_url(shared_sandbox), headers={**headers, "client-request-id": "abc"})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "InvalidAuthenticationToken"
    assert error["message"].startswith(message)
    assert error["innerError"]["request-id"] == response.headers["request-id"]
    assert (
        error["innerError"]["client-request-id"] == "abc" == response.headers["client-request-id"]
    )
    assert "date" in error["innerError"]


def test_an_expired_token_is_refused(tmp_path):
    config = SandboxConfig(users=5, seed=2, state_dir=tmp_path, token_lifetime=1)
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        token = graph_token(sandbox, http)
        assert get(http, users_url(sandbox), token).status_code == 200
        time.sleep(1.1)
        response = get(http, users_url(sandbox), token)
        assert response.status_code == 401
        assert response.json()["error"]["message"] == (
            "Access token has expired or is not yet valid."
        )


def test_delta_is_routed_in_both_forms(shared_sandbox, http, token):
    for path in ("/delta", "/delta()"):
        response = get(http, users_url(shared_sandbox) + path, token, {"$select": "id"})
        assert response.status_code == 200
        assert response.json()["value"]
