"""Paged reads from Microsoft Graph v1.0, with the bearer token sent only to the Graph host."""

import logging
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

import httpx

from intune_pipeline.errors import Labels, RemoteError
from intune_pipeline.graph.auth import TokenProvider
from intune_pipeline.graph.errors import DeltaExpired, graph_error
from intune_pipeline.graph.odata_filter import UserFilter
from intune_pipeline.graph.progress import Progress
from intune_pipeline.http import DEFAULT_RETRY, RetryPolicy, json_body, send

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 999  # Graph's upper bound for $top on users
DEVICE_PAGE_SIZE = 1000


class GraphClient:
    """Reads users, group members and Intune managed devices.

    labels name the setting graph_url came from.
    """

    def __init__(
        self,
        graph_url: str,
        tokens: TokenProvider,
        http: httpx.Client,
        retry: RetryPolicy = DEFAULT_RETRY,
        labels: Labels | None = None,
    ):
        self._setting = (labels or Labels())["graph_url"]
        self._base = f"{graph_url}/v1.0"
        self._origin = urlsplit(graph_url)[:2]
        self._tokens = tokens
        self._http = http
        self._retry = retry

    def users(
        self, select: Sequence[str], user_filter: UserFilter | None = None, page_size: int = 999
    ) -> Iterator[list[dict]]:
        """Every page of the tenant's users, with the filter evaluated by Graph."""
        yield from self._listing("/users", select, user_filter, page_size, "users")

    def group_members(
        self, group_id: str, select: Sequence[str], user_filter: UserFilter | None = None
    ) -> Iterator[list[dict]]:
        """Every page of the users in a group, directly or through nested groups."""
        path = f"/groups/{group_id}/transitiveMembers/microsoft.graph.user"
        yield from self._listing(path, select, user_filter, MAX_PAGE_SIZE, "group members")

    def managed_device_owners(self) -> set[str]:
        """The ids of users who own at least one Intune managed device: the Intune users."""
        params = {"$select": "id,userId", "$top": str(DEVICE_PAGE_SIZE)}
        owners = set()
        for body in self._pages(f"{self._base}/deviceManagement/managedDevices", params, "devices"):
            owners.update(d["userId"] for d in body.get("value", []) if d.get("userId"))
        return owners

    def delta(self, select: Sequence[str], link: str | None = None) -> Iterator[dict]:
        """The pages of a delta round; the last one carries @odata.deltaLink.

        Without a link, the round reads every user; with one, what changed since it was issued.
        """
        if link:
            yield from self._pages(link, None, "changed users")
        else:
            params = {"$select": ",".join(select)}
            yield from self._pages(f"{self._base}/users/delta", params, "users")

    def latest_delta_link(self, select: Sequence[str]) -> str:
        """A delta link for changes from now on, without reading any user."""
        params = {"$select": ",".join(select), "$deltatoken": "latest"}
        for body in self._pages(f"{self._base}/users/delta", params, "delta link"):
            if body.get("@odata.deltaLink"):
                return body["@odata.deltaLink"]
        raise RemoteError("Graph answered $deltatoken=latest without an @odata.deltaLink")

    def user_count(self, user_filter: UserFilter | None = None) -> int | None:
        """How many users the /users listing holds (with user_filter), as Graph's eventually
        consistent index counts them: an advanced query that reads one user. None without a
        count in the answer."""
        params = {"$select": "id", "$top": "1", "$count": "true"}
        if user_filter:
            params["$filter"] = user_filter.text
        count = self._get(f"{self._base}/users", params, {"ConsistencyLevel": "eventual"}).get(
            "@odata.count"
        )
        return count if isinstance(count, int) else None

    def _listing(self, path, select, user_filter, page_size, what) -> Iterator[list[dict]]:
        params = {"$select": ",".join(select), "$top": str(page_size)}
        advanced = bool(user_filter and user_filter.advanced)
        if user_filter:
            params["$filter"] = user_filter.text
        if advanced:
            params["$count"] = "true"  # advanced queries need it, and it gives the total
        for body in self._pages(f"{self._base}{path}", params, what, advanced=advanced):
            page = body.get("value")
            if not isinstance(page, list):
                raise RemoteError(f"Graph answered a page of {what} without a 'value' list")
            yield page

    def _pages(self, url, params, what: str, *, advanced: bool = False) -> Iterator[dict]:
        """Follow @odata.nextLink verbatim, resending ConsistencyLevel on every page."""
        headers = {"ConsistencyLevel": "eventual"} if advanced else {}
        progress = Progress(f"Graph {what}")
        while url:
            body = self._get(url, params, headers)
            progress.page(len(body.get("value") or []), body.get("@odata.count"))
            yield body
            url, params = body.get("@odata.nextLink"), None
        progress.done()

    def _get(self, url: str, params: dict | None, headers: dict) -> dict:
        self._check_origin(url)
        for fresh_token in (False, True):
            request = self._http.build_request(
                "GET",
                url,
                params=params,
                headers={**headers, "Authorization": f"Bearer {self._tokens.token()}"},
            )
            response = send(self._http, request, "Graph", self._retry)
            if response.status_code == 401 and not fresh_token:
                # The token may have expired early or been revoked: ask Entra once for a new one.
                self._tokens.forget()
                continue
            break
        if response.status_code == 410:
            raise DeltaExpired("Graph answered 410 Gone: the delta token has expired")
        body = json_body(response, "Graph")
        if response.status_code != 200:
            raise graph_error(response, body)
        return body

    def first_page(self, path: str, params: dict | None = None) -> dict:
        """The first page of a listing: enough to learn whether the app may read it."""
        return next(self._pages(f"{self._base}{path}", params, path.strip("/")))

    def is_graph_link(self, url: str) -> bool:
        """Whether url points at the configured Graph host."""
        return urlsplit(url)[:2] == self._origin

    def _check_origin(self, url: str) -> None:
        if not self.is_graph_link(url):
            raise RemoteError(
                f"Graph sent a link to {urlsplit(url).netloc!r}, which is not the Graph host "
                f"{self._origin[1]!r} of {self._setting}; the run stops so the access token is not "
                "sent there. Check that the setting is the host Graph's links point to."
            )
