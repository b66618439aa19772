"""`python -m benchmarks`: the benchmark table of `make bench` (see benchmarks/RESULTS.md).

Each run gets a fresh sandbox in a process of its own. The pipeline runs the real sync job
(benchmarks.sync_run) in a child process, so its peak RSS is its own; the floor
(benchmarks.floor) runs against fresh sandboxes of the same tenant, since the pipeline's run
leaves its own one full; the fastest of its runs counts.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from benchmarks.report import SYNC_STEPS, dagster_row, floor_row, row, table
from benchmarks.sandbox_process import BenchSandbox
from intune_pipeline.environment import dagster_home
from intune_pipeline.oomnitza.client import USERS_READ_CONCURRENCY
from intune_pipeline.settings import Integration

PROJECT = Path(__file__).resolve().parent.parent
LATENCY = {"graph_latency": 0.15, "oomnitza_latency": 0.1}  # seconds per request
CHANGED_SHARE = 0.01  # users retitled in Entra before the incremental run
DELTA_SEEDS = (7, 8)  # of the users retitled before each incremental run
FLOOR_RUNS = 3
# Oomnitza's connector's way with latency: two round trips per 100 records, over three minutes
# for 100,000 users, so measured up to this many.
CONNECTOR_LATENCY_USERS = 10_000


def child(module: str, env: dict, *args: str) -> dict:
    """Run a benchmark module in a child process; its one line of JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        env={**os.environ, **env},
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{module} printed no result:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def sandboxed(sandbox: BenchSandbox, module: str, env: dict, *args: str) -> dict:
    """child() against sandbox, with the CPU time the sandbox used meanwhile."""
    before = sandbox.cpu_seconds()
    result = child(module, env, *args)
    return {**result, "sandbox_cpu_seconds": round(sandbox.cpu_seconds() - before, 2)}


def pipeline_env(sandbox: BenchSandbox, home: Path, segmented: bool | str = "auto") -> dict:
    """The sync's environment: the project's settings, with users.segmented_read as asked."""
    dagster_home(PROJECT, home)
    settings = yaml.safe_load((PROJECT / "integrations.yaml").read_text())
    for integration in settings["integrations"]:
        integration.setdefault("users", {})["segmented_read"] = segmented
    path = home / "integrations.yaml"
    path.write_text(yaml.safe_dump(settings))
    return {**sandbox.env, "DAGSTER_HOME": str(home), "INTUNE_PIPELINE_SETTINGS": str(path)}


def floor_args() -> list[str]:
    """The pipeline's batch size, batch concurrency and read concurrency, for the floors."""
    defaults = Integration.model_fields
    args = [defaults[name].default for name in ("batch_size", "concurrency")]
    return [str(n) for n in (*args, USERS_READ_CONCURRENCY)]


def floor(work: Path, users: int, latency: dict) -> dict:
    """The fastest of FLOOR_RUNS floors, each against a fresh sandbox: a single floor run was
    seen taking 4.9 s where the next four took 2.8-3.1 s, which flattered the ratio."""
    runs = []
    for n in range(FLOOR_RUNS):
        with BenchSandbox(work / f"floor-{n}", users, **latency) as sandbox:
            runs.append(sandboxed(sandbox, "benchmarks.floor", sandbox.env, *floor_args()))
    return min(runs, key=lambda run: run["seconds"])


def delta_floor(work: Path, users: int, latency: dict) -> tuple[int, dict]:
    """The incremental floor (benchmarks.delta_floor) on a fresh sandbox loaded in full, after
    as many users changed as before the sync's first incremental run; how many changed."""
    with BenchSandbox(work / "delta-floor", users, **latency) as sandbox:
        start = child("benchmarks.delta_floor", sandbox.env, "prepare", *floor_args())
        changed = sandbox.retitle(round(users * CHANGED_SHARE), DELTA_SEEDS[0])
        resume = [start["delta_link"], str(start["since"])]
        run = sandboxed(
            sandbox, "benchmarks.delta_floor", sandbox.env, "run", *floor_args(), *resume
        )
        return changed, run


def dagster_floor(work: Path, steps: int) -> float:
    """The fastest of FLOOR_RUNS runs of steps empty steps, each in a fresh process on the
    project's instance (benchmarks.dagster_floor)."""
    env = {"DAGSTER_HOME": str(dagster_home(PROJECT, work / "dagster-floor"))}
    runs = [child("benchmarks.dagster_floor", env, str(steps)) for _ in range(FLOOR_RUNS)]
    return min(run["run_seconds"] for run in runs)


