"""What went wrong in a failed run, read from its event log, as an alert for its contacts."""

import dagster as dg
from dagster._core.events import DagsterEventType

from intune_pipeline.alerts import Alert, run_link
from intune_pipeline.defs.jobs import integration_of
from intune_pipeline.summary import root_cause

OVERRUN = "Exceeded maximum runtime"  # how run monitoring words the failure of a run it stopped
FAILURE_RATE = "The failure_rate guard"  # how the load words a stop by the failure-rate guard
BLOCKED = "The load is blocked."  # where a guard's text turns from the numbers to the advice
# The setting that moves each guard's limit, for the "how to release it" line.
GUARD_SETTINGS = {
    "rejected_share_under_threshold": "guards.rejected_share",
    "source_shrink": "guards.source_shrink",
    "mass_change": "guards.updates and guards.deactivations",
    "failure_rate": "guards.failure_rate",
}


def failure_alert(
    instance: dg.DagsterInstance, run: dg.DagsterRun, run_message: str, ui_url: str
) -> Alert:
    """A blocked guard, an overrun, or the first failed step, in that order of interest."""
    integration, link = integration_of(run), run_link(ui_url, run.run_id)
    for event in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        check = event.dagster_event.event_specific_data
        if not check.passed and check.blocking:
            what = f"check {check.check_name} of {check.asset_key.to_user_string()}"
            return guard_alert(
                integration,
                what,
                check.check_name,
                check.description or "",
                numbers(check.metadata),
                run.job_name,
                link,
            )
    if run_message.startswith(OVERRUN):
        return Alert(
            integration,
            "a run did not complete in time and was stopped",
            f"run of {run.job_name}",
            run_message,
            link,
        )
    for event in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_FAILURE):
        error = root_cause(event.dagster_event.step_failure_data.error)
        what = f"asset {event.step_key.replace('__', '/')}"
        if error.message.startswith(FAILURE_RATE):
            return guard_alert(
                integration, what, "failure_rate", error.message, "", run.job_name, link
            )
        return Alert(
            integration, f"{run.job_name} failed", what, f"{error.cls_name}: {error.message}", link
        )
    return Alert(integration, f"{run.job_name} failed", f"run of {run.job_name}", run_message, link)


def guard_alert(integration, what, guard, text, figures, job, link) -> Alert:
    # A guard's text says what tripped it, then how to release it: each gets its own line.
    facts, _, advice = text.partition(BLOCKED)
    setting = GUARD_SETTINGS.get(guard, "its limit under guards")
    details = [f"Numbers: {figures}"] if figures else []
    advice = advice.strip()
    if advice and setting.split()[0] not in advice:
        advice += f" Or, if this is the new normal, change {setting} in the settings file."
    details.append(
        f"How to release: {advice}"
        if advice
        else f"How to release: if the change is real and expected, raise {setting} in the "
        f"settings file (or fix the source) and launch {job} again."
    )
    return Alert(integration, "a guard blocked the load", what, facts, link, tuple(details))


def numbers(metadata) -> str:
    """The check's numeric metadata, as 'read 400, rejected 20, share 0.05'."""
    shown = []
    for key, entry in metadata.items():
        item = entry.value
        if isinstance(item, bool) or not isinstance(item, int | float):
            continue
        shown.append(f"{key} {round(item, 4) if isinstance(item, float) else item}")
    return ", ".join(shown)
