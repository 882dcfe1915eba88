"""Ordered parallel map over corpus chunks with bounded memory.

Worker processes score chunks while the main process reads the next ones and scores some itself; a
bounded number of chunks is in flight, so memory stays bounded whatever the corpus size, and results
come back in input order, so ``--jobs N`` gives exactly the rows of ``--jobs 1``.

Why not ``concurrent.futures.ProcessPoolExecutor``: its items and results pass through threads of
the main process (a feeder, a result manager) that need the interpreter lock the main process holds
while it scores a chunk itself; a worker then waited 2-3 ms for its next item after every chunk of
about 12 ms (measured with ``framing count`` on two cores: the worker idle a fifth of the time). Here
the main process writes items straight into a pipe per worker and reads results between its own
chunks; each worker has a thread that takes items off its pipe (so a large item can never deadlock
against a large result) and one that sends results back while it computes the next. Where the main
process would wait for a worker's result, it takes back the last item that worker has queued but
not started and computes it itself (a mark in memory shared with the worker, set under a lock, tells
the worker to skip it, or the main process that the worker has started it), so that neither process
sits idle while the other empties its queue at the end of the input, and no item is computed twice.
"""

from __future__ import annotations

import gc
import mmap
import multiprocessing as mp
import os
import queue
import select
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import count
from multiprocessing.reduction import ForkingPickler
from typing import Any

from .errors import FramingError

__all__ = ["ordered_map", "resolve_jobs", "start_method", "WorkerError"]

AHEAD = 3  # items queued per worker process (its results may lag while it holds its own lock)
WINDOW = 4  # at most WINDOW * jobs results wait to be yielded
# Where a worker stands with each item it holds, shared with the main process, which takes an item
# back only while it is _QUEUED (see _Worker.take_back): at most AHEAD items are held, so a ring of
# _RING marks, indexed by the item's position among those sent to that worker, never wraps onto one
_QUEUED, _STARTED, _TAKEN = 0, 1, 2
_RING = 16
_SKIPPED = (None, None, None)  # what a worker sends back for an item taken back
# A pipe holds 64 KiB on Linux: a result of 600 KB (`score`, 500 documents) went through in ten
# pieces, the main process waiting in each for the worker to be scheduled and write the next (it
# spent 120 ms of 6.6 s blocked in read() on 200 MB). 1 MiB, the most an unprivileged process may
# ask for, takes most results in one piece. Only for the first _WIDE_WORKERS workers of a pool: a
# user's pipes share a quota (16,384 pages by default), and past it every new pipe of that user, in
# any program, gets 8 KiB (helper-39: jobs=40 left 16 pipes at 8 KiB); 4 workers take 2,048 pages
_PIPE_BYTES = 1 << 20
_WIDE_WORKERS = 4
# The main process's ends of the pipes of every worker alive in this process, of every pool: a forked
# worker closes its copies of them all, so that every pipe ends when the main process does. With only
# its own pool's, two pools built at once by two threads could each fork a worker holding the other's
# pipes open, and after a kill of the main process those workers waited for each other forever
# (helper-39: 10 runs in 20). _FORKING is held from making a worker's pipes until its own ends are
# closed here and its main ends listed, so no fork copies a pipe end that it is not told of. Re-entrant:
# a garbage collection inside that section may end an abandoned pool of the same thread (stop()).
_MAIN_ENDS: set = set()
_FORKING = threading.RLock()


def _new_lock_after_fork() -> None:
    """A forked process's copy of _FORKING is held by the thread that forked (see below) and would
    never be released there: it gets a lock of its own (helper-40: 8 children in 40 forked by the
    caller's code while another thread built a pool hung at their first ``jobs`` > 1)."""
    global _FORKING
    _FORKING = threading.RLock()


if hasattr(os, "register_at_fork"):
    # Every fork waits until no thread is building a worker (and so holds no pipe end not yet listed
    # in _MAIN_ENDS): a process forked by the caller's code then knows every end it has copied.
    # (Re-entrant: the forks of our own workers happen with the lock held by the same thread.)
    os.register_at_fork(before=lambda: _FORKING.acquire(), after_in_parent=lambda: _FORKING.release(),
                        after_in_child=_new_lock_after_fork)
