"""split_valid validates only the rows its checks suspect: the outcome is Pandera's on them all."""

import random
import uuid

import pandas as pd
import pandera.pandas as pa
import pytest

from intune_pipeline.users.schemas import GraphUser, OomnitzaUser
from intune_pipeline.users.validation import REJECTION_COLUMNS, rejections_of, split_valid, tidy

# Values each text column may be given: good ones, and each way a value can fail a check.
ODD = [None, float("nan"), "", 42, ["a"], {"a": 1}, "x" * 400, "Bell\x07", "UPPER@Contoso.com"]
TEXT = ["ann@contoso.com", "bob@contoso.com", "Ann", "Sales", "+1 555 0100", "bob@"]


def everything(frame: pd.DataFrame, model, identity: pd.DataFrame):
    """split_valid as it was: Pandera validates every row."""
    try:
        return model.validate(frame, lazy=True), pd.DataFrame(columns=REJECTION_COLUMNS)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    rows = cases["index"].astype(int).to_numpy()
    return frame.drop(index=pd.unique(rows)), rejections_of(cases, identity)


def value(rng: random.Random, good):
    return rng.choice(ODD) if rng.random() < 0.1 else good


def graph_users(rng: random.Random, count: int) -> pd.DataFrame:
    ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(count)]
    rows = []
    for n in range(count):
        rows.append(
            {
                "id": value(rng, rng.choice([ids[n], ids[0], "not-a-guid"])),
                "userPrincipalName": value(rng, f"user{n}@contoso.com"),
                "mail": value(rng, rng.choice(TEXT)),
                **{name: value(rng, rng.choice(TEXT)) for name in ("givenName", "surname")},
                "displayName": value(rng, rng.choice(TEXT)),
                "jobTitle": value(rng, rng.choice(TEXT)),
                "businessPhones": rng.choice([[], ["+1 555"], [1], "+1 555", None]),
            }
        )
    return tidy(pd.DataFrame(rows))


def oomnitza_users(rng: random.Random, count: int) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            name: [value(rng, rng.choice(TEXT)) for _ in range(count)]
            for name in OomnitzaUser.to_schema().columns
            if name not in ("role", "^[0-9a-f]{10}$")
        }
    )
    frame["email"] = [
        value(rng, f"user{rng.randrange(count * 2)}@contoso.com") for _ in frame.index
    ]
    frame["intune_user_id"] = [value(rng, str(uuid.uuid4())) for _ in frame.index]
    frame["role"] = [rng.choice([25, 25, 0]) for _ in frame.index]
    frame["a41c0e7b19"] = [value(rng, "Finance") for _ in frame.index]
    return frame.astype({name: object for name in frame if name != "role"})


@pytest.mark.parametrize("seed", range(6))
def test_the_outcome_is_pandera_s_on_every_row(seed):
    rng = random.Random(seed)
    for model, frame in (
        (GraphUser, graph_users(rng, 300)),
        (OomnitzaUser, oomnitza_users(rng, 300)),
    ):
        identity = pd.DataFrame({"id": frame.index.astype(str), "userPrincipalName": "u"})
        identity.index = frame.index
        valid, rejections = split_valid(frame, model, identity)
        expected_valid, expected_rejections = everything(frame, model, identity)
        pd.testing.assert_frame_equal(valid, expected_valid)
        pd.testing.assert_frame_equal(rejections, expected_rejections)


def test_a_clean_frame_and_one_whose_only_flaw_is_a_missing_value_match_too():
    frame = graph_users(random.Random(1), 50)
    clean = frame.assign(
        id=[str(uuid.uuid4()) for _ in frame.index],
        userPrincipalName=[f"u{n}@contoso.com" for n in frame.index],
        mail=None,
        givenName="Ann",
        surname="Lee",
        displayName="Ann Lee",
        jobTitle=None,
        businessPhones=[[] for _ in frame.index],
    )
    for case in (clean, clean.assign(mail=["ann@contoso.com"] * 49 + [None])):
        valid, rejections = split_valid(case, GraphUser, case)
        expected_valid, expected_rejections = everything(case, GraphUser, case)
        pd.testing.assert_frame_equal(valid, expected_valid)
        pd.testing.assert_frame_equal(rejections, expected_rejections)


def test_a_frame_without_a_required_column_still_fails_whole():
    frame = graph_users(random.Random(2), 20).drop(columns=["userPrincipalName"])
    with pytest.raises(Exception, match="does not have the expected shape"):
        split_valid(frame, GraphUser, frame.assign(userPrincipalName="u"))
