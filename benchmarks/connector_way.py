"""Oomnitza's own connector's way of loading: `python -m benchmarks.connector_way`.

With the sandbox's settings in the environment: read every Graph page, then post the records in
batches of 100, one after another, each after asking whether the portion was cancelled, as
Oomnitza's connector does (shared/reference/oomnitza-api.md, "Bulk loading"); finalize, and wait
until the run log accounts for every record. Only the network work of that strategy, none of
the connector's own work per record (which made it CPU-bound at about 750 records/s): the
connector itself can only be slower. Prints one JSON object, as the floor does.
"""

import os
import sys

import orjson

from benchmarks.floor import (
    await_outcome,
    graph_users,
    http_client,
    mark,
    oomnitza_api,
    portion,
    print_result,
)

BATCH_SIZE = 100


def main() -> int:
    env = os.environ
    base, headers = oomnitza_api(env)
    http = http_client(env)
    marks = mark([], "start")
    users = graph_users(http, env)
    mark(marks, "graph")
    records, options = portion(env, users, "connector-way")
    state = f"{base}/bulk/{options['portion']}"
    for start in range(0, len(records), BATCH_SIZE):
        if http.get(state, headers=headers).json().get("canceled"):
            break
        batch = {**options, "records": records[start : start + BATCH_SIZE]}
        http.post(f"{base}/bulk", content=orjson.dumps(batch), headers=headers)
    http.post(f"{state}/finalize", content=b"{}", headers=headers)
    await_outcome(http, base, headers, options["portion"], records)
    mark(marks, "load")
    print_result(marks, len(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
