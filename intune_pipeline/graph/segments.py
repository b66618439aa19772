"""A large /users listing read in concurrent segments, each user exactly once.

Each page's @odata.nextLink comes with the page before it, so one listing is a chain of round
trips (100 pages of 150 ms at 100,000 users). Split by the user principal name's first letter
(startswith, which Graph evaluates without advanced query) plus one remainder segment (not any
of those letters: digits, other scripts), the segments partition the directory and are paged
side by side. Graph's startswith is case-blind, as the local test of the filter is.
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from intune_pipeline.graph.client import MAX_PAGE_SIZE, GraphClient
from intune_pipeline.graph.odata_filter import UserFilter, parse_filter

INITIALS = "abcdefghijklmnopqrstuvwxyz"
# Listings paged at once: overlaps round trips, well inside Graph's per-app request limits.
SEGMENT_CONCURRENCY = 8
# Pages read one after another before splitting: a small tenant is not worth 27 listings.
SEQUENTIAL_PAGES = 5


def segment_filters(user_filter: UserFilter | None) -> list[UserFilter]:
    """One filter per initial and one for the rest, each within user_filter when given."""
    starts = [f"startswith(userPrincipalName,'{initial}')" for initial in INITIALS]
    # The remainder's not needs advanced query (ConsistencyLevel: eventual, $count=true).
    parts = [*starts, f"not ({' or '.join(starts)})"]
    within = f"({user_filter.text}) and " if user_filter else ""
    return [parse_filter(within + part) for part in parts]


def listed_users(
    client: GraphClient, select: Sequence[str], user_filter: UserFilter | None
) -> list[dict]:
    """Every user of the /users listing (with user_filter): in one listing or in segments.

    The first SEQUENTIAL_PAGES pages of the whole listing are read first, so a small tenant is
    read as before. Past them, those users are kept and the segments give everyone else.
    """
    first: list[dict] = []
    pages = client.users(select, user_filter, MAX_PAGE_SIZE)
    for number, page in enumerate(pages, start=1):
        first += page
        if number == SEQUENTIAL_PAGES:
            break
    else:
        return first
    pages.close()
    seen = {user.get("id") for user in first if isinstance(user, dict)}

    def segment(part: UserFilter) -> list[dict]:
        users = [user for page in client.users(select, part, MAX_PAGE_SIZE) for user in page]
        return [u for u in users if not isinstance(u, dict) or u.get("id") not in seen]

    with ThreadPoolExecutor(SEGMENT_CONCURRENCY, thread_name_prefix="graph-segment") as pool:
        segments = list(pool.map(segment, segment_filters(user_filter)))
    return first + [user for users in segments for user in users]
