"""The rehearsal's verdicts from a run log: which roles were refused, and the failure rate."""

from intune_pipeline.oomnitza.bulk import PortionOutcome
from intune_pipeline.oomnitza.rehearsal import FailureGuard, Rehearsal, mentions


def test_a_run_log_line_names_a_key_only_as_a_whole_value():
    line = "Record failed: EMAIL 'ba@x.com': a defined role is necessary"
    assert mentions(line, "ba@x.com")
    assert not mentions(line, "a@x.com")
    assert not mentions(line, "ba@x.co")
    assert mentions("Record failed: a.b@x.com.", "a.b@x.com")
    assert mentions("failed (USER a.b@x.com, role 99)", "a.b@x.com")
    assert not mentions("Record failed: a.b@x.com.au", "a.b@x.com")
    assert not mentions("Record failed: a.b@x.com", None)


def outcome(**counts) -> PortionOutcome:
    return PortionOutcome("p", sum(counts.values()), False, "finished", counts)


def test_the_failure_rate_guard_trips_over_its_share_of_the_test_run():
    guard = FailureGuard(share=0.4, sample=10)
    assert Rehearsal(outcome(added=6, failed=4), []).failure_rate(guard) is None
    told = Rehearsal(outcome(added=5, failed=5), []).failure_rate(guard)
    assert told == (
        "The failure_rate guard stopped the upload: Oomnitza failed 5 of the first 10 records "
        "in a test run (50%; the limit is 40%)."
    )
    assert Rehearsal(outcome(), []).failure_rate(guard) is None
