"""What a bare client of the sandbox does first: sign in with the settings it hands out.

For the benchmark's floor and the sandbox's own tests, which talk to Graph without the
pipeline's client (msal); not used by the emulators themselves.
"""

import httpx


def token_request(http: httpx.Client, env: dict[str, str]) -> httpx.Response:
    """Entra's answer to a client-credentials sign-in for Graph, with env's secret."""
    return http.post(
        f"{env['ENTRA_LOGIN_URL']}/{env['ENTRA_TENANT_ID']}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": env["ENTRA_CLIENT_ID"],
            "client_secret": env["ENTRA_CLIENT_SECRET"],
            "scope": f"{env['GRAPH_URL']}/.default",
        },
    )
