"""Certificate sign-in (client assertions) against real msal 1.39, and Entra's refusals."""

import base64
import time
import uuid
from pathlib import Path

import httpx
import jwt
import msal
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.sandbox.certificates import new_app_certificate
from intune_pipeline_tests.sandbox.conftest import trusting_client

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class TextForm:
    """An http_client for msal: msal sends the assertion as bytes, which httpx would write as
    "b'...'" in a form; requests (msal's default) decodes them."""

    def __init__(self, http: httpx.Client):
        self.http = http

    def post(self, url, data=None, **kwargs):
        if isinstance(data, dict):
            data = {k: v.decode() if isinstance(v, bytes) else v for k, v in data.items()}
        return self.http.post(url, data=data, **kwargs)

    def get(self, url, **kwargs):
        return self.http.get(url, **kwargs)

    def close(self):
        pass


def certificate_app(sandbox, credential: dict, http=None) -> msal.ConfidentialClientApplication:
    """With http None, a requests session as msal makes by default, trusting the sandbox CA."""
    env = sandbox.env
    if http is None:
        http = requests.Session()
        http.trust_env = False  # else REQUESTS_CA_BUNDLE overrides verify
        http.verify = env["INTUNE_PIPELINE_CA_BUNDLE"]
    return msal.ConfidentialClientApplication(
        env["ENTRA_CLIENT_ID"],
        client_credential=credential,
        authority=f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}",
        instance_discovery=False,
        http_client=http,
    )


def files(sandbox) -> tuple[str, str]:
    env = sandbox.env
    return (
        Path(env["ENTRA_CLIENT_PRIVATE_KEY"]).read_text(),
        Path(env["ENTRA_CLIENT_CERTIFICATE"]).read_text(),
    )


def token_for(sandbox, credential: dict, http=None) -> dict:
    scope = f"{sandbox.env['GRAPH_URL']}/.default"
    return certificate_app(sandbox, credential, http).acquire_token_for_client([scope])


def test_msal_signs_in_with_the_certificate_files(shared_sandbox, http):
    env = shared_sandbox.env
    key_path = Path(env["ENTRA_CLIENT_PRIVATE_KEY"])
    assert key_path.is_absolute() and key_path.stat().st_mode & 0o777 == 0o600
    key, cert = files(shared_sandbox)
    result = token_for(shared_sandbox, {"private_key": key, "public_certificate": cert})
    assert result["token_type"] == "Bearer", result
    users = http.get(
        f"{env['GRAPH_URL']}/v1.0/users",
        headers={"Authorization": f"Bearer {result['access_token']}"},
    )
    assert users.status_code == 200
    written = shared_sandbox.write_env_file(key_path.parent / "sandbox.env").read_text()
    assert f"ENTRA_CLIENT_CERTIFICATE={env['ENTRA_CLIENT_CERTIFICATE']}\n" in written
    assert f"ENTRA_CLIENT_PRIVATE_KEY={key_path}\n" in written


def test_msal_over_httpx_needs_the_assertion_sent_as_text(shared_sandbox, http):
    key, cert = files(shared_sandbox)
    credential = {"private_key": key, "public_certificate": cert}
    mangled = token_for(shared_sandbox, credential, http)
    assert mangled["error_codes"] == [50027]  # "b'eyJ...'" is no JWT, for Entra either
    assert "access_token" in token_for(shared_sandbox, credential, TextForm(http))


def test_msal_rs256_with_a_sha1_thumbprint_works_too(shared_sandbox):
    key, cert = files(shared_sandbox)
    sha1 = x509.load_pem_x509_certificate(cert.encode()).fingerprint(hashes.SHA1()).hex()
    result = token_for(shared_sandbox, {"private_key": key, "thumbprint": sha1})
    assert "access_token" in result, result