_STOP = None
START_METHOD_VARIABLE = "FRAMING_START_METHOD"


class _PipeLock:
    """A lock that a forked worker shares with its main process: one byte in a pipe. Whoever reads
    the byte holds the lock and writes it back to release it.

    Why not ``multiprocessing.Lock``: it is a named POSIX semaphore, which glibc's ``sem_open``
    makes as a file in /dev/shm, links under its name, and CPython then unlinks; a process killed
    in those few system calls left the file there (1 kill in 100 of a loop that did nothing but
    build pools). A pipe is no file in any folder: it ends with the last process that holds it.
    Only for forked workers (a spawned one is sent ``multiprocessing.Lock``). A process killed
    while it holds the byte takes it along, and every later ``acquire`` waits out its timeout, as
    it would with the semaphore."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.write(self._write, b"\0")

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + max(timeout, 0)
        poller = None
        while True:
            try:
                if os.read(self._read, 1):
                    return True
            except BlockingIOError:  # (held: wait for the byte, which another may then take first)
                pass
            if not block:
                return False
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            if poller is None:
                poller = select.poll()
                poller.register(self._read, select.POLLIN)
            poller.poll(None if left is None else max(1, int(min(left, 86_400) * 1000)))  # (at most a day a wait)

    def release(self) -> None:
        os.write(self._write, b"\0")

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

    def close(self) -> None:
        """This process's ends of the pipe closed (twice: nothing more)."""
        for name in ("_read", "_write"):
            fd, value = getattr(self, name), -1
            setattr(self, name, value)
            if fd >= 0:
                os.close(fd)


class WorkerError(RuntimeError):
    """A worker process ended (killed, out of memory) or sent back what cannot be read."""


class _RemoteTraceback(Exception):
    """The traceback of an error raised in a worker process, shown as the cause of that error."""

    def __str__(self) -> str:
        return self.args[0]


def resolve_jobs(jobs: int | None) -> int:
    """``None`` or 1: one process; 0 or negative: all cores (``os.cpu_count()``)."""
    if jobs is None:
        return 1
    if jobs <= 0:
        return os.cpu_count() or 1
    return jobs


def start_method() -> str:
    """How worker processes start: ``fork`` on Linux, ``spawn`` elsewhere, or what the environment
    variable ``FRAMING_START_METHOD`` names (``fork``, ``spawn`` or ``forkserver``).

    ``fork`` starts a worker in milliseconds with the compiled lexicon already in memory. It is not
    the choice on macOS, where system libraries may start threads that a forked child cannot use
    (CPython's own default there has been ``spawn`` since 3.8), nor on Windows, which has only
    ``spawn``: each worker then imports framing and receives the compiled lexicon once, pickled
    (about a second per worker). The variable exists for Linux programs that have started threads
    of their own before calling framing, and so that the ``spawn`` path is tested on Linux.
    """
    name = os.environ.get(START_METHOD_VARIABLE, "").strip()
    methods = mp.get_all_start_methods()
    if name:
        if name not in methods:
            raise FramingError(f"{START_METHOD_VARIABLE}={name!r}: this platform starts processes with "
                             f"{', '.join(methods)}; set one of those, or unset the variable")
        return name
    return "fork" if sys.platform.startswith("linux") and "fork" in methods else "spawn"


