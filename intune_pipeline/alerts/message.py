"""What an alert says: the integration, what failed, the error in one line, a link to the run."""

from dataclasses import dataclass, field

MAX_ERROR = 500  # characters of the error kept on its one line; the run holds the whole of it


@dataclass(frozen=True)
class Alert:
    """One alert; details are extra lines (a guard's numbers, how to release it)."""

    integration: str
    headline: str  # e.g. "the sync failed", "a scheduled run did not run"
    failed: str  # the asset, check or schedule that failed, as "asset intune_users/oomnitza_load"
    error: str
    link: str | None = None
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def subject(self) -> str:
        return f"[intune-pipeline] {self.integration}: {self.headline}"

    def lines(self) -> list[str]:
        """The body as labelled lines, the same in every channel."""
        lines = [
            f"Integration: {self.integration}",
            f"What failed: {self.failed}",
            f"Error: {one_line(self.error)}",
        ]
        lines += list(self.details)
        if self.link:
            lines.append(f"Run: {self.link}")
        return lines

    def text(self) -> str:
        return "\n".join([self.subject, "", *self.lines()]) + "\n"


def one_line(error: str) -> str:
    """The first line of an error that says something, cut to a readable length."""
    line = next((part.strip() for part in error.splitlines() if part.strip()), "no detail")
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"


def run_link(ui_url: str, run_id: str) -> str:
    """The run's page in the Dagster UI."""
    return f"{ui_url.rstrip('/')}/runs/{run_id}"
