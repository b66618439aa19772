"""A large /users listing is read in concurrent segments: every user arrives exactly once."""

import logging
import threading
import time

import pytest

from intune_pipeline.defs.graph.resources import segmented_read
from intune_pipeline.errors import ConfigError, RemoteError
from intune_pipeline.graph.client import MAX_PAGE_SIZE
from intune_pipeline.graph.odata_filter import parse_filter
from intune_pipeline.graph.segments import (
    SEQUENTIAL_USERS,
    SLOW_PAGE_SECONDS,
    Segmenting,
    listed_users,
    segment_filters,
)
from intune_pipeline.sandbox import Sandbox, SandboxConfig
from intune_pipeline.settings import load_settings
from intune_pipeline_tests.test_graph_extraction import read_ids, resource, tenant_ids
from intune_pipeline_tests.test_settings import MINIMAL, write


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    config = SandboxConfig(users=12000, seed=33, state_dir=tmp_path_factory.mktemp("segments"))
    with Sandbox(config) as running:
        yield running


def segment_requests(sandbox: Sandbox) -> list[dict]:
    listing = [r for r in sandbox.requests if r["path"] == "/v1.0/users"]
    # The segment of initial z: any segmented read has it, and no user filter here names z.
    return [r for r in listing if "startswith(userPrincipalName,'z')" in r["query"]]


@pytest.mark.parametrize(
    ("scope", "user_filter"),
    [
        ("all", None),
        ("all", "accountEnabled eq true and userType eq 'Member'"),
        ("all", "endsWith(mail,'.com')"),
        # Three pages: no more than the segments' rounds of pages, so read as one listing.
        (
            "all",
            "startswith(userPrincipalName,'a') or startswith(userPrincipalName,'m') or "
            "startswith(userPrincipalName,'j')",
        ),
        ("intune", None),
    ],
)
def test_every_user_arrives_exactly_once(sandbox, scope, user_filter):
    before = len(segment_requests(sandbox))
    graph = resource(sandbox, user_scope=scope, user_filter=user_filter, segmented_read="always")
    ids = read_ids(graph)
    wanted = tenant_ids(sandbox)
    if user_filter:
        wanted = {u["id"] for u in sandbox.graph_users if parse_filter(user_filter).matches(u)}
    listed = len(wanted)  # the /users listing's users; the Intune scope keeps device owners
    if scope == "intune":
        wanted &= {d["userId"] for d in sandbox.managed_devices() if d.get("userId")}
    assert len(ids) == len(set(ids)) and set(ids) == wanted and wanted
    # The read was segmented if Graph counted enough users to pay for it.
    segmented = len(segment_requests(sandbox)) > before
    assert segmented == (listed > SEQUENTIAL_USERS)


def test_segments_partition_any_principal_name():
    names = ["anna@x", "Zed@x", "9lives@x", "émile@x", "_svc@x", "", None, "ÅSA@x"]
    filters = segment_filters(None)
    for name in names:
        user = {"userPrincipalName": name}
        assert sum(f.matches(user) for f in filters) == 1, name


def test_segments_keep_the_user_filter_and_the_remainder_is_advanced():
    filters = segment_filters(parse_filter("accountEnabled eq true"))
    assert all(f.text.startswith("(accountEnabled eq true) and ") for f in filters)
    assert not filters[0].advanced and filters[-1].advanced
    assert not filters[0].matches({"userPrincipalName": "a@x", "accountEnabled": False})


def test_turned_off_the_listing_is_one_chain_of_pages(sandbox):
    before = len(segment_requests(sandbox))
    ids = read_ids(resource(sandbox, segmented_read="never"))
    assert set(ids) == tenant_ids(sandbox) and len(ids) == len(set(ids))
    assert len(segment_requests(sandbox)) == before


def test_by_default_slow_pages_are_read_in_segments(sandbox):
    sandbox.set_faults("graph", latency=SLOW_PAGE_SECONDS * 1.5)
    try:
        before = len(segment_requests(sandbox))
        ids = read_ids(resource(sandbox, segmented_read="when_slow"))
    finally:
        sandbox.set_faults("graph", latency=0.0)
    assert set(ids) == tenant_ids(sandbox) and len(ids) == len(set(ids))
    assert len(segment_requests(sandbox)) > before


@pytest.mark.parametrize(
    ("segmented", "deactivation", "mode"),
    [
        ("auto", "{enabled: false}", "when_slow"),
        ("auto", "{enabled: true}", "never"),  # missing users are suspended: one live listing
        ("auto", "{enabled: true, missing: false}", "when_slow"),
        ("true", "{enabled: false}", "always"),
        ("false", "{enabled: false}", "never"),
    ],
)
def test_auto_reads_in_segments_unless_missing_users_are_suspended(
    tmp_path, segmented, deactivation, mode
):
    text = (
        MINIMAL + f"    users: {{segmented_read: {segmented}}}\n    deactivation: {deactivation}\n"
    )
    assert segmented_read(load_settings(write(tmp_path, text)).integrations[0]) == mode


def test_segments_are_refused_beside_suspending_missing_users(tmp_path):
    text = MINIMAL + "    users: {segmented_read: true}\n    deactivation: {enabled: true}\n"
    with pytest.raises(ConfigError, match=r"users\.segmented_read may miss a user"):
        load_settings(write(tmp_path, text))
    off = text.replace("{enabled: true}", "{enabled: true, missing: false}")
    assert load_settings(write(tmp_path, off)).integrations[0].users.segmented_read is True


class UncountedGraph:
    """Graph whose listing is slow and long, but which refuses to count it."""

    def __init__(self, users: int):
        self.listed = [{"id": str(n), "userPrincipalName": f"u{n}@x"} for n in range(users)]
        self.listings = []

    def users(self, select, user_filter, page_size):
        self.listings.append(user_filter)
        for start in range(0, len(self.listed), page_size):
            yield self.listed[start : start + page_size]

    def user_count(self, user_filter):
        raise RemoteError("Graph answered HTTP 400 to GET /v1.0/users", status=400)


def test_a_listing_graph_will_not_count_is_read_as_one(caplog):
    caplog.set_level(logging.INFO, logger="intune_pipeline")
    graph = UncountedGraph(MAX_PAGE_SIZE * 8)
    link, users = listed_users(graph, ["id"], None, Segmenting(slow_page=0.0), lambda: "link")
    assert link == "link" and users == graph.listed
    assert graph.listings == [None]  # no segment was listed
    assert "Graph did not count the users" in caplog.text


class CountingGraph(UncountedGraph):
    """A listing Graph counts; the count is answered once the request before the listing is in
    flight."""

    def __init__(self, users: int):
        super().__init__(users)
        self.asked = threading.Event()

    def user_count(self, user_filter):
        assert self.asked.wait(5), "the request before the listing was not in flight"
        return len(self.listed)


def test_graph_counts_the_listing_while_the_delta_link_is_read():
    graph = CountingGraph(MAX_PAGE_SIZE * 3)  # too short for segments: read as one listing

    def delta_link():
        graph.asked.set()
        time.sleep(0.1)  # slow enough for segments, were there users enough
        assert graph.listings == [], "a user was read before the delta link"
        return "link"

    link, users = listed_users(graph, ["id"], None, Segmenting(), delta_link)
    assert link == "link" and users == graph.listed and graph.listings == [None]
