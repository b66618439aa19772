"""Oomnitza's users written as a full read once, then as the records changed since."""

import pandas as pd
import pytest

from intune_pipeline import pickles
from intune_pipeline.oomnitza import snapshots
from intune_pipeline.oomnitza.holdings import AS_OF, BASE, SOURCE, stamped, updated

SOURCE_OF = {"url": "https://oomnitza.test", "columns": ["user_id", "uid", "change_date", "v"]}


def read_at(when: int, rows: list[tuple]) -> pd.DataFrame:
    users = pd.DataFrame(rows, columns=["user_id", "uid", "change_date", "v"])
    return stamped(users, when, SOURCE_OF)


def brought(earlier: pd.DataFrame, when: int, rows: list[tuple]) -> pd.DataFrame:
    """earlier with rows read as changed since it, as holdings.brought_up_to_date makes it."""
    return stamped(updated(earlier, read_at(when, rows)), when, SOURCE_OF, earlier.attrs.get(BASE))


def files(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_a_full_read_is_its_own_base_and_a_brought_read_is_written_as_its_changes(tmp_path):
    path = tmp_path / "kept.pickle"
    full = read_at(100, [(f"u{n}", n, 50, f"value {n}") for n in range(1, 1001)])
    snapshots.write(full, path)
    [base] = [name for name in files(tmp_path) if name.endswith(".base")]
    assert full.attrs[BASE] == {"path": str(tmp_path / base), "as_of": 100}
    assert snapshots.load_snapshot(path).equals(full)

    later = brought(full, 200, [("u3", 3, 150, "three"), ("u11", 11, 160, "11")])
    snapshots.write(later, path)
    assert files(tmp_path) == sorted([base, "kept.pickle"])  # the same base, no new one
    assert path.stat().st_size * 10 < (tmp_path / base).stat().st_size
    assert pickles.read(tmp_path / base).equals(full)
    again = snapshots.load_snapshot(path)
    assert again.equals(later)
    assert again.attrs == {AS_OF: 200, SOURCE: SOURCE_OF, BASE: full.attrs[BASE]}

    # Read back, brought up to date again and written: the changes since the base accumulate.
    last = brought(again, 300, [("u3", 3, 250, "drei")])
    snapshots.write(last, path)
    assert snapshots.load_snapshot(path).equals(last)
    assert snapshots.load_snapshot(path)["v"].tolist()[2] == "drei"


def test_a_file_beside_another_links_the_same_base_and_outlives_its_replacement(tmp_path):
    kept, current = tmp_path / "kept.pickle", tmp_path / "current"
    full = read_at(100, [(f"u{n}", n, 50, str(n)) for n in range(1, 11)])
    snapshots.write(full, current)
    later = brought(full, 200, [("u1", 1, 150, "one")])
    snapshots.write(later, kept)
    # Most records changed: a new base for kept; current keeps the old one through its link.
    most = brought(later, 300, [(f"u{n}", n, 250, f"{n}!") for n in range(1, 9)])
    snapshots.write(most, kept)
    assert len([name for name in files(tmp_path) if name.startswith("kept.pickle.")]) == 1
    assert most.attrs[BASE]["as_of"] == 300
    assert snapshots.load_snapshot(kept).equals(most)
    assert snapshots.load_snapshot(current).equals(full)


def test_a_change_date_that_is_not_unix_seconds_is_written_in_full(tmp_path):
    path = tmp_path / "kept.pickle"
    full = read_at(100, [("u1", 1, "2026-01-01", "1"), ("u2", 2, "2026-01-01", "2")])
    snapshots.write(full, path)
    later = brought(full, 200, [("u1", 1, "2026-01-02", "one")])
    snapshots.write(later, path)
    assert later.attrs[BASE] != full.attrs[BASE]  # a new base: the changes could not be told
    assert snapshots.load_snapshot(path).equals(later)


def test_changes_to_a_base_that_is_gone_are_no_snapshot_and_name_the_file(tmp_path):
    path = tmp_path / "kept.pickle"
    full = read_at(100, [(f"u{n}", n, 50, str(n)) for n in range(1, 11)])
    snapshots.write(full, path)
    snapshots.write(brought(full, 200, [("u1", 1, 150, "one")]), path)
    for base in tmp_path.glob("*.base"):
        base.unlink()
    assert snapshots.load_snapshot(path) is None
    with pytest.raises(FileNotFoundError, match=r"kept\.pickle\.\w+\.base, which is gone"):
        pickles.read(path)


def test_a_base_stores_each_repeated_text_once_and_reads_back_the_same_frame(tmp_path):
    """Titles and names repeat; a base holds each once with a code per user. Missing values
    stay None, other columns and the frame's attrs stay as they were."""
    count = 5000
    titles = ["Engineer", "Nurse", None, "Clerk"]
    full = read_at(100, [(f"u{n}", n, 50, titles[n % 4]) for n in range(count)])
    full["first_name"] = [["Ana", "Bo"][n % 2] for n in range(count)]
    full["score"] = [None if n % 3 else n / 3 for n in range(count)]  # NaN stays NaN
    packed = pickles.deduplicated(full)
    assert sorted(packed.coded) == ["first_name", "v"]  # not the ids, nor a column with NaN
    path = tmp_path / "kept.pickle"
    snapshots.write(full, path)
    back = snapshots.load_snapshot(path)
    # One string per distinct title and name: what reading a base spares making.
    assert len({id(title) for title in back["v"]} | {id(name) for name in back["first_name"]}) == 6
    pd.testing.assert_frame_equal(back, full)
    assert back.attrs == full.attrs and back["v"].tolist()[:4] == titles
    assert back["v"].map(type).tolist()[2] is type(None)


def test_only_columns_of_text_or_none_are_coded():
    """A missing value other than None, or a value that is not text, would not come back as it
    was: such columns are pickled as they are."""
    count = 5000
    full = read_at(100, [(f"u{n}", n, 50, ["a", "b"][n % 2]) for n in range(count)])
    full["nan_among"] = pd.Series([float("nan") if n % 7 == 0 else "x" for n in range(count)])
    full["number_among"] = pd.Series([5 if n == 4000 else ["x", None][n % 2] for n in range(count)])
    full["none_among"] = pd.Series([None if n % 7 == 0 else "x" for n in range(count)])
    assert sorted(pickles.deduplicated(full).coded) == ["none_among", "v"]
