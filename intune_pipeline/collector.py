"""Pausing Python's cyclic garbage collector while many acyclic objects are made."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for the block, as it was after.

    Parsing JSON pages, unpickling a frame or building a tenant makes a dict or list per record,
    and each 700 of them would start a collection; every tenth of those, and every hundredth,
    walks further into a heap of millions of objects (0.3 s of reading 100,000 Graph users in a
    run). What these blocks make has no reference cycles, so reference counting frees it all the
    same. The pipeline and the sandbox both use it.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
