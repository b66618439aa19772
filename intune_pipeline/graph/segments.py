"""A large /users listing read in concurrent segments, each user exactly once.

Each page's @odata.nextLink comes with the page before it, so one listing is a chain of round
trips (100 pages of 150 ms at 100,000 users). Split by the user principal name's first character
(startswith, which Graph evaluates without advanced query: every character Entra allows in a
user principal name's user part, A-Z, 0-9 and ' . - _ ! # ^ ~) plus one remainder segment (not
any of those, which should be empty), the segments partition the directory and are paged side
by side. Graph's startswith is case-blind, as the local test of the filter is.

Only the remainder is an advanced query, answered from an eventually consistent index; the
others are read live. A user renamed from one initial to another while the segments are read
can still be missed by that read (the delta link, taken first, brings them on the next run), so
segments are not used where a full read suspends the users it misses (deactivation.missing).
"""

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from intune_pipeline.errors import RemoteError
from intune_pipeline.graph.client import MAX_PAGE_SIZE, GraphClient
from intune_pipeline.graph.odata_filter import UserFilter, parse_filter

log = logging.getLogger(__name__)
T = TypeVar("T")

INITIALS = "abcdefghijklmnopqrstuvwxyz0123456789'.-_!#^~"
# Listings paged at once: 45 segments in three rounds of round trips (eight took six: 0.5 s
# more of a 10,000-user read at 150 ms a page); 16 requests in flight cost 16 of the 3,500
# resource units a small tenant allows an app per 10 s.
SEGMENT_CONCURRENCY = 16
# What makes segments pay: requests slower than this (real Graph takes several times as long).
SLOW_PAGE_SECONDS = 0.05


@dataclass(frozen=True)
class Segmenting:
    """Read the listing in segments if the request before it took at least slow_page seconds
    (0: always) and the listing is long enough to pay for the segments."""

    slow_page: float = SLOW_PAGE_SECONDS


def segment_filters(user_filter: UserFilter | None) -> list[UserFilter]:
    """One filter per initial and one for the rest, each within user_filter when given."""
    quoted = [initial.replace("'", "''") for initial in INITIALS]
    starts = [f"startswith(userPrincipalName,'{initial}')" for initial in quoted]
    # The remainder's not needs advanced query (ConsistencyLevel: eventual, $count=true).
    parts = [*starts, f"not ({' or '.join(starts)})"]
    within = f"({user_filter.text}) and " if user_filter else ""
    return [parse_filter(within + part) for part in parts]


# The segments take at least this many rounds of pages, one listing per segment: a listing no
# longer than that many pages is read as soon as it is (a tenant of 3,000 users).
SEGMENT_ROUNDS = -(-(len(INITIALS) + 1) // SEGMENT_CONCURRENCY)
SEQUENTIAL_USERS = SEGMENT_ROUNDS * MAX_PAGE_SIZE


def listed_users(
    client: GraphClient,
    select: Sequence[str],
    user_filter: UserFilter | None,
    segmenting: Segmenting,
    read_first: Callable[[], T],
) -> tuple[T, list[dict]]:
    """read_first() (what must be read before any user: the delta link), then every user of the
    /users listing (with user_filter), in one listing or in segments.

    Graph counts the listing's users while read_first() is in flight. If that took
    segmenting.slow_page (Graph is slow enough for segments to pay) and more than
    SEQUENTIAL_USERS are counted, the segments give every user; else the listing is read as
    one. The count comes from an eventually consistent index: it only chooses how to read.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="graph-count") as pool:
        counted = pool.submit(listing_count, client, user_filter)
        started = time.monotonic()
        first = read_first()
        slow = time.monotonic() - started >= segmenting.slow_page
        total = counted.result()
    if not slow or total is None or total <= SEQUENTIAL_USERS:
        listing = client.users(select, user_filter, MAX_PAGE_SIZE)
        return first, [user for page in listing for user in page]

    def segment(part: UserFilter) -> list[dict]:
        return [user for page in client.users(select, part, MAX_PAGE_SIZE) for user in page]

    with ThreadPoolExecutor(SEGMENT_CONCURRENCY, thread_name_prefix="graph-segment") as pool:
        segments = list(pool.map(segment, segment_filters(user_filter)))
    return first, [user for users in segments for user in users]


def listing_count(client: GraphClient, user_filter: UserFilter | None) -> int | None:
    """How many users Graph counts in the listing; None if it will not count them."""
    try:
        return client.user_count(user_filter)
    except RemoteError as error:
        log.info("Graph did not count the users (%s); the listing is read as it is", error)
        return None