def test_a_certificate_not_registered_is_refused(shared_sandbox):
    other = new_app_certificate("someone-else")
    credential = {
        "private_key": other.key_pem.decode(),
        "public_certificate": other.cert_pem.decode(),
    }
    result = token_for(shared_sandbox, credential)
    assert result["error"] == "invalid_client" and result["error_codes"] == [700027]
    thumbprint = other.certificate.fingerprint(hashes.SHA256()).hex().upper()
    assert result["error_description"].startswith(
        "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not "
        f"found., Thumbprint of key used by client: '{thumbprint}'"
    )


def test_a_wrong_key_for_the_registered_certificate_is_refused(shared_sandbox):
    _, cert = files(shared_sandbox)
    wrong_key = new_app_certificate("someone-else").key_pem.decode()
    result = token_for(shared_sandbox, {"private_key": wrong_key, "public_certificate": cert})
    assert result["error_codes"] == [700027]
    assert "The provided signature value did not match" in result["error_description"]


def hand_made(sandbox, **claims) -> str:
    """An assertion built with PyJWT, as msal builds it, with claims changed."""
    env = sandbox.env
    key, cert = files(sandbox)
    digest = x509.load_pem_x509_certificate(cert.encode()).fingerprint(hashes.SHA256())
    now = time.time()
    payload = {
        "aud": f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}/oauth2/v2.0/token",
        "iss": env["ENTRA_CLIENT_ID"],
        "sub": env["ENTRA_CLIENT_ID"],
        "exp": now + 600,
        "iat": now,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    headers = {"x5t#S256": base64.urlsafe_b64encode(digest).decode()}
    return jwt.encode(payload, key, algorithm="PS256", headers=headers)


def post_assertion(sandbox, http, assertion: str):
    env = sandbox.env
    return http.post(
        f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": env["ENTRA_CLIENT_ID"],
            "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion,
            "scope": f"{env['GRAPH_URL']}/.default",
        },
    )


def test_hand_made_assertions_are_checked_claim_by_claim(shared_sandbox, http):
    assert post_assertion(shared_sandbox, http, hand_made(shared_sandbox)).status_code == 200
    now = time.time()
    cases = [
        ({"exp": now - 1000, "iat": now - 1600}, 700024),
        ({"nbf": now + 1000}, 700024),
        ({"aud": shared_sandbox.env["GRAPH_URL"]}, 700023),
        ({"iss": "someone-else", "sub": "someone-else"}, 700021),
        ({"jti": None}, 50027),
    ]
    for claims, code in cases:
        response = post_assertion(shared_sandbox, http, hand_made(shared_sandbox, **claims))
        assert response.status_code == 401, claims
        body = response.json()
        assert body["error"] == "invalid_client" and body["error_codes"] == [code], body
    expired = post_assertion(shared_sandbox, http, hand_made(shared_sandbox, exp=now - 1000))
    assert expired.json()["error_description"].startswith(
        "AADSTS700024: Client assertion is not within its valid time range. Current time: "
    )
    garbage = post_assertion(shared_sandbox, http, "not.a.jwt")
    assert garbage.json()["error_codes"] == [50027]


def test_short_token_lifetimes_make_msal_ask_again(tmp_path):
    config = SandboxConfig(users=5, token_lifetime=1, state_dir=tmp_path)
    with Sandbox(config) as sandbox, trusting_client(sandbox) as http:
        key, cert = files(sandbox)
        app = certificate_app(sandbox, {"private_key": key, "public_certificate": cert})
        scope = [f"{sandbox.env['GRAPH_URL']}/.default"]
        first, second = (app.acquire_token_for_client(scope) for _ in range(2))
        assert first["expires_in"] == 1 and first["access_token"] != second["access_token"]

        def graph_status(token: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            return http.get(f"{sandbox.env['GRAPH_URL']}/v1.0/users", headers=headers).status_code

        assert graph_status(second["access_token"]) == 200
        time.sleep(1.1)
        assert graph_status(second["access_token"]) == 401
        assert graph_status(app.acquire_token_for_client(scope)["access_token"]) == 200
