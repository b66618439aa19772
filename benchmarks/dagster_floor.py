"""Dagster's own floor: `python -m benchmarks.dagster_floor STEPS`, with DAGSTER_HOME set.

A job of STEPS chained assets that do nothing, run once with execute_in_process on the
project's instance (the sync's dagster.yaml), in a fresh process as each sync run is: what any
run of that many steps costs before it reads, plans or sends a single user. Prints one JSON
object. An incremental run cannot be cheaper than this, whatever the tenant.
"""

import json
import sys
import time

import dagster as dg


def chain(steps: int) -> dg.JobDefinition:
    """steps assets, each depending on the one before it, each returning nothing."""
    assets = []
    for n in range(steps):

        @dg.asset(name=f"step_{n}", deps=assets[-1:])
        def step() -> None:
            """Nothing: the run's cost is Dagster's alone."""

        assets.append(step)
    job = dg.define_asset_job("empty_steps")
    defs = dg.Definitions(assets=assets, jobs=[job], resources={"io_manager": dg.mem_io_manager})
    return defs.resolve_job_def("empty_steps")


def main(steps: int) -> int:
    job = chain(steps)
    with dg.DagsterInstance.get() as instance:
        begun = time.monotonic()
        result = job.execute_in_process(instance=instance)
        seconds = time.monotonic() - begun
    print(json.dumps({"success": result.success, "run_seconds": round(seconds, 3)}))
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
