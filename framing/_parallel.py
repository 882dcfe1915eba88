"""Ordered parallel map over corpus chunks with bounded memory.

``concurrent.futures`` processes score chunks while the main process reads the next ones and
scores some itself; a bounded number of chunks is in flight, so memory stays bounded whatever the
corpus size, and results come back in input order, so ``--jobs N`` gives exactly the rows of
``--jobs 1``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
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


def ordered_map(func: Callable[[dict, Any], Any], items: Iterable, *, state: dict, jobs: int,
                remote: Callable[[Any], Any] | None = None) -> Iterator:
    """Yield ``func(state, item)`` for every item, in order, using ``jobs`` processes.

    ``state`` (a compiled matcher, options) is sent to each worker once, not with every item. The
    calling process is one of the ``jobs``: it starts ``jobs - 1`` workers, keeps two items queued
    for each, and scores an item itself whenever they have enough (on two cores, two worker
    processes and a main process that mostly waits leave one core shared three ways; and only one
    process is forked). At most ``4 * jobs`` results wait to be yielded, so memory stays bounded;
    an error is raised when its item's turn comes, as with one process. ``remote(item)``, when
    given, is what is sent to a worker instead of the item (a cheaper stand-in it can rebuild).
    """
    if jobs <= 1:
        for item in items:
            yield func(state, item)
        return
    workers = jobs - 1
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init, initargs=(state,)) as pool:
        pending: deque[Future] = deque()
        source = iter(items)
        while True:
            try:
                item = next(source)
            except StopIteration:
                break
            except Exception:  # reading the input failed: the results before it come first
                while pending:
                    yield pending.popleft().result()
                raise
            queued = sum(1 for f in pending if not f.done())  # items the workers have not finished
            if queued < 2 * workers:
                try:
                    sent = item if remote is None else remote(item)
                except Exception as exc:  # (raised in turn too)
                    failed: Future = Future()
                    failed.set_exception(exc)
                    pending.append(failed)
                else:
                    pending.append(pool.submit(_call, func, sent))
            else:  # the workers have enough: this one is scored here
                local: Future = Future()
                try:
                    local.set_result(func(state, item))
                except Exception as exc:  # raised in turn, after the items before it
                    local.set_exception(exc)
                pending.append(local)
            while pending and (pending[0].done() or len(pending) >= 4 * jobs):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
