"""The floor: only the network work a full sync cannot avoid, as a bare script.

`python -m benchmarks.floor BATCH_SIZE CONCURRENCY READ_CONCURRENCY`, with the sandbox's
settings in the environment: read every Graph page, read Oomnitza's users (pages read
concurrently), post every record in bulk batches (concurrency at a time), finalize while the
outcome is read, read the users back. The same network strategy as the pipeline's. No validation,
mapping, plan or Dagster. Prints one JSON object of seconds per phase.
"""

import json
import os
import resource
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

import httpx
import orjson

from intune_pipeline.sandbox.clients import token_request

SELECT = "id,userPrincipalName,mail,givenName,surname,displayName,jobTitle,officeLocation"
SELECT += ",mobilePhone,businessPhones"
PAGE = 1000  # Oomnitza's largest page of users


def graph_headers(http: httpx.Client, env: dict) -> dict:
    """The headers of Graph requests, with a new token."""
    return {"Authorization": f"Bearer {token_request(http, env).json()['access_token']}"}


def graph_pages(
    http: httpx.Client, url: str, params: dict | None, headers: dict
) -> tuple[list, dict]:
    """Every user of a Graph listing or delta round, and its last page (with a deltaLink)."""
    users = []
    while url:
        body = orjson.loads(http.get(url, params=params, headers=headers).content)
        users += body["value"]
        url, params = body.get("@odata.nextLink"), None
    return users, body


def graph_users(http: httpx.Client, env: dict) -> list[dict]:
    url, params = f"{env['GRAPH_URL']}/v1.0/users", {"$select": SELECT, "$top": 999}
    return graph_pages(http, url, params, graph_headers(http, env))[0]


def oomnitza_users(
    http: httpx.Client, base: str, headers: dict, pool, condition: str | None = None
) -> tuple[list[dict], int]:
    """Oomnitza's users (those matching condition, a filter, if given) and its clock as it
    answered the first page (Unix seconds). The first page says how many there are; the
    other pages are read concurrently."""

    def page(skip: int) -> httpx.Response:
        params = {"limit": PAGE, "skip": skip, **({"filter": condition} if condition else {})}
        return http.get(f"{base}/users", params=params, headers=headers)

    first = page(0)
    total = int(first.headers.get("x-total-count", 0))
    rest = pool.map(page, range(PAGE, total, PAGE))
    users = [user for answer in (first, *rest) for user in orjson.loads(answer.content)]
    return users, clock(first)


def clock(answer: httpx.Response) -> int:
    """The server's clock as it answered (Unix seconds), from the Date header."""
    return int(parsedate_to_datetime(answer.headers["date"]).timestamp())


def load(http: httpx.Client, env, users: list[dict], batch_size: int, concurrency: int, pool):
    """The users' records posted in bulk batches (concurrency at a time), finalized while the
    outcome is read, as the pipeline does; the records."""
    base, headers = oomnitza_api(env)
    records, options = portion(env, users, "floor")

    def post(start: int) -> None:
        batch = {**options, "records": records[start : start + batch_size]}
        http.post(f"{base}/bulk", content=orjson.dumps(batch), headers=headers)

    with ThreadPoolExecutor(concurrency) as posters:
        list(posters.map(post, range(0, len(records), batch_size)))
    finalized = pool.submit(
        http.post, f"{base}/bulk/{options['portion']}/finalize", content=b"{}", headers=headers
    )
    await_outcome(http, base, headers, options["portion"], records)
    finalized.result()
    return records


def await_outcome(http: httpx.Client, base: str, headers: dict, portion_id: str, records) -> None:
    """Until the portion's run log accounts for every record posted."""
    while not settled(
        http.get(f"{base}/connector_run_logs/{portion_id}", headers=headers), records
    ):
        time.sleep(0.05)


def settled(run_log: httpx.Response, records: list) -> bool:
    """Whether the run log accounts for every record posted, none still processing."""
    objects = run_log.json().get("objects") or {}
    done = sum(count or 0 for name, count in objects.items() if name != "processing")
    return not objects.get("processing") and done >= len(records)


def record(user: dict, field: str) -> dict:
    """The bulk record of a Graph user, the least a sync must send."""
    values = {
        "USER": user["userPrincipalName"],
        "EMAIL": user["mail"].lower(),
        "FIRST_NAME": user["givenName"],
        "LAST_NAME": user["surname"],
        "FULL_NAME": user["displayName"],
        "POSITION": user["jobTitle"],
        "ADDRESS": user["officeLocation"],
        "PHONE": user["mobilePhone"] or (user["businessPhones"] or [None])[0],
        "PERMISSIONS_ID": 25,
        field: user["id"],
    }
    return {key: value for key, value in values.items() if value is not None}


def oomnitza_api(env) -> tuple[str, dict]:
    """Oomnitza's API base URL and the headers of every request."""
    headers = {"Authorization2": env["OOMNITZA_API_TOKEN"], "Content-Type": "application/json"}
    return f"{env['OOMNITZA_URL']}/api/v3", headers


def portion(env, users: list[dict], connector: str) -> tuple[list[dict], dict]:
    """The bulk records of the Graph users that have a mail, and a new portion's options."""
    field = env["OOMNITZA_INTUNE_USER_ID_FIELD"]
    records = [record(user, field) for user in users if user["mail"]]
    options = {"portion": str(uuid.uuid4()), "data_type": "users", "sync_field": ["EMAIL"]}
    return records, {**options, "connector_name": connector}


def http_client(env) -> httpx.Client:
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    return httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"], timeout=120, limits=limits)


def main(batch_size: int, concurrency: int, read_concurrency: int) -> int:
    env = os.environ
    base, headers = oomnitza_api(env)
    http, pool = http_client(env), ThreadPoolExecutor(read_concurrency)
    marks = mark([], "start")
    users = graph_users(http, env)
    mark(marks, "graph")
    oomnitza_users(http, base, headers, pool)
    mark(marks, "oomnitza_read")
    records = load(http, env, users, batch_size, concurrency, pool)
    mark(marks, "load")
    oomnitza_users(http, base, headers, pool)
    mark(marks, "read_back")
    print_result(marks, len(records))
    return 0


def mark(marks: list[tuple[str, float, float]], name: str) -> list:
    """marks with the end of phase name: the time and the CPU time the process used so far."""
    marks.append((name, time.monotonic(), time.process_time()))
    return marks


def print_result(marks: list[tuple[str, float, float]], sent: int) -> None:
    """One JSON object: the seconds in all and of each phase (from the mark before it), and
    the CPU seconds of the process (its threads too) from the first mark to the last."""
    phases = {name: round(t - marks[i][1], 3) for i, (name, t, _) in enumerate(marks[1:])}
    result = {
        "seconds": round(marks[-1][1] - marks[0][1], 3),
        "cpu_seconds": round(marks[-1][2] - marks[0][2], 2),
        "phases": phases,
        "sent": sent,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main(*map(int, sys.argv[1:4])))
