"""A scheduled run that did not run: a failed schedule tick, or no successful load in the
window the schedule promises. Each is told once; the cursor remembers what was told."""

import json
import time

import dagster as dg
from dagster._core.scheduler.instigation import InstigatorType, TickStatus
from dagster._utils.schedules import reverse_cron_string_iterator

from intune_pipeline.alerts import Alert
from intune_pipeline.defs.alerts.channels import send
from intune_pipeline.settings import Integration
from intune_pipeline.settings_sync import AlertSettings


def missed_run_alerts(integration: Integration, alerts: AlertSettings) -> dg.SensorDefinition:
    name, schedule = integration.name, integration.schedule
    schedule_name, load = f"{name}_schedule", dg.AssetKey([name, "oomnitza_load"])
    grace = alerts.max_runtime_hours * 3600
    launched = integration.status == "launched"

    @dg.sensor(
        name=f"{name}_missed_run_alerts",
        minimum_interval_seconds=60,
        default_status=(
            dg.DefaultSensorStatus.RUNNING if launched else dg.DefaultSensorStatus.STOPPED
        ),
    )
    def missed_run_alerts(context: dg.SensorEvaluationContext):
        """Tells the contacts when a scheduled sync did not run or did not load in time."""
        seen = json.loads(context.cursor) if context.cursor else {}
        instance, now = context.instance, time.time()
        state = next(
            (
                s
                for s in instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)
                if s.name == schedule_name
            ),
            None,
        )
        if not (state.is_running if state else launched):
            return dg.SkipReason(f"{schedule_name} is stopped: no run is expected")
        told = []
        if state is not None:
            ticks = instance.get_ticks(
                state.instigator_origin_id,
                state.selector_id,
                after=seen.get("tick", now - grace),
                statuses=[TickStatus.FAILURE],
            )
            if ticks:
                newest = max(ticks, key=lambda tick: tick.timestamp)
                error = newest.error.message if newest.error else "no detail"
                told.append(
                    Alert(
                        name,
                        "a scheduled run did not run",
                        f"schedule {schedule_name} ({len(ticks)} failed tick(s))",
                        error,
                    )
                )
                seen["tick"] = newest.timestamp
        # The latest scheduled time whose run should have finished by now.
        due = next(reverse_cron_string_iterator(now - grace, schedule.cron, schedule.timezone))
        due_ts = due.timestamp()
        if "due" in seen and due_ts > seen["due"] and not loaded_since(instance, load, due_ts):
            told.append(
                Alert(
                    name,
                    "a scheduled run did not run",
                    f"schedule {schedule_name}",
                    f"No successful oomnitza_load since the run scheduled for "
                    f"{due.isoformat()}, due within {alerts.max_runtime_hours:g} hours.",
                )
            )
        # Times before the sensor first ran are not held against anyone.
        seen["due"] = max(due_ts, seen.get("due", due_ts))
        for alert in told:
            send(alert, integration, alerts, context.log)
        context.update_cursor(json.dumps(seen))
        return None if told else dg.SkipReason(f"{schedule_name} ran as expected")

    return missed_run_alerts


def loaded_since(instance: dg.DagsterInstance, load: dg.AssetKey, since: float) -> bool:
    """Whether a run that succeeded materialized the load at or after since."""
    for record in instance.fetch_materializations(load, limit=20).records:
        if record.timestamp < since:
            return False
        run = instance.get_run_by_id(record.run_id)
        if run is not None and run.status == dg.DagsterRunStatus.SUCCESS:
            return True
    return False
