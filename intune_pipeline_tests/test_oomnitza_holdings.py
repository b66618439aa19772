"""Oomnitza read as the changes since the last load's read-back, end to end and in one function."""

import time

import httpx
import pandas as pd
import pytest

from intune_pipeline.defs.oomnitza.holdings import snapshot_path
from intune_pipeline.errors import RemoteError
from intune_pipeline.oomnitza.client import OomnitzaClient
from intune_pipeline.oomnitza.holdings import (
    AS_OF,
    columns_of,
    current_users,
    read_users,
    updated,
)
from intune_pipeline.oomnitza.snapshots import load_snapshot
from intune_pipeline.sandbox.oomnitza_fields import INTUNE_USER_ID_FIELD
from intune_pipeline.summary import materializations
from intune_pipeline_tests.runs import INTEGRATION, evaluations, sync


def by_hand(sandbox, method: str, path: str, body: dict | None = None) -> dict:
    """What an administrator does in Oomnitza's UI, through its REST API."""
    env = sandbox.env
    with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"]) as http:
        answer = http.request(
            method,
            f"{env['OOMNITZA_URL']}/api/v3{path}",
            headers={"Authorization2": env["OOMNITZA_API_TOKEN"]},
            json=body,
        )
        answer.raise_for_status()
        return answer.json() if answer.content else {}


def full_read_like(sandbox, kept: pd.DataFrame) -> pd.DataFrame:
    """Oomnitza read in full now, with the columns of kept, both in user_id order."""
    env = sandbox.env
    with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"]) as http:
        client = OomnitzaClient(env["OOMNITZA_URL"], env["OOMNITZA_API_TOKEN"], http)
        columns = kept.attrs["oomnitza_source"]["columns"]
        full, _ = read_users(client, columns, INTUNE_USER_ID_FIELD)
    return full.sort_values("user_id", ignore_index=True).astype(str)


def kept_read(instance) -> pd.DataFrame:
    return load_snapshot(snapshot_path(instance, INTEGRATION))


def test_oomnitza_is_read_as_its_changes_and_the_result_is_a_full_read(sandbox_env, instance):
    sandbox = sandbox_env
    first = materializations(sync(instance))
    assert first["oomnitza_users_current"]["read"] == "full"
    assert first["oomnitza_users_current"]["why_full"] == "no earlier read"
    kept = kept_read(instance)
    assert (
        kept.sort_values("user_id", ignore_index=True)
        .astype(str)
        .equals(full_read_like(sandbox, kept))
    )

    # Nothing changed: the next run reads again only what the last load wrote in the second
    # its read-back began (here, all of it: the tenant is small and fast). Oomnitza's clock
    # counts seconds, so a second passes first, as between real runs: the read-back of this
    # run then begins after the first load's last write, and the next reads only the hand edits.
    time.sleep(1.1)
    again = materializations(sync(instance))["oomnitza_users_current"]
    assert again["read"] == "changes" and again["records_read"] <= 1000

    # An administrator edits a synced user and adds one by hand.
    edited = next(u for u in sandbox.oomnitza_users() if u[INTUNE_USER_ID_FIELD] and u["position"])
    by_hand(sandbox, "PATCH", f"/users/{edited['user_id']}", {"position": "Edited by hand"})
    by_hand(
        sandbox, "POST", "/users", {"username": "by.hand", "email": "by.hand@x.org", "role": 25}
    )

    second = sync(instance, full_read=True)  # every Graph user planned; Oomnitza read as changes
    assert second.success
    current = materializations(second)["oomnitza_users_current"]
    assert current["read"] == "changes"
    assert 2 <= current["records_read"] < 10  # the two, not the hundreds of a full read
    changes = materializations(second)["oomnitza_sync_plan"]["changes"].records
    fixed = [row.data for row in changes if row.data["oomnitza_user_id"] == edited["user_id"]]
    assert "Edited by hand" in fixed[0]["changes"]  # the plan saw the edit, and undoes it
    applied = evaluations(second)["planned_changes_applied"]
    assert applied.passed and applied.metadata["read"].value == "changes"
    kept = kept_read(instance)
    assert (
        kept.sort_values("user_id", ignore_index=True)
        .astype(str)
        .equals(full_read_like(sandbox, kept))
    )

    # A record deleted in Oomnitza leaves no trace in change_date: the count tells, read in full.
    by_hand(sandbox, "DELETE", f"/users/{edited['user_id']}")
    third = materializations(sync(instance))["oomnitza_users_current"]
    assert third["read"] == "full"
    assert "the earlier read and its changes" in third["why_full"]


class RefusingClient:
    """Oomnitza that counts its users but refuses any filter, as an older release might."""

    base_url = "https://oomnitza.example/api/v3"

    def user_count(self):
        return 1

    def list_users(self, condition=None):
        if condition:
            raise RemoteError("Oomnitza answered HTTP 400 to GET /api/v3/users", status=400)
        return [{"user_id": "b", "uid": 2, "role": 25, "suspended": False, "f": "x"}], 1_700_000_100


def test_a_refused_change_date_filter_means_a_full_read_with_the_reason():
    columns = columns_of(["intune_user_id"], "f")
    earlier = pd.DataFrame([{"user_id": "a", "uid": 1, "intune_user_id": "old"}])
    earlier.attrs[AS_OF] = 1_700_000_000
    earlier.attrs["oomnitza_source"] = {"url": RefusingClient.base_url, "columns": columns}
    holdings = current_users(RefusingClient(), columns, "f", earlier)
    assert holdings.how == "full"
    assert "refused a change_date filter" in holdings.why_full
    assert holdings.users["intune_user_id"].tolist() == ["x"]
    assert holdings.users.attrs[AS_OF] == 1_700_000_100


