"""The login emulator against real msal 1.39, used exactly as the pipeline uses it."""

import ssl

import httpx
import msal
import pytest

from intune_pipeline_tests.sandbox.conftest import trusting_client


def confidential_app(sandbox, http, **changes) -> msal.ConfidentialClientApplication:
    env = {**sandbox.env, **changes}
    return msal.ConfidentialClientApplication(
        env["ENTRA_CLIENT_ID"],
        client_credential=env["ENTRA_CLIENT_SECRET"],
        authority=f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}",
        instance_discovery=False,
        http_client=http,
    )


def test_msal_gets_a_token_graph_accepts(shared_sandbox, http):
    env = shared_sandbox.env
    result = confidential_app(shared_sandbox, http).acquire_token_for_client(
        [f"{env['GRAPH_URL']}/.default"]
    )
    assert result["token_type"] == "Bearer"
    assert result["expires_in"] == 3599
    response = http.get(
        f"{env['GRAPH_URL']}/v1.0/users",
        params={"$top": "1"},
        headers={"Authorization": f"Bearer {result['access_token']}"},
    )
    assert response.status_code == 200


def test_a_client_that_does_not_trust_the_ca_is_refused(shared_sandbox):
    with httpx.Client() as untrusting, pytest.raises(httpx.ConnectError):
        untrusting.get(shared_sandbox.env["ENTRA_LOGIN_URL"])


def test_wrong_secret_is_invalid_client(shared_sandbox, http):
    env = shared_sandbox.env
    app = confidential_app(shared_sandbox, http, ENTRA_CLIENT_SECRET="not-the-secret")
    result = app.acquire_token_for_client([f"{env['GRAPH_URL']}/.default"])
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [7000215]
    assert result["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")
    assert env["ENTRA_CLIENT_ID"] in result["error_description"]


def test_unknown_client_is_unauthorized_client(shared_sandbox, http):
    env = shared_sandbox.env
    stranger = "00000000-1111-4222-8333-444444444444"
    app = confidential_app(shared_sandbox, http, ENTRA_CLIENT_ID=stranger)
    result = app.acquire_token_for_client([f"{env['GRAPH_URL']}/.default"])
    assert result["error"] == "unauthorized_client"
    assert result["error_description"].startswith(
        f"AADSTS700016: Application with identifier '{stranger}'"
    )


def test_unknown_tenant_fails_in_msal_discovery(shared_sandbox, http):
    with pytest.raises(ValueError, match="Unable to get authority configuration") as caught:
        confidential_app(shared_sandbox, http, ENTRA_TENANT_ID="no-such-tenant")
    discovery_error = str(caught.value.__context__)  # msal keeps the body it got
    assert "HTTP status: 400" in discovery_error
    assert '"error":"invalid_tenant"' in discovery_error
    assert "AADSTS90002: Tenant 'no-such-tenant' not found" in discovery_error


def test_scope_must_be_the_sandbox_graph_default(shared_sandbox, http):
    app = confidential_app(shared_sandbox, http)
    result = app.acquire_token_for_client(["User.Read.All"])
    assert result["error"] == "invalid_scope"
    assert result["error_codes"] == [1002012]
    other_cloud = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    assert other_cloud["error"] == "invalid_resource"


def test_token_endpoint_refuses_other_grants_and_missing_parameters(shared_sandbox, http):
    env = shared_sandbox.env
    url = f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}/oauth2/v2.0/token"
    form = {
        "grant_type": "password",
        "client_id": env["ENTRA_CLIENT_ID"],
        "scope": f"{env['GRAPH_URL']}/.default",
    }
    response = http.post(url, data=form)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    response = http.post(url, data={**form, "grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json()["error_codes"] == [7000218]  # no secret at all


def test_discovery_document_points_at_this_server(shared_sandbox, http):
    env = shared_sandbox.env
    base = f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}"
    document = http.get(f"{base}/v2.0/.well-known/openid-configuration").json()
    assert document["issuer"] == f"{base}/v2.0"
    assert document["token_endpoint"] == f"{base}/oauth2/v2.0/token"
    for key in ("authorization_endpoint", "jwks_uri", "end_session_endpoint"):
        assert document[key].startswith(base)
    unknown = http.get(f"{env['ENTRA_LOGIN_URL']}/nope/v2.0/.well-known/openid-configuration")
    assert unknown.status_code == 400
    body = unknown.json()
    assert body["error"] == "invalid_tenant"
    assert body["error_codes"] == [90002]
    assert {"timestamp", "trace_id", "correlation_id"} <= body.keys()


def test_the_tenant_domain_names_the_tenant_too(shared_sandbox):
    context = ssl.create_default_context(cafile=shared_sandbox.env["INTUNE_PIPELINE_CA_BUNDLE"])
    with httpx.Client(verify=context) as http:
        app = confidential_app(shared_sandbox, http, ENTRA_TENANT_ID="contoso.onmicrosoft.com")
        result = app.acquire_token_for_client([f"{shared_sandbox.env['GRAPH_URL']}/.default"])
    assert "access_token" in result


def test_trusting_client_helper_trusts_localhost_name(shared_sandbox):
    port = shared_sandbox.env["ENTRA_LOGIN_URL"].rsplit(":", 1)[1]
    tenant = shared_sandbox.env["ENTRA_TENANT_ID"]
    with trusting_client(shared_sandbox) as http:
        url = f"https://localhost:{port}/{tenant}/v2.0/.well-known/openid-configuration"
        assert http.get(url).status_code == 200