def measure(work: Path, users: int, latency: dict, incremental: bool) -> list[list]:
    """Rows for a full sync of users (and the incremental ones after it), beside the floor.

    With latency, the sync runs twice: with the default settings (whose slow Graph pages make
    the full listing be read in segments), and with one listing (users.segmented_read: false),
    as a tenant whose full read suspends missing users is read. The first incremental run
    follows the full one, which loaded the whole tenant; the second follows the first, as a
    daily run follows yesterday's.
    """
    floor_run = floor(work, users, latency)
    variants = [("latency", "auto"), ("latency, one listing", False)] if latency else []
    rows = [floor_row("floor" + (", latency" if latency else ""), users, floor_run)]
    if not latency or users <= CONNECTOR_LATENCY_USERS:
        with BenchSandbox(work / "connector-way", users, **latency) as sandbox:
            connector = sandboxed(sandbox, "benchmarks.connector_way", sandbox.env)
        name = "Oomnitza connector's way" + (", latency" if latency else "")
        rows.append(floor_row(name, users, connector, floor_run))
    for n, (label, segmented) in enumerate(variants or [("full", "auto")]):
        deltas = []
        with BenchSandbox(work / f"sandbox-{n}", users, **latency) as sandbox:
            env = pipeline_env(sandbox, work / f"home-{n}", segmented)
            full = sandboxed(sandbox, "benchmarks.sync_run", env)
            for seed in DELTA_SEEDS if incremental and segmented == "auto" else ():
                changed = sandbox.retitle(round(users * CHANGED_SHARE), seed)
                deltas.append((changed, sandboxed(sandbox, "benchmarks.sync_run", env)))
        rows.append(row(label, users, full, floor_run))
        if deltas:
            changed, least = delta_floor(work, users, latency)
            share = least["seconds"] / full["run_seconds"]
            name = f"floor of a delta, {changed:,} changed ({share:.1%} of full)"
            rows.append(floor_row(("latency: " if latency else "") + name, users, least))
        for after, (changed, delta) in zip(("the full run", "a delta run"), deltas, strict=False):
            share = delta["run_seconds"] / full["run_seconds"]
            name = f"{label}: delta after {after}, {changed:,} changed ({share:.1%} of full)"
            rows.append(row(name, users, delta, least))
        # The sync's steps, and one step: the least any layout of the steps could cost.
        for steps in (SYNC_STEPS, 1) if deltas and not latency else ():
            alone = dagster_floor(work, steps)
            share = alone / full["run_seconds"]
            doing = f"{steps} step{'s' * (steps > 1)} doing nothing"
            rows.append(dagster_row(f"Dagster alone: {doing} ({share:.1%} of full)", alone))
        print(f"  {users:,} users, {label}: {full['run_seconds']:.2f} s", file=sys.stderr)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="full syncs, no latency")
    parser.add_argument("--latency-sizes", default="10000,100000", help="full syncs, latency")
    parser.add_argument("--delta-size", type=int, default=100_000, help="incremental runs")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.sizes.split(",") if n]
    latency_sizes = [int(n) for n in args.latency_sizes.split(",") if n]
    rows = []
    with tempfile.TemporaryDirectory(prefix="intune-bench-") as work:
        for n, users in enumerate(sizes):
            rows += measure(Path(work) / f"full-{n}", users, {}, users == args.delta_size)
        for n, users in enumerate(latency_sizes):
            rows += measure(Path(work) / f"latency-{n}", users, LATENCY, users == args.delta_size)
    notes = [
        f"floor s: the fastest of {FLOOR_RUNS} runs of the floor (benchmarks/floor.py); floor rows",
        "show its phases under the stages they match: Graph's pages (graph read), Oomnitza's",
        "users (plan), the upload to its outcome (load), the read back (reconcile);",
        "wall s: the Dagster run, start to finish (execute_in_process); stage columns: seconds",
        "of each step from the run's event log (plan includes reading Oomnitza's users; each",
        "asset's checks are in its step); Dagster: wall minus every step, its own cost;",
        "Oomnitza read: records read for the plan (all, or those changed since the last load).",
        "CPU s: the CPU time of the run's process (every thread), start to finish; sandbox CPU s:",
        "the sandbox's meanwhile (its process serves Graph and Oomnitza). Two cores are shared by",
        "both, so a run cannot take less than half their sum.",
        "Oomnitza connector's way: its network strategy alone as a bare script",
        "(benchmarks/connector_way.py): Graph's pages, then batches of 100 one after another,",
        "each after asking whether the portion was cancelled, finalize and wait for the",
        "outcome; none of its own work per record and no read-back, so the connector itself",
        "can only be slower (about 750 records/s on fake servers, CPU-bound: peers.md);",
        f"with latency only up to {CONNECTOR_LATENCY_USERS:,} users.",
        "floor of a delta: the network work an incremental sync cannot avoid",
        "(benchmarks/delta_floor.py, one run on a fresh sandbox loaded in full, after the same",
        "users changed as before the first delta): one token, Graph's changes through a delta",
        "link, Oomnitza's records changed since, the changed users posted to their outcome,",
        "the records changed since read back; the delta rows' floor.",
        f"Dagster alone: a job of the sync's {SYNC_STEPS} steps, each doing nothing",
        f"(benchmarks/dagster_floor.py; the fastest of {FLOOR_RUNS} fresh processes), on the same",
        "instance: no incremental run can take less, whatever the tenant; and a job of one",
        "step, the least any layout of the sync's steps could cost.",
        f"latency rows: {LATENCY['graph_latency'] * 1000:.0f} ms per Graph request, "
        f"{LATENCY['oomnitza_latency'] * 1000:.0f} ms per Oomnitza request, added by the sandbox.",
    ]
    text = table(rows, notes)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