class ListingClient:
    """Oomnitza listing the values given."""

    def __init__(self, values):
        self.values = values

    def list_users(self, condition=None):
        return self.values, None


def test_a_listed_value_that_is_not_a_user_record_is_named():
    with pytest.raises(RemoteError, match="not a user record: \"\\['oops'\\]\""):
        read_users(ListingClient([{"user_id": "a"}, ["oops"]]), ["user_id"], "f")


def test_changed_records_replace_their_old_ones_and_new_ones_join_in_uid_order():
    earlier = pd.DataFrame({"user_id": ["a", "b", "c"], "uid": [1, 2, 3], "v": ["1", "2", "3"]})
    changed = pd.DataFrame({"user_id": ["d", "b"], "uid": [4, 2], "v": ["4", "two"]})
    assert updated(earlier, changed).to_dict("list") == {
        "user_id": ["a", "b", "c", "d"],
        "uid": [1, 2, 3, 4],
        "v": ["1", "two", "3", "4"],
    }
    # Found by uid where uids only grow, else by user_id: the same records either way, and a
    # uid held by another record than the changed one's is no match.
    as_text = updated(earlier.astype({"uid": str}), changed.astype({"uid": str}))
    assert as_text.astype({"uid": int}).equals(updated(earlier, changed))
    renumbered = pd.DataFrame({"user_id": ["e"], "uid": [2], "v": ["5"]})
    assert updated(earlier, renumbered)["user_id"].tolist() == ["a", "b", "e", "c"]
    # A read paged while records were added can list one twice: both copies give way.
    twice = pd.DataFrame({"user_id": ["a", "b", "b", "c"], "uid": [1, 2, 2, 3], "v": list("1223")})
    assert updated(twice, changed).to_dict("list") == updated(earlier, changed).to_dict("list")
    # The result is a frame of its own: earlier (the read the plan used) stays as it was, and
    # stamping the result (its attrs) leaves earlier's alone, with changes and without any.
    earlier.attrs[AS_OF] = 1
    with_b, unchanged = updated(earlier, changed.iloc[[1]]), updated(earlier, changed.iloc[0:0])
    assert earlier["v"].tolist() == ["1", "2", "3"]
    with_b.attrs[AS_OF], unchanged.attrs[AS_OF] = 2, 3
    assert earlier.attrs[AS_OF] == 1 and unchanged["v"].tolist() == ["1", "2", "3"]
    # Changing earlier's values afterwards leaves the values the result wrote alone.
    earlier.loc[1, "v"] = "deux"
    assert with_b["v"].tolist() == ["1", "two", "3"]
    # Brought up to date from an empty read, the records keep their own dtypes.
    empty = earlier.iloc[0:0].astype(object)
    assert updated(empty, changed).dtypes.equals(changed.dtypes)


@pytest.mark.parametrize("expression", ["change_date ge 0", "change_date ge 1970-01-01T00:00:00Z"])
def test_the_sandbox_filters_dates_as_unix_seconds_or_iso_8601(sandbox, expression):
    by_hand(
        sandbox, "POST", "/users", {"username": "by.hand", "email": "by.hand@x.org", "role": 25}
    )
    env = sandbox.env
    with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"]) as http:
        client = OomnitzaClient(env["OOMNITZA_URL"], env["OOMNITZA_API_TOKEN"], http)
        everyone = len(client.list_users()[0])
        assert everyone and client.user_count() == everyone
        assert len(client.list_users(condition=expression)[0]) == everyone
        assert not client.list_users(condition="change_date gt 4000000000")[0]


def test_the_sandbox_dates_its_answers_by_the_clock_of_the_moment_it_answers(sandbox):
    """A read is dated by Oomnitza's Date header, so a lagging one makes the next run read
    again what it already holds; uvicorn's own lags up to a second."""
    env = sandbox.env
    with httpx.Client(verify=env["INTUNE_PIPELINE_CA_BUNDLE"]) as http:
        client = OomnitzaClient(env["OOMNITZA_URL"], env["OOMNITZA_API_TOKEN"], http)
        for _ in range(40):  # spread over more than one of uvicorn's renewals of its Date
            asked = int(time.time())
            _, clock = client.list_users(condition="change_date gt 4000000000")
            assert asked <= clock <= int(time.time())
            time.sleep(0.03)


def test_a_read_given_to_be_brought_up_to_date_in_place_gets_the_same_records():
    """Written over (in_place), earlier becomes what a frame of its own would be, every dtype
    kept: the step that read it from disk gives it away and spares copying every column."""
    earlier = pd.DataFrame(
        {
            "user_id": list("abcd"),
            "uid": [1, 2, 3, 4],
            "change_date": [10, 10, 10, 10],
            "suspended": [False] * 4,
            "v": ["1", None, "3", "4"],
        }
    )
    changed = pd.DataFrame(
        {
            "user_id": ["b", "e", "d"],
            "uid": [2, 5, 4],
            "change_date": [20, 20, 21],
            "suspended": [True, False, False],
            "v": ["two", "5", None],
        }
    )
    apart = updated(earlier, changed)
    assert earlier["v"].tolist() == ["1", None, "3", "4"]
    in_place = updated(earlier, changed, in_place=True)
    pd.testing.assert_frame_equal(in_place, apart)
    assert earlier.loc[1, "v"] == "two" and bool(earlier.loc[1, "suspended"])
