"""all_of: the same answer on an object array (asked of pandas) as on any other iterable."""

import numpy as np
import pytest

from intune_pipeline.kinds import all_of


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a", "b"], True),
        ([], True),
        (["a", None], False),
        (["a", float("nan")], False),
        (["a", 1], False),
        (["a", b"b"], False),
        (["a", ["b"]], False),
    ],
)
def test_text_is_told_alike_in_an_array_and_a_list(values, expected):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    assert all_of(array, str) is expected
    assert all_of(list(values), str) is expected


def test_other_kinds_go_by_exact_type():
    assert all_of([{"a": 1}, {}], dict) and not all_of([{"a": 1}, []], dict)
    assert all_of(np.array(["a", None], dtype=object), str, type(None))
    assert not all_of([True], int)  # bool is a subclass of int, not an int
