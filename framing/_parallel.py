"""Ordered parallel map over corpus chunks with bounded memory.

``concurrent.futures`` processes score chunks while the main process reads the next ones; at most
``2 * jobs`` chunks are in flight, so memory stays bounded whatever the corpus size, and results come
back in input order, so ``--jobs N`` gives exactly the rows of ``--jobs 1``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

__all__ = ["ordered_map", "resolve_jobs"]

_STATE: dict[str, Any] = {}


def resolve_jobs(jobs: int | None) -> int:
    """``None`` or 1: one process; 0 or negative: all cores (``os.cpu_count()``)."""
    if jobs is None:
        return 1
    if jobs <= 0:
        return os.cpu_count() or 1
    return jobs


def _init(state: dict) -> None:
    _STATE.update(state)


def _call(func: Callable, item: Any) -> Any:
    return func(_STATE, item)


def ordered_map(func: Callable[[dict, Any], Any], items: Iterable, *, state: dict, jobs: int) -> Iterator:
    """Yield ``func(state, item)`` for every item, in order, using ``jobs`` processes.

    ``state`` (a compiled matcher, options) is sent to each worker once, not with every item.
    """
    if jobs <= 1:
        for item in items:
            yield func(state, item)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init, initargs=(state,)) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(_call, func, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
