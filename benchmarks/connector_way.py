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
import time
import uuid

import httpx
import orjson

from benchmarks.floor import graph_users, print_result, record, settled

BATCH_SIZE = 100


def main() -> int:
    env = os.environ
    base = f"{env['OOMNITZA_URL']}/api/v3"
    headers = {"Authorization2": env["OOMNITZA_API_TOKEN"], "Content-Type": "application/json"}
    http = httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"], timeout=120)
    marks = [("start", time.monotonic())]
    users = graph_users(http, env)
    marks.append(("graph", time.monotonic()))
    field = env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    records = [record(user, field) for user in users if user["mail"]]
    portion = str(uuid.uuid4())
    options = {"portion": portion, "data_type": "users", "sync_field": ["EMAIL"]}
    options["connector_name"] = "connector-way"
    for start in range(0, len(records), BATCH_SIZE):
        if http.get(f"{base}/bulk/{portion}", headers=headers).json().get("canceled"):
            break
        batch = {**options, "records": records[start : start + BATCH_SIZE]}
        http.post(f"{base}/bulk", content=orjson.dumps(batch), headers=headers)
    http.post(f"{base}/bulk/{portion}/finalize", content=b"{}", headers=headers)
    while not settled(http.get(f"{base}/connector_run_logs/{portion}", headers=headers), records):
        time.sleep(0.05)
    marks.append(("load", time.monotonic()))
    print_result(marks, len(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
