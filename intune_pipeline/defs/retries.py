"""Which failed runs are worth another attempt: those a remote service failed transiently.

Run retries are the daemon's (dagster.yaml run_retries); this hook decides per failure by
setting the run's retry tags before the run's failure is recorded, when the daemon reads them.
"""

import dagster as dg
import httpx
from dagster._core.storage.tags import MAX_RETRIES_TAG, RETRY_ON_ASSET_OR_OP_FAILURE_TAG

from intune_pipeline.errors import RemoteError
from intune_pipeline.http import TRANSIENT_STATUSES

MAX_RETRIES = 2  # runs after the first; a failure that outlasts them is reported


def is_transient(error: BaseException | None) -> bool:
    """Throttling, a 5xx or a broken connection that outlasted the client's own retries.

    A ConfigError, a refusal (401, 403, 404, ...), a guard or a bug would fail again as it is.
    """
    while error is not None:
        if isinstance(error, httpx.TransportError):
            return True
        if isinstance(error, RemoteError):
            return error.transient or error.status in TRANSIENT_STATUSES
        error = error.__cause__
    return False


@dg.failure_hook(name="retry_transient_failures")
def retry_transient_failures(context: dg.HookContext) -> None:
    """Marks the run for a retry when its step failed transiently, and against one otherwise."""
    transient = is_transient(context.op_exception)
    tags = {RETRY_ON_ASSET_OR_OP_FAILURE_TAG: str(transient).lower()}
    if transient:
        tags[MAX_RETRIES_TAG] = str(MAX_RETRIES)
    context.instance.add_run_tags(context.run_id, tags)
    context.log.info(
        f"A transient failure: retried, at most {MAX_RETRIES} times."
        if transient
        else "Not a transient failure: the run is not retried."
    )
