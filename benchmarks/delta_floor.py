"""The incremental floor: only the network work an incremental sync cannot avoid, as a bare script.

`python -m benchmarks.delta_floor prepare BATCH_SIZE CONCURRENCY READ_CONCURRENCY`, with the
sandbox's settings in the environment, loads the whole tenant as the floor does (not timed) and
prints where the next run starts from: a Graph delta link for the changes from then on, and
Oomnitza's clock a second after the load. After users changed in Entra,
`python -m benchmarks.delta_floor run BATCH_SIZE CONCURRENCY READ_CONCURRENCY DELTA_LINK SINCE`
does what an incremental sync must: one token, Graph's changes through the delta link,
Oomnitza's records changed since, the changed users' records posted, finalized and their
outcome awaited, Oomnitza's records changed since the load began read back. No validation,
mapping, plan or Dagster. Prints one JSON object, as the floor does.
"""

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.floor import (
    SELECT,
    clock,
    graph_headers,
    graph_pages,
    graph_users,
    http_client,
    load,
    mark,
    oomnitza_api,
    oomnitza_users,
    print_result,
)


def prepare(batch_size: int, concurrency: int, read_concurrency: int) -> int:
    env = os.environ
    http, pool = http_client(env), ThreadPoolExecutor(read_concurrency)
    load(http, env, graph_users(http, env), batch_size, concurrency, pool)
    url, params = (
        f"{env['GRAPH_URL']}/v1.0/users/delta",
        {"$select": SELECT, "$deltatoken": "latest"},
    )
    link = graph_pages(http, url, params, graph_headers(http, env))[1]["@odata.deltaLink"]
    time.sleep(1)  # change_date counts whole seconds: the next read starts after the load's
    base, headers = oomnitza_api(env)
    since = clock(http.get(f"{base}/users", params={"limit": 1}, headers=headers))
    print(json.dumps({"delta_link": link, "since": since}))
    return 0


def run(batch_size: int, concurrency: int, read_concurrency: int, link: str, since: int) -> int:
    env = os.environ
    base, headers = oomnitza_api(env)
    http, pool = http_client(env), ThreadPoolExecutor(read_concurrency)
    marks = mark([], "start")
    changed = graph_pages(http, link, None, graph_headers(http, env))[0]
    mark(marks, "graph")
    load_began = oomnitza_users(http, base, headers, pool, f"change_date ge {since}")[1]
    mark(marks, "oomnitza_read")
    records = load(http, env, changed, batch_size, concurrency, pool)
    mark(marks, "load")
    oomnitza_users(http, base, headers, pool, f"change_date ge {load_began}")
    mark(marks, "read_back")
    print_result(marks, len(records))
    return 0


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    numbers = list(map(int, args[:3]))
    if command == "prepare":
        sys.exit(prepare(*numbers))
    sys.exit(run(*numbers, args[3], int(args[4])))