def _serve(inbox, outbox, state: dict, marks, lock, inherited: list) -> None:
    """A worker process: ``(seq, func, item)`` from ``inbox`` -> ``(ok, value, traceback)`` to
    ``outbox``, in order, until ``_STOP`` or the main process goes away. Before it starts the
    item at position ``p`` (counted from 0 over the items received), it marks ``marks[p % _RING]``
    as started, under ``lock``, unless the main process has marked it taken back: then it skips it.
    ``inherited``: the main process's ends of the pipes (a forked worker has copies of them), closed
    here, so that the pipes end when the main process does."""
    for conn in inherited:  # (else a worker killed with its main process would wait forever on a
        conn.close()  # pipe that it holds open itself)
    todo: queue.SimpleQueue = queue.SimpleQueue()
    done: queue.SimpleQueue = queue.SimpleQueue()
    gone = threading.Event()  # (the main process has gone away)

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (a forked copy of the caller's handler could
    # turn terminate() into an exception that the loop below would send back as a result)

    def receive() -> None:
        while True:
            try:
                raw = inbox.recv_bytes()
            except (EOFError, OSError):
                gone.set()
                msg = _STOP
            else:
                try:
                    msg = ForkingPickler.loads(raw)
                except Exception as exc:  # an item that cannot be rebuilt here (a function that
                    # spawn cannot import, a class missing): that error is its result, in its turn
                    msg = (-1, None, (WorkerError(f"a worker process could not rebuild its item: {exc!r}"),
                                      traceback.format_exc()))
            todo.put(msg)
            if msg is _STOP:
                return

    def send() -> None:
        while True:
            out = done.get()
            if out is _STOP:
                return
            try:
                outbox.send(out)
            except (BrokenPipeError, EOFError, OSError):
                return  # the main process stopped reading: nothing left to do
            except Exception as exc:  # a value or an error that cannot be pickled
                outbox.send((False, WorkerError(f"a result could not be sent back from a worker process: {exc!r}"),
                             traceback.format_exc()))

    threads = [threading.Thread(target=receive, daemon=True), threading.Thread(target=send, daemon=True)]
    for t in threads:
        t.start()
    for position in count():
        msg = todo.get()
        if msg is _STOP:
            break
        at = position % _RING
        while not lock.acquire(timeout=1):
            if gone.is_set():  # (the main process died holding it)
                return
        try:
            taken = marks[at] == _TAKEN
            marks[at] = _STARTED
        finally:
            lock.release()
        if taken:
            done.put(_SKIPPED)  # (the main process has the result)
            continue
        seq, func, item = msg
        if func is None:
            done.put((False, *item))
            continue
        try:
            out = (True, func(state, item), None)
        except BaseException as exc:  # sent back, raised in the main process in its turn
            out = (False, exc, traceback.format_exc())
        done.put(out)
    done.put(_STOP)
    threads[1].join()


class _Slot:
    """One item's result, in input order: computed here, or owed by a worker (which keeps the item
    until then, so that the main process can take it back when it would otherwise wait)."""

    __slots__ = ("ready", "ok", "value", "trace", "worker", "seq", "item", "position")

    def __init__(self, worker: "_Worker | None" = None, seq: int = -1, item: Any = None) -> None:
        self.ready, self.ok, self.value, self.trace = False, True, None, None
        self.worker, self.seq, self.item = worker, seq, item
        self.position = -1  # (among the items sent to its worker)

    def set(self, ok: bool, value: Any, trace: str | None = None) -> None:
        self.ready, self.ok, self.value, self.trace, self.item = True, ok, value, trace, None

    def compute(self, func: Callable, state: dict) -> None:
        """Compute its item here (one kept for this process, or taken back from a worker)."""
        item, self.item = self.item, None
        try:
            self.set(True, func(state, item))
        except Exception as exc:  # raised in turn, after the items before it
            self.set(False, exc)

    def get(self) -> Any:
        while not self.ready:
            self.worker.receive()
        if self.ok:
            return self.value
        # (the slot lets go of the error: error -> traceback -> this frame -> slot -> error was a
        # cycle that kept the pool's workers, pipes and locks until a garbage collection)
        error, self.value = self.value, None
        try:
            if self.trace:
                raise error from _RemoteTraceback(self.trace)
            raise error
        finally:
            error = None  # (nor this frame: the same cycle)


def _widen(conn) -> None:
    """Let a pipe hold ``_PIPE_BYTES`` where the platform allows it (Linux); else leave it."""
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # (no such call here, or over the user's
        pass  # limit on pipe memory: the pipe keeps its size)


class _Worker:
    def __init__(self, ctx, state: dict, others: list["_Worker"] | tuple = ()) -> None:
        # Which items it has started: a message asking it to skip one could arrive after it had
        # started it, and the item was then computed twice (2 runs in 8 of `score` on 20 MB, a
        # tenth of their time). Shared memory and a lock let the main process know.
        # (Under fork the marks are an anonymous shared mapping, which the worker inherits, and
        # the lock a byte in a pipe (_PipeLock). A RawArray lives in a file that multiprocessing
        # makes in /dev/shm and deletes a moment later, and a multiprocessing lock is a named
        # semaphore made likewise: a main process killed in that moment left the file behind. A
        # spawned worker needs both, which can be sent to it.)
        fork = ctx.get_start_method() == "fork"
        self.marks = mmap.mmap(-1, _RING) if fork else ctx.RawArray("b", _RING)
        self.sent = 0  # items sent
        self.owner = os.getpid()  # (a process forked from this one by the caller's code has a copy)
        with _FORKING:
            # (the lock made, like the pipes, under _FORKING and listed in _MAIN_ENDS with them: a
            # worker forked later closes its copies; all of them closed here if the worker cannot
            # be started, out of file descriptors or processes)
            self.lock = _PipeLock() if fork else ctx.Lock()
            made = [self.lock] if fork else []
            try:
                inbox, self.inbox = ctx.Pipe(duplex=False)
                made += (inbox, self.inbox)
                self.outbox, outbox = ctx.Pipe(duplex=False)
                made += (self.outbox, outbox)
                if len(others) < _WIDE_WORKERS:
                    for conn in (self.inbox, self.outbox):
                        _widen(conn)
                # a forked worker holds copies of the main process's ends of its pipes and of those
                # of every other worker alive (_MAIN_ENDS): it closes them
                inherited = [self.inbox, self.outbox, *_MAIN_ENDS.copy()] if fork else []
                self.process = ctx.Process(target=_serve, daemon=True,
                                           args=(inbox, outbox, state, self.marks, self.lock, inherited))
                self.process.start()
            except BaseException:
                for end in made:
                    end.close()
                raise
            inbox.close()  # (the child's ends: closed here so that either side sees the other end)
            outbox.close()
            _MAIN_ENDS.update((self.inbox, self.outbox, *((self.lock,) if fork else ())))
        self.owed: deque[_Slot] = deque()
        self.ended: WorkerError | None = None  # (set when it is found to have ended)

    def submit(self, func: Callable, item: Any, slot: _Slot) -> None:
        try:
            data = ForkingPickler.dumps((slot.seq, func, item))
        except Exception as exc:  # an item that cannot be pickled: raised in its turn
            slot.set(False, exc)
            return
        slot.position, self.sent = self.sent, self.sent + 1
        self.marks[slot.position % _RING] = _QUEUED  # (the item there before has come back: owed < _RING)
        self.owed.append(slot)
        try:
            self.inbox.send_bytes(data)
        except (BrokenPipeError, OSError):  # it has ended: the results it sent before are still in
            while self.ended is None and self.outbox.poll(5):  # the pipe, and come first
                self.receive()
            if self.ended is None:
                self._end()

    def take_back(self, slot: _Slot) -> bool:
        """Whether ``slot``'s item was taken back: the worker, which has not started it, will skip
        it (and the main process computes it). False when the worker has started it, or when the
        lock could not be had within a second (a worker killed while it held it)."""
        if not self.lock.acquire(timeout=1):  # (held by a worker killed in that instant)
            return False
        try:
            at = slot.position % _RING
            if self.marks[at] != _QUEUED:
                return False
            self.marks[at] = _TAKEN
            return True
        finally:
            self.lock.release()

    def receive(self) -> None:
        """Wait for this worker's next result and put it in its slot (unless taken back)."""
        try:
            raw = self.outbox.recv_bytes()
        except (EOFError, OSError):
            self._end()
            return
        try:
            ok, value, trace = ForkingPickler.loads(raw)
        except Exception as exc:  # (an error raised in the worker that cannot be rebuilt here)
            ok, value, trace = False, WorkerError(f"a worker process sent back what cannot be read: {exc!r}"), None
        slot = self.owed.popleft()
        if ok is None and not slot.ready:  # (a place holder for an item this process has not
            # computed: the two sides no longer agree on which item is which)
            ok, value, trace = False, WorkerError("a worker process skipped an item it was not asked to skip"), None
        if not slot.ready:
            slot.set(ok, value, trace)

    def collect(self) -> None:
        """Results that have arrived, without waiting."""
        while self.owed and self.outbox.poll():
            self.receive()

    def _end(self) -> None:
        """The worker has ended (killed, out of memory): each result it still owes is that error,
        raised in its turn, after the results before it; no more items are sent to it."""
        self.process.join(1)
        self.ended = WorkerError(f"worker process {self.process.pid} ended (exit code {self.process.exitcode}) before "
                                 "it returned its results: killed, or out of memory? Try fewer --jobs or a smaller chunk")
        while self.owed:
            slot = self.owed.popleft()
            if not slot.ready:
                slot.set(False, self.ended)

    def stop(self) -> None:
        """End the worker: asked to, or terminated when it owes results that nobody will read. Its
        pipes are closed whatever happens on the way (an interrupt: the worker then sees them close
        and ends itself; listed in _MAIN_ENDS, they would otherwise stay open as long as this process)."""
        try:
            if os.getpid() != self.owner:  # a copy of this worker in a process forked by the caller's
                return  # code: the worker is not its child (it once terminated it: helper-41), only
                # its copies of the pipes are closed (below)
            if any(not s.ready for s in self.owed):  # abandoned (an error, or the caller stopped early)
                self.process.terminate()
            else:
                try:
                    self.inbox.send(_STOP)
                    while self.outbox.poll(5):  # what it still sends (items taken back), so that it
                        self.outbox.recv_bytes()  # never waits on a full pipe, until it closes its end
                except (BrokenPipeError, EOFError, OSError):
                    pass
            self.owed.clear()  # (slots refer to this worker: no cycle left for the garbage collector)
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
            self.exitcode = self.process.exitcode
            try:
                self.process.close()  # (its file descriptors now, not when a cycle is collected)
            except ValueError:  # (ended, but reaped first by another thread starting a process: CPython's
                pass  # multiprocessing.process._cleanup; helper-40 saw it with two pools at once)
        finally:
            self.owed.clear()
            with _FORKING:  # (not closed while another thread lists them for a fork)
                self.inbox.close()  # (closed, then forgotten: an interrupt between the two leaves
                self.outbox.close()  # a closed end listed, whose close in a fork does nothing)
                if isinstance(self.lock, _PipeLock):
                    self.lock.close()
                _MAIN_ENDS.difference_update((self.inbox, self.outbox, self.lock))


def _take(pending: deque[_Slot], pool: list[_Worker], func: Callable, state: dict, kept: deque[_Slot]) -> Any:
    """The first pending result. While a worker still owes it, the main process does not wait
    idle: it computes the items kept for it (``kept``), then takes back the last item a worker has
    queued and not started (not the first one a worker owes: the worker is about to start it) and
    computes it itself. At the end of the input this keeps both processes busy until the last
    chunk instead of leaving one waiting for the other's queue (on 20 MB with two processes the
    queue was a tenth of the time)."""
    head = pending[0]
    while not head.ready:
        if kept:
            kept.popleft().compute(func, state)
            continue
        for w in pool:
            w.collect()
        if head.ready:
            break
        victim = next((s for s in reversed(pending) if not s.ready and s.worker is not None
                       and s.worker.owed[0] is not s and s.worker.take_back(s)), None)
        if victim is None:  # (a worker computes items in order: when its last one has started,
            head.worker.receive()  # so have those before it)
            continue
        victim.compute(func, state)
    pending.popleft()
    return head.get()


def ordered_map(func: Callable[[dict, Any], Any], items: Iterable, *, state: dict, jobs: int,
                remote: Callable[[Any], Any] | None = None, local: Callable[[Any], bool] | None = None,
                warm: Callable[[dict], Any] | None = None) -> Iterator:
    """Yield ``func(state, item)`` for every item, in order, using ``jobs`` processes.

    ``state`` (a compiled matcher, options) is sent to each worker once, not with every item. The
    calling process is one of the ``jobs``: it starts ``jobs - 1`` workers, keeps ``AHEAD`` items
    queued for each, and scores an item itself whenever they have enough (on two cores, two worker
    processes and a main process that mostly waits leave one core shared three ways; and only one
    process is started). At most ``WINDOW * jobs`` results wait to be yielded, so memory stays
    bounded; an error is raised when its item's turn comes, as with one process (one raised in a
    worker has the worker's traceback as its cause; a worker that dies is a :class:`WorkerError` at
    the turn of the first item it owed, and the items after it are computed by the others).
    ``remote(item)``, when given, is what is sent to a worker instead of the item (a cheaper
    stand-in it can rebuild). ``local(item)``, when given and true, marks an item cheaper to compute
    in the calling process (one it has parsed already, which a worker would parse again): it is kept
    for this process, which computes it whenever the workers' queues are full or it would otherwise
    wait, so that the workers start on the items after it. Items are kept only while the results
    waiting, these included, leave room for the workers' queues in the window (``WINDOW * jobs``
    less ``AHEAD`` per worker); later ones go to the workers as any other. ``warm(state)``, when
    given, is called here before workers are forked (not when they are spawned): the one-time work
    of a first item (tables and caches built on first use) is then done once, and the workers
    inherit it instead of each doing it again on their first item; its result is dropped, and an
    error in it too (the items raise their own). Workers are daemon processes: ``func`` cannot start
    processes itself.
    """
    if jobs <= 1:
        for item in items:
            yield func(state, item)
        return
    method = start_method()
    ctx = mp.get_context(method)
    pool: list[_Worker] = []
    # The objects that exist at the fork are frozen while the workers live, as the gc module's
    # documentation advises before a fork: a collection in either process would otherwise write to
    # every one of them and so copy every page that holds one (a quarter of the page faults of two
    # fresh processes on 200 MB). Thawed after. Not where the caller has frozen objects itself (as the
    # command line does): what was made since would stay frozen after, garbage included.
    if warm is not None and method == "fork":
        try:
            warm(state)
        except Exception:  # (only a head start: an item that fails the same way raises in its turn)
            pass
    thaw = method == "fork" and gc.get_freeze_count() == 0
    if thaw:
        gc.freeze()
    try:
        for _ in range(jobs - 1):
            pool.append(_Worker(ctx, state, pool))
        pending: deque[_Slot] = deque()
        kept: deque[_Slot] = deque()  # items kept for this process (``local``), not computed yet
        source = iter(items)
        for seq in count():
            try:
                item = next(source)
            except StopIteration:
                break
            except Exception:  # reading the input failed: the results before it come first
                while pending:
                    yield _take(pending, pool, func, state, kept)
                raise
            slot = _Slot(item=item)
            pending.append(slot)
            while True:
                for w in pool:
                    w.collect()
                worker = min((w for w in pool if w.ended is None), key=lambda w: len(w.owed), default=None)
                if worker is None or len(worker.owed) >= AHEAD:  # the workers have enough (or have
                    # ended): work here, kept items first
                    if kept:
                        kept.popleft().compute(func, state)
                        continue
                    slot.compute(func, state)
                elif local is not None and len(pending) + AHEAD * (jobs - 1) <= WINDOW * jobs and local(item):
                    kept.append(slot)  # (not past the window less the workers' queues: more kept items
                    # would hold back the workers' first items until this process had computed them all)
                else:
                    slot.worker, slot.seq = worker, seq
                    try:
                        sent = item if remote is None else remote(item)
                    except Exception as exc:  # (raised in turn too)
                        slot.set(False, exc)
                    else:
                        worker.submit(func, sent, slot)
                break
            while pending and (pending[0].ready or len(pending) >= WINDOW * jobs):
                yield _take(pending, pool, func, state, kept)
        while pending:
            yield _take(pending, pool, func, state, kept)
    finally:
        interrupted = None
        for w in pool:
            try:
                w.stop()
            except BaseException as exc:  # (an interrupt while one stops: the others are stopped too)
                interrupted = interrupted or exc
        if thaw:
            gc.unfreeze()
        if interrupted is not None:
            raise interrupted
