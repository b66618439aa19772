"""Keeping hot paths cheap."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Building many small dicts (a tenant, a page of users, a batch of records) sets off the
    collector again and again, and each pass walks every object the sandbox holds; none of
    these dicts form cycles, so reference counting frees them all the same.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
