"""A small Graph client for the sandbox's tests: a token, GETs, and following nextLinks."""

import httpx

from intune_pipeline.sandbox import Sandbox
from intune_pipeline.sandbox.clients import token_request

ADVANCED = {"ConsistencyLevel": "eventual"}


def graph_token(sandbox: Sandbox, http: httpx.Client) -> str:
    response = token_request(http, sandbox.env)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


class Graph:
    """Calls to the Graph emulator with a fresh token."""

    def __init__(self, sandbox: Sandbox, http: httpx.Client):
        self.sandbox = sandbox
        self.url = sandbox.env["GRAPH_URL"]
        self.http = http
        self.token = graph_token(sandbox, http)

    def get(self, path: str, params=None, headers=None) -> httpx.Response:
        """path is /v1.0/... or an absolute link from a response."""
        url = path if path.startswith("https://") else self.url + path
        sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.http.get(url, params=params, headers=sent)

    def post(self, path: str, body=None) -> httpx.Response:
        return self.http.post(self.url + path, json=body)

    def pages(self, path: str, params=None, headers=None) -> list[dict]:
        """Every page's body, following @odata.nextLink to the end."""
        bodies = []
        while path:
            response = self.get(path, params, headers)
            assert response.status_code == 200, response.text
            bodies.append(response.json())
            path, params = bodies[-1].get("@odata.nextLink"), None
        return bodies

    def items(self, path: str, params=None, headers=None) -> list[dict]:
        return [item for body in self.pages(path, params, headers) for item in body["value"]]

    def delta_round(self, path: str, params=None) -> tuple[list[dict], str, int]:
        """A delta round's entries, the deltaLink that ends it, and how many pages it took."""
        bodies = self.pages(path, params)
        assert all("@odata.deltaLink" not in body for body in bodies[:-1])
        link = bodies[-1]["@odata.deltaLink"]
        return [entry for body in bodies for entry in body["value"]], link, len(bodies)
