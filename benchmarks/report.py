"""The benchmark's table: one row per measured run, every figure from this run."""

import platform
from datetime import UTC, datetime

import psutil
from tabulate import tabulate

# Table column: the steps of the sync job it adds up (step keys without the integration).
STAGES = {
    "graph read": ["graph_users_raw"],
    "validation": ["graph_users"],
    "mapping": ["oomnitza_users"],
    "plan": ["oomnitza_users_current", "oomnitza_sync_plan"],
    "load": ["oomnitza_load"],
    "reconcile": ["oomnitza_load_planned_changes_applied"],
}
HEADERS = ["run", "users", "wall s", "users/s", "floor s", "x floor"]
HEADERS += ["peak RSS MiB", "CPU s", "sandbox CPU s", *STAGES, "Dagster", "Oomnitza read", "sent"]
SYNC_STEPS = sum(map(len, STAGES.values()))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{platform.node()}: {psutil.cpu_count()} cores ({cpu}), {memory:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def row(name: str, users: int, run: dict, floor: dict | None) -> list:
    """One table row; run is benchmarks.sync_run's report, floor benchmarks.floor's."""
    steps = dict(run["steps"])
    stages = [round(sum(steps.pop(s, 0) for s in keys), 2) for keys in STAGES.values()]
    if steps:  # the asset checks run in their asset's step; a new step needs a column
        raise ValueError(f"steps of no stage in STAGES: {', '.join(steps)}")
    wall = run["run_seconds"]
    dagster = round(wall - sum(stages), 2)
    return cells(
        name if run["success"] else f"{name} (FAILED)",
        users,
        wall,
        floor["seconds"] if floor else None,
        run,
        [*stages, dagster, f"{run.get('oomnitza_read', 0):,}"],
    )


# The floor's phases under the stage columns they correspond to.
FLOOR_PHASES = {
    "graph read": "graph",
    "plan": "oomnitza_read",
    "load": "load",
    "reconcile": "read_back",
}


def floor_row(name: str, users: int, script: dict, floor: dict | None = None) -> list:
    """A bare script's run (the floor's, or another network strategy's beside floor) as a row,
    its phases under the pipeline's stages, so each run shows which stage spends how much more
    than the network work it cannot avoid."""
    phases = [
        round(script["phases"][FLOOR_PHASES[s]], 2)
        if FLOOR_PHASES.get(s) in script["phases"]
        else ""
        for s in STAGES
    ]
    seconds = script["seconds"]
    compared = floor["seconds"] if floor else seconds
    return cells(name, users, seconds, compared, script, [*phases, "", ""])


def dagster_row(name: str, seconds: float) -> list:
    """Dagster's floor (benchmarks.dagster_floor) as a row: its whole run is Dagster's cost."""
    columns = dict.fromkeys(HEADERS, "")
    columns.update({"run": name, "wall s": f"{seconds:.2f}", "Dagster": round(seconds, 2)})
    return list(columns.values())


def cells(name, users, wall, floor_seconds, run: dict, stages: list) -> list:
    """A row of HEADERS; run: the script's report, for its memory, CPU and records sent;
    stages: the stage columns, then Dagster and Oomnitza read."""
    return [
        name,
        f"{users:,}",
        f"{wall:.2f}",
        f"{users / wall:,.0f}",
        f"{floor_seconds:.2f}" if floor_seconds else "",
        f"{wall / floor_seconds:.2f}" if floor_seconds else "",
        f"{run['peak_rss_mib']:.0f}",
        f"{run['cpu_seconds']:.2f}",
        f"{run['sandbox_cpu_seconds']:.2f}",
        *stages,
        f"{run['sent']:,}",
    ]


def table(rows: list[list], notes: list[str]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Benchmark of {stamp} on {machine()}", ""]
    lines.append(tabulate(rows, headers=HEADERS, tablefmt="github", disable_numparse=True))
    return "\n".join([*lines, "", *notes])
