"""Pickling the pipeline's frames to its own files, fast; and compacting frames in memory.

A frame of 100,000 users holds over a million Python strings; the pickler's memo (which only
serves objects referenced twice, and cycles, neither of which such frames need) took two thirds
of the time of writing one: 0.31 s against 0.10 s without it.
"""

import io
import pickle
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from intune_pipeline.collector import collector_paused
from intune_pipeline.kinds import all_of

# Protocol 5 writes the frames' numeric blocks out of band, without a copy.
PROTOCOL = 5


def dump(obj: Any, file: BinaryIO) -> None:
    """obj pickled without the memo: shared objects are written once per reference."""
    pickler = pickle.Pickler(file, PROTOCOL)
    pickler.fast = True
    pickler.dump(obj)


def write(obj: Any, path: Path) -> None:
    """Written to a temporary name first, so a killed run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as file:
        dump(obj, file)
    partial.replace(path)


def read(path: Path) -> Any:
    """What write wrote (the pipeline's own files only: unpickling runs code)."""
    with path.open("rb") as file:
        return pickle.load(file)


def compacted(obj: Any) -> Any:
    """A copy of obj, unpickled from its pickle, so that each column's values lie together.

    A frame built from parsed JSON holds each record's strings side by side, so one column's
    strings are spread over the whole heap, and per-value work on a column (validation, mapping)
    waits on memory: three times slower than on the copy, which costs 0.2 s for 100,000 Graph
    users and saves over a second (benchmarks/RESULTS.md).
    """
    buffer = io.BytesIO()
    dump(obj, buffer)
    with collector_paused():  # a list per list value (Graph's businessPhones)
        return pickle.loads(buffer.getbuffer())


SAMPLE = 2_000  # values looked at to tell whether a column's texts repeat


def deduplicated(frame: pd.DataFrame) -> Any:
    """frame in a form that pickles each distinct text of a column whose texts repeat once, with
    a code per row, and unpickles as frame itself.

    Unpickling makes every string anew, 70-80 ns each: a million Oomnitza users are nine million
    of them. Names, titles and offices repeat: coded, a read of 930,000 users unpickled in 0.44 s
    instead of 0.68 s. For a frame read far more often than it is written.
    """
    if len(frame) < SAMPLE or not frame.columns.is_unique:
        return frame  # little to gain
    coded = {}
    for column in frame.columns:
        if frame[column].dtype == object:
            codes = text_codes(frame[column].to_numpy())
            if codes is not None:
                coded[column] = codes
    if not coded:
        return frame
    # The coded columns hold None until unpickled: one byte each, and a column of its own, so
    # that putting the texts back replaces it alone.
    with pd.option_context("mode.copy_on_write", True):
        holder = frame.assign(**dict.fromkeys(coded))
    holder.attrs = frame.attrs
    return Deduplicated(holder, coded)


def text_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Each value's code and the distinct texts (then None, which code -1 takes), where values
    are texts or None and fewer than half of them are distinct; else None. A sample tells first
    whether a column repeats, so a column of ids costs no hashing (2,000 full names of a million
    users are 1,270 distinct ones of a sample of 2,000).

    Only the distinct values and the missing ones are asked what they are: a read's texts lie
    apart in memory, and two more passes over a million of them waited on it for 0.1 s each.
    """
    sample = values[:: max(1, len(values) // SAMPLE)]
    if len(set(sample)) > 0.9 * len(sample):
        return None
    codes, texts = pd.factorize(values)  # any missing value (None, NaN, NA) is code -1
    if len(texts) * 2 > len(values) or not all_of(texts, str):
        return None
    if not all_of(values[codes < 0], type(None)):
        return None  # NaN or another missing value would come back as None
    return codes.astype(np.int32), np.append(np.asarray(texts, dtype=object), None)


class Deduplicated:
    """What deduplicated gives: unpickled, it is the frame (restored)."""

    def __init__(self, holder: pd.DataFrame, coded: dict):
        self.holder, self.coded = holder, coded

    def __reduce__(self):
        return restored, (self.holder, self.coded)


def restored(frame: pd.DataFrame, coded: dict) -> pd.DataFrame:
    """The frame deduplicated was given: each coded column's texts put back in place."""
    for column, (codes, texts) in coded.items():
        frame[column] = texts.take(codes)
    return frame
