"""Bulk work (reading or storing a large corpus) with Python's cycle collector paused, and
a way to let go of what it made without holding other threads.

A corpus of 100,000 documents becomes millions of small objects (dicts, spans, rows), none
of them in a reference cycle: reference counting frees them all. The cycle collector would
still scan every one of them again and again as they pile up (each full pass over all that
lives), which took about as long as the reading itself. Paused, it leaves them alone; it is
switched back on (if it was on) when the work ends or fails.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def let_go(items: list, *, at_once: int = 1_000) -> None:
    """Empty a large list a slice at a time. Dropping a corpus of documents at once frees
    millions of objects in one step, during which no other thread runs (the window's
    included, for a quarter of a second); slice by slice, they take turns."""
    while items:
        del items[-at_once:]
