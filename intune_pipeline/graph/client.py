"""Paged reads of Graph users, with the bearer token sent only to the configured Graph host."""

import logging
import time
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

import httpx

from intune_pipeline.errors import RemoteError
from intune_pipeline.graph.auth import TokenProvider
from intune_pipeline.http import DEFAULT_RETRY, RetryPolicy, json_body, send

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 999  # Graph's upper bound for $top on /users


class GraphClient:
    """Reads users from Microsoft Graph v1.0."""

    def __init__(
        self,
        graph_url: str,
        tokens: TokenProvider,
        http: httpx.Client,
        retry: RetryPolicy = DEFAULT_RETRY,
    ):
        self._base = graph_url
        self._origin = urlsplit(graph_url)[:2]
        self._tokens = tokens
        self._http = http
        self._retry = retry

    def list_users(self, select: Sequence[str], page_size: int = MAX_PAGE_SIZE) -> Iterator[list]:
        """Yield every page of users, following @odata.nextLink verbatim as Graph requires."""
        url = f"{self._base}/v1.0/users"
        params: dict | None = {"$select": ",".join(select), "$top": str(page_size)}
        pages = users = 0
        started = time.monotonic()
        while url:
            body = self._get(url, params)
            page = body.get("value")
            if not isinstance(page, list):
                raise RemoteError("Graph answered a users page without a 'value' list")
            pages += 1
            users += len(page)
            if pages % 20 == 0:
                rate = users / max(time.monotonic() - started, 1e-6)
                log.info("Graph users so far: %d in %d pages (%.0f users/s)", users, pages, rate)
            yield page
            url, params = body.get("@odata.nextLink"), None
        log.info("Graph users read: %d in %d pages", users, pages)

    def _get(self, url: str, params: dict | None) -> dict:
        self._check_origin(url)
        for fresh_token in (False, True):
            request = self._http.build_request(
                "GET",
                url,
                params=params,
                headers={"Authorization": f"Bearer {self._tokens.token()}"},
            )
            response = send(self._http, request, "Graph", self._retry)
            if response.status_code == 401 and not fresh_token:
                # The token may have expired early or been revoked: ask Entra once for a new one.
                self._tokens.forget()
                continue
            break
        body = json_body(response, "Graph")
        if response.status_code != 200:
            raise graph_error(response, body)
        return body

    def _check_origin(self, url: str) -> None:
        if urlsplit(url)[:2] != self._origin:
            raise RemoteError(
                f"Graph sent a link to {urlsplit(url).netloc!r}, which is not the configured Graph "
                f"host {self._origin[1]!r}; the run stops so the access token is not sent there."
            )


def graph_error(response: httpx.Response, body) -> RemoteError:
    """Graph's error body as an exception that keeps its code, message and request-id."""
    error = body.get("error", {}) if isinstance(body, dict) else {}
    inner = error.get("innerError") or {}
    request_id = inner.get("request-id") or response.headers.get("request-id")
    code = error.get("code", "unknown")
    message = error.get("message", "")
    return RemoteError(
        f"Graph answered HTTP {response.status_code} {code}: {message}",
        status=response.status_code,
        request_id=request_id,
    )
