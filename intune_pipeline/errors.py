"""Errors the pipeline raises on purpose: each says what went wrong and what to do about it."""


class PipelineError(Exception):
    """A failure a person can act on; the message is shown in the Dagster UI as it is."""


class ConfigError(PipelineError):
    """A setting is missing or wrong. The message names the setting and the fix."""


class RemoteError(PipelineError):
    """A remote service answered with an error or an unusable response."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        transient: bool = False,
    ):
        if request_id:
            message = f"{message} (request-id {request_id})"
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        # A fault that outlasted the client's retries (throttling, 5xx, a broken connection,
        # a mangled answer): it may well pass by the next run.
        self.transient = transient


class Labels(dict[str, str]):
    """A library parameter's setting, as a person would point at it, for messages to name.

    The Dagster layer fills it from the settings file; the plain libraries know nothing of that
    file, so a parameter without a label is named as itself.
    """

    def __missing__(self, parameter: str) -> str:
        return parameter
