"""Calls to the Oomnitza API v3, authenticated with the Authorization2 header."""

from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

import httpx
import orjson

from intune_pipeline.errors import Labels, RemoteError
from intune_pipeline.http import DEFAULT_RETRY, RetryPolicy, json_body, send

USERS_PAGE_SIZE = 1000
# Pages read at once: enough to overlap round trips of ~100 ms, few enough for Oomnitza.
USERS_READ_CONCURRENCY = 8


class OomnitzaClient:
    """A thin client of the endpoints the sync uses; every answer is checked."""

    def __init__(
        self,
        url: str,
        api_token: str,
        http: httpx.Client,
        retry: RetryPolicy = DEFAULT_RETRY,
        labels: Labels | None = None,
    ):
        """labels name the settings url and api_token came from."""
        self._labels = labels or Labels()
        self._base = f"{url}/api/v3"
        self._headers = {
            "Authorization2": api_token,
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        }
        self._http = http
        self._retry = retry

    def __repr__(self) -> str:
        return f"OomnitzaClient({self._base!r})"

    @property
    def base_url(self) -> str:
        return self._base

    def _call(self, method: str, path: str, *, params=None, body=None) -> httpx.Response:
        request = self._http.build_request(
            method,
            f"{self._base}{path}",
            params=params,
            headers=self._headers,
            content=orjson.dumps(body) if body is not None else None,
        )
        response = send(self._http, request, "Oomnitza", self._retry)
        if response.status_code == 401:
            raise RemoteError(
                "Oomnitza refused the API token (HTTP 401). Create a token under Settings > "
                "API tokens for a user whose role may edit People, and set "
                f"{self._labels['api_token']} to it.",
                status=401,
            )
        if response.status_code >= 400:
            raise RemoteError(
                f"Oomnitza answered HTTP {response.status_code} to {method} /api/v3{path}: "
                f"{response.text[:300]}",
                status=response.status_code,
            )
        return response

    def get(self, path: str, params: dict | None = None):
        """The JSON answer to GET /api/v3{path}."""
        return json_body(self._call("GET", path, params=params), "Oomnitza")

    def send_json(self, method: str, path: str, body):
        """The JSON answer to a POST or PATCH of body to /api/v3{path}."""
        return json_body(self._call(method, path, body=body), "Oomnitza")

    def user_count(self) -> int:
        """How many users Oomnitza holds, in one request of a single user."""
        response = self._call("GET", "/users", params={"limit": 1})
        return int(response.headers.get("x-total-count", len(json_body(response, "Oomnitza"))))

    def list_users(
        self,
        page_size: int = USERS_PAGE_SIZE,
        concurrency: int = USERS_READ_CONCURRENCY,
        condition: str | None = None,
    ) -> tuple[list[dict], int | None]:
        """Every user Oomnitza holds, in order (those matching condition, a filter expression,
        if given), and Oomnitza's clock when it answered the first page (Unix seconds, from the
        Date header; None without one): nothing changed after that escapes the read.

        The first page tells how many there are; the pages after it are read concurrently, so
        a large instance costs a few round trips rather than one per page.
        """
        users, total, date = self._users_page(0, page_size, condition)
        skip = len(users)
        if users and skip < total:
            skips = range(skip, total, page_size)
            with ThreadPoolExecutor(concurrency, thread_name_prefix="oomnitza-read") as pool:
                pages = pool.map(lambda at: self._users_page(at, page_size, condition), skips)
                for at, answer in zip(skips, pages, strict=True):
                    page, total, _ = answer  # the count as of the last page, read on below
                    if not page:
                        return users, date
                    users += page
                    skip = at + len(page)
        while users and skip < total:  # users added while the pages were read
            page, total, _ = self._users_page(skip, page_size, condition)
            if not page:
                break
            users += page
            skip += len(page)
        return users, date

    def _users_page(
        self, skip: int, page_size: int, condition: str | None
    ) -> tuple[list[dict], int, int | None]:
        """The page of users from skip on, how many users there are (as far as known), and
        Oomnitza's clock when it answered."""
        params = {"limit": page_size, "skip": skip}
        if condition:
            params["filter"] = condition
        response = self._call("GET", "/users", params=params)
        page = json_body(response, "Oomnitza")
        if not isinstance(page, list):
            raise RemoteError("Oomnitza answered GET /api/v3/users with something not a list")
        total = int(response.headers.get("x-total-count", skip + len(page)))
        date = response.headers.get("date")
        return page, total, int(parsedate_to_datetime(date).timestamp()) if date else None

    def portion_state(self, portion: str) -> dict:
        return self.get(f"/bulk/{portion}")

    def post_batch(self, payload: dict) -> dict:
        return self.send_json("POST", "/bulk", payload)

    def finalize(self, portion: str) -> None:
        self._call("POST", f"/bulk/{portion}/finalize", body={})

    def run_log(self, portion: str) -> dict:
        return self.get(f"/connector_run_logs/{portion}")
