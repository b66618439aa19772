"""A test run ahead of the upload: the roles Oomnitza does not know, and the failure-rate guard.

A test-run portion is processed and logged by Oomnitza like any portion, but nothing of it is
written. So a broken mapping or role costs no failed writes, and the upload that follows can
send every batch at once instead of waiting on the run log after its first ones.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass

from intune_pipeline.oomnitza.batches import OUTCOMES
from intune_pipeline.oomnitza.bulk import PortionOutcome, upload_portion
from intune_pipeline.oomnitza.client import OomnitzaClient

ROLE_REFUSED = "a defined role is necessary"  # Oomnitza's words for a record without a role


@dataclass(frozen=True)
class FailureGuard:
    """Stop before the upload when more than share of the first sample records fail in a test
    run. As Entra provisioning quarantines a job at 40 % failures."""

    share: float = 0.4
    sample: int = 1000


@dataclass
class Rehearsal:
    """What Oomnitza made of the records of a test run, and the roles it refused among them."""

    outcome: PortionOutcome
    refused_roles: list

    def failure_rate(self, guard: FailureGuard) -> str | None:
        """Why the guard stops the upload, or None."""
        counts = self.outcome.counts
        failed = counts.get("failed", 0)
        done = sum(counts.get(name, 0) for name in OUTCOMES)
        if not done or failed / done <= guard.share:
            return None
        return (
            f"The failure_rate guard stopped the upload: Oomnitza failed {failed} of the first "
            f"{done} records in a test run ({failed / done:.0%}; the limit is {guard.share:.0%})."
        )


def rehearse(
    client: OomnitzaClient,
    records: Collection[dict],
    *,
    sync_fields: list[str],
    **options,
) -> Rehearsal:
    """Test-run records in one portion (none: no request at all), with the upload's options.

    A role is refused when the run log fails its first record for want of a defined role: one
    record is enough, since Oomnitza checks the role before anything else.
    """
    outcome = upload_portion(client, records, sync_fields=sync_fields, test_run=True, **options)
    firsts: dict = {}
    for record in records:
        firsts.setdefault(record.get("PERMISSIONS_ID"), record.get(sync_fields[0]))
    refusals = [line for line in outcome.logs.get("failed", []) if ROLE_REFUSED in line]
    refused = [
        role for role, key in firsts.items() if any(mentions(line, key) for line in refusals)
    ]
    return Rehearsal(outcome, sorted(refused, key=str))


def mentions(line: str, key) -> bool:
    """Whether a run-log line names key as a whole value: not a@x.com inside ba@x.com's line."""
    if key is None:
        return False
    return re.search(rf"(?<![\w.@+-]){re.escape(str(key))}(?![\w@+-]|\.\w)", line) is not None
