"""Run a function over items in forked worker processes that inherit shared state.

Preparing a training run (making the mix, tokenising it) is CPU-bound Python; on a lent GPU
machine's 16 cores it should not run on one. Forked workers inherit large read-only inputs (the
SQuAD articles, the tokenizer) instead of receiving them pickled; results come back in item order,
so the output is the same however many workers run.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence

_STATE: Any = None


def shared_state() -> Any:
    """The state the running ``forked_map`` call shares with its workers."""
    return _STATE


def default_workers(most: int = 32) -> int:
    """The cores this process may use (not the host's, under a container), at most ``most``."""
    return max(1, min(most, len(os.sched_getaffinity(0))))


def forked_map(fn: Callable[[Any], Any], items: Sequence[Any], workers: int, state: Any) -> list:
    """``[fn(item) for item in items]``, in up to ``workers`` forked processes; ``fn`` reads
    ``state`` through ``shared_state()``. A worker that dies (out of memory, say) raises
    BrokenProcessPool here instead of hanging the run."""
    global _STATE
    _STATE = state
    try:
        if workers <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        with ProcessPoolExecutor(min(workers, len(items)), mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(fn, items))
    finally:
        _STATE = None
