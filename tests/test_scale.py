"""Scaling: several processes give the rows of one process; Parquet output; bounded chunks."""

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import framing
from framing.cli import main


def test_jobs_give_identical_results_in_order():
    demo = framing.demo_corpus()
    one = framing.score(demo, ["libya", "loaded_language"], chunk_rows=5)
    two = framing.score(demo, ["libya", "loaded_language"], chunk_rows=5, jobs=2)
    pd.testing.assert_frame_equal(one.mentions, two.mentions)
    pd.testing.assert_frame_equal(one.documents, two.documents)
    pd.testing.assert_frame_equal(one.descriptors, two.descriptors)
    c1 = framing.count(demo, "libya", chunk_rows=7)
    c2 = framing.count(demo, "libya", chunk_rows=7, jobs=2)
    pd.testing.assert_frame_equal(c1, c2)


def test_parquet_output_equals_csv_output(tmp_path):
    assert main(["score", "--demo", "--out", str(tmp_path / "c")]) == 0
    assert main(["score", "--demo", "--out", str(tmp_path / "p"), "--output-format", "parquet", "--jobs", "2"]) == 0
    a = pd.read_csv(tmp_path / "c" / "mentions.csv", keep_default_na=False)
    b = pd.read_parquet(tmp_path / "p" / "mentions.parquet")
    assert len(a) == len(b)
    assert list(a["surface"]) == list(b["surface"]) and list(a["start"]) == list(b["start"])
    assert list(a["voice"]) == list(b["voice"])


def _jsonl_with_trouble(tmp_path):
    """A JSON Lines corpus (the demo's texts) with a byte-order mark, blank and invalid lines, a
    non-object line, an empty text, and ids repeated within and across blocks of 5 lines."""
    demo = framing.read_corpus(framing.demo_corpus()).documents
    lines = []
    for i, r in enumerate(demo.itertuples()):
        lines.append(json.dumps({"id": f"a{i}", "outlet": r.outlet, "text": r.text}))
        if i == 3:
            lines += ["", "{not json", "[1, 2]", json.dumps({"id": "e", "outlet": "x", "text": ""})]
        if i in (9, 17):
            lines.append(json.dumps({"id": "a2", "outlet": r.outlet, "text": "repeated id, another block"}))
        if i == 12:
            lines.append(json.dumps({"id": "a12", "outlet": r.outlet, "text": "repeated id, same line block"}))
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8") + b"\n")
    return path, len(lines) - 1  # records = lines that are not blank


def test_jsonl_blocks_give_the_same_tables_whatever_the_blocks_and_processes(tmp_path):
    path, n_records = _jsonl_with_trouble(tmp_path)
    base = framing.score(path, "libya", chunk_rows=2000)
    assert len(base.documents) + len(base.skipped) == n_records
    reasons = base.skipped["reason"].tolist()
    assert reasons[:3] == ["invalid JSON on this line (Expecting property name enclosed in double quotes at "
                           "column 2); fix or remove the line",
                           "the line is JSON but not an object ({...}); each line must be one document; for a "
                           "JSON array of documents, name the file .json or pass --format json",
                           "empty text"]
    assert sum("duplicate doc_id 'a2', first seen at" in r for r in reasons) == 2
    assert sum("duplicate doc_id 'a12'" in r for r in reasons) == 1
    assert base.skipped["source"].tolist() == sorted(base.skipped["source"], key=lambda s: int(s.rsplit(":", 1)[1]))
    assert base.documents["doc_id"].is_unique and len(base.mentions) > 50
    for chunk_rows, jobs in ((5, 1), (5, 2), (3, 2), (2000, 2)):
        other = framing.score(path, "libya", chunk_rows=chunk_rows, jobs=jobs)
        for name in ("mentions", "documents", "skipped", "descriptors"):
            pd.testing.assert_frame_equal(getattr(base, name), getattr(other, name), obj=f"{name} {chunk_rows} {jobs}")
        counts = framing.count(path, "libya", chunk_rows=chunk_rows, jobs=jobs)
        pd.testing.assert_frame_equal(counts, framing.count(path, "libya"))
    # the same rows as reading the file line by line in one piece
    read = framing.read_corpus(path)
    pd.testing.assert_frame_equal(read.skipped, base.skipped)
    assert read.documents["doc_id"].tolist() == base.documents["doc_id"].tolist()


def test_documents_without_their_text_are_the_documents_less_that_column(tmp_path):
    """``text=False`` (the command line's choice: workers then send no texts back) leaves out the
    text column and nothing else, whatever the source, the blocks and the processes, repeated ids
    skipped included."""
    path, _ = _jsonl_with_trouble(tmp_path)
    for source in (path, framing.demo_corpus()):
        base = framing.score(source, "libya")
        assert "text" in base.documents.columns
        for chunk_rows, jobs in ((2000, 1), (5, 2)):
            other = framing.score(source, "libya", chunk_rows=chunk_rows, jobs=jobs, text=False)
            pd.testing.assert_frame_equal(other.documents, base.documents.drop(columns="text"))
            for name in ("mentions", "skipped", "descriptors"):
                pd.testing.assert_frame_equal(getattr(other, name), getattr(base, name), obj=f"{name} {jobs}")


@pytest.mark.parametrize("chunk_rows", [3, 5, 2000])
def test_the_quick_path_for_new_ids_keeps_and_skips_what_the_full_check_does(tmp_path, chunk_rows):
    """Blocks whose ids are all new take a quick path in the main process (and travel without their
    locations); fed the same blocks, the full check by line and location gives the same choices and
    skipped rows, duplicates across blocks included."""
    from dataclasses import replace

    import framing.corpus as fc

    path, _ = _jsonl_with_trouble(tmp_path)
    blocks, parse = fc._blocks_plan(path, chunk_rows, {})
    quick, full = fc._Dedupe(), fc._Dedupe(quick=False)
    used_quick = 0
    for block in blocks:
        parsed = parse(block)
        ids_new = not parsed.repeats and not any(i in quick.seen for i in parsed.doc_ids)
        used_quick += ids_new
        keep_a, skipped_a = quick(parsed.light())
        keep_b, skipped_b = full(replace(parsed, path=None))  # (its locations as strings)
        assert keep_a == keep_b
        pd.testing.assert_frame_equal(skipped_a, skipped_b)
    assert quick.seen == full.seen and used_quick >= (chunk_rows < 100)  # (one block of 2,000: a repeat within)


def _item_and_frozen(state, item):
    import gc

    return item, gc.get_freeze_count()


def _forking():
    from framing._parallel import start_method

    return start_method() == "fork"


@pytest.mark.skipif(not _forking(), reason="workers are not forked here (FRAMING_START_METHOD or not Linux)")
def test_workers_start_with_the_objects_frozen_and_thawed_after():
    """ordered_map freezes the objects that exist when it forks its workers (the gc module's advice
    before a fork) and thaws them when they end, unless the caller had frozen some itself."""
    import gc

    from framing._parallel import ordered_map

    work = _item_and_frozen
    assert gc.get_freeze_count() == 0
    got = list(ordered_map(work, range(20), state={}, jobs=2))
    assert [x for x, _ in got] == list(range(20)) and all(n > 1000 for _, n in got)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        made_since = [[i] for i in range(5_000)]  # (objects a freeze now would take: lists are tracked)
        got = list(ordered_map(work, range(10), state={}, jobs=2))
        # the caller's freeze stands, and nothing made since is frozen on top of it
        assert all(frozen - 100 < n < frozen + 100 for _, n in got) and gc.get_freeze_count() < frozen + 100
        assert len(made_since) == 5_000
    finally:
        gc.unfreeze()


def test_score_and_count_without_the_c_extension_give_the_same_tables(tmp_path, monkeypatch):
    """A build where the C extension could not be compiled reads, matches, splits sentences and
    attributes voice with the Python readings and NumPy: the same tables, end to end (a reader
    change once broke every JSON Lines file there while every other test passed)."""
    import framing._kernels as fk
    import framing.sentences as fs

    path, _ = _jsonl_with_trouble(tmp_path)
    compiled = framing.score(path, "libya", chunk_rows=5), framing.count(path, "libya", chunk_rows=5)
    monkeypatch.setattr(fk, "_ckernels", None)
    monkeypatch.setattr(fk, "COMPILED", False)
    monkeypatch.setattr(fk, "COMPILED_MIN_CHARS", 2 ** 62)
    monkeypatch.setattr(fs, "_ckernels", None)
    plain = framing.score(path, "libya", chunk_rows=5), framing.count(path, "libya", chunk_rows=5)
    for name in ("mentions", "documents", "skipped", "descriptors"):
        pd.testing.assert_frame_equal(getattr(compiled[0], name), getattr(plain[0], name), obj=name)
    pd.testing.assert_frame_equal(compiled[1], plain[1])
    assert len(plain[0].mentions) > 50


def test_jsonl_review_cases(tmp_path):
    # an id repeated within one block and across blocks names its first line in the whole file
    path = tmp_path / "ids.jsonl"
    rows = [{"id": "a" if i in (1, 6, 10) else f"x{i}", "outlet": "o", "text": f"text number {i}"} for i in range(1, 11)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    tables = [pd.concat([s for _, s in framing.iter_corpus(path, chunk_rows=k)], ignore_index=True)
              for k in (1, 5, 2000)]
    tables.append(framing.score(path, "libya", chunk_rows=5, jobs=2).skipped)
    for t in tables:
        assert t["source"].tolist() == [f"{path}:6", f"{path}:10"]
        assert t["reason"].tolist() == [f"duplicate doc_id 'a', first seen at {path}:1"] * 2
    # the text column is chosen once for the file, not block by block
    path = tmp_path / "cols.jsonl"
    recs = [{"content": "general one", "outlet": "o"}, {"content": "general two", "outlet": "o"},
            {"content": "c3", "text": "other text", "outlet": "o"}, {"content": "c4", "text": "other four", "outlet": "o"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    results = [[pd.concat(x, ignore_index=True) for x in zip(*framing.iter_corpus(path, chunk_rows=k))]
               for k in (1, 2, 4)]
    for docs, skipped in results:
        assert docs["text"].tolist() == results[0][0]["text"].tolist()
        assert skipped["source"].tolist() == results[0][1]["source"].tolist()
        assert len(docs) + len(skipped) == 4
    # max_chars=0 is a limit like any other
    assert len(framing.read_corpus(path, max_chars=0).documents) == 0


def test_utf16_error_names_the_line_of_the_bad_bytes(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(('{"text": "\u010a\u010a\u010a", "outlet": "o"}\n').encode("utf-16-le") + b"\x00\xd8a\x00")
    try:
        framing.read_corpus(path, encoding="utf-16-le")
    except framing.CorpusError as err:
        assert "(line 2," in str(err) and str(path) in str(err)
    else:
        raise AssertionError("no error for a lone surrogate in UTF-16")


def _slow_square(state, x):
    import os
    import time

    time.sleep(0.005)  # long enough for the queue of the worker to fill
    if x in state["fail"]:
        raise ValueError(f"item {x}")
    return os.getpid(), x * x


def test_ordered_map_keeps_order_shares_the_work_and_raises_in_turn():
    import os

    import pytest

    from framing._parallel import ordered_map

    pulled = []

    def items(n):
        for x in range(n):
            pulled.append(x)
            yield x

    got, ahead = [], []
    for pid_value in ordered_map(_slow_square, items(60), state={"fail": set()}, jobs=2):
        got.append(pid_value)
        ahead.append(len(pulled) - len(got))
    assert [v for _, v in got] == [x * x for x in range(60)]
    pids = {p for p, _ in got}
    assert os.getpid() in pids and len(pids) == 2  # the calling process scores some items itself
    assert max(ahead) <= 4 * 2  # results waiting in memory stay bounded
    # an error comes when its item's turn comes, after every result before it
    out = []
    with pytest.raises(ValueError, match="item 7"):
        for _, v in ordered_map(_slow_square, range(40), state={"fail": {7, 30}}, jobs=2):
            out.append(v)
    assert out == [x * x for x in range(7)]


def test_ordered_map_keeps_items_marked_local_for_the_calling_process():
    """Items ``local`` marks (blocks the main process has parsed already) are computed there, the
    workers starting on the items after them; results still come in order, errors in turn."""
    import os

    import pytest

    from framing._parallel import ordered_map

    def local(x):
        return x < 4 or x == 17  # (17: met while results wait, kept or not as the window allows)

    for jobs in (2, 3):
        got = list(ordered_map(_slow_square, range(40), state={"fail": set()}, jobs=jobs, local=local))
        assert [v for _, v in got] == [x * x for x in range(40)]
        by = [p for p, _ in got]
        assert all(by[x] == os.getpid() for x in range(4))
        workers = [x for x in range(40) if by[x] != os.getpid()]
        # the workers were handed the first items not kept while the main process had items kept
        assert workers and workers[0] == 4 and len(set(by) - {os.getpid()}) == jobs - 1
    out = []
    with pytest.raises(ValueError, match="item 3"):
        for _, v in ordered_map(_slow_square, range(20), state={"fail": {3, 9}}, jobs=2, local=local):
            out.append(v)
    assert out == [0, 1, 4]
    # more local items than the window has room for beside the worker's queue (4 * 2 - 3): the
    # first five are kept, and the worker starts on the sixth instead of waiting for all twenty
    got = list(ordered_map(_slow_square, range(30), state={"fail": set()}, jobs=2, local=lambda x: x < 20))
    assert [v for _, v in got] == [x * x for x in range(30)]
    by = [p for p, _ in got]
    assert all(by[x] == os.getpid() for x in range(5)) and by[5] != os.getpid()


def _echo_big(state, x):
    import os

    return os.getpid(), x[:10], bytes(len(x))  # a result as large as its item


def _slow_in_workers(state, x):
    import os
    import time

    if os.getpid() != state["main"]:
        time.sleep(0.2)
    return os.getpid(), x * x


def _exit_in_workers(state, x):
    import os

    if os.getpid() != state["main"]:
        os._exit(3)
    return x


def _exit_in_workers_slow_here(state, x):
    import time

    time.sleep(0.05)  # (the main process is still busy with its own items when a worker dies)
    return _exit_in_workers(state, x)


def _exit_soon_after_the_first_result(state, x):
    import os
    import threading

    if os.getpid() != state["main"] and x == 0:
        threading.Timer(0.3, os._exit, (9,)).start()  # (after its result has gone back)
    return x


def _fail_in_workers(state, x):
    import os

    if os.getpid() != state["main"]:
        raise ValueError("in a worker")
    return x


def _with_alarm(seconds, fn):
    """Run ``fn`` with SIGALRM set to fail it after ``seconds`` (a hang must fail, not block CI).
    Where there is no SIGALRM (Windows), a hang ends the test process with every thread's traceback."""
    import signal

    if not hasattr(signal, "SIGALRM"):
        import faulthandler

        faulthandler.dump_traceback_later(seconds, exit=True)
        try:
            return fn()
        finally:
            faulthandler.cancel_dump_traceback_later()

    def stop(*_):
        raise TimeoutError(f"no answer after {seconds} s: the processes wait on each other")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_ordered_map_passes_large_items_and_results_both_ways_without_waiting_forever():
    import os

    from framing._parallel import ordered_map

    items = [bytes([i]) * (3_000_000 + i) for i in range(12)]  # each far over a pipe's 64 KiB
    for jobs in (2, 3):
        got = _with_alarm(60, lambda: list(ordered_map(_echo_big, items, state={}, jobs=jobs)))
        assert [(head, len(tail)) for _, head, tail in got] == [(x[:10], len(x)) for x in items]
        assert len({pid for pid, _, _ in got} - {os.getpid()}) >= 1  # workers took some


def test_ordered_map_takes_back_queued_items_instead_of_waiting_for_a_slow_worker():
    import os

    from framing._parallel import ordered_map

    got = _with_alarm(60, lambda: list(ordered_map(_slow_in_workers, range(40), state={"main": os.getpid()}, jobs=2)))
    assert [v for _, v in got] == [x * x for x in range(40)]
    by_worker = sum(pid != os.getpid() for pid, _ in got)
    # the worker is 200 times slower: the main process computes what it had queued (the worker
    # skips those) rather than wait; the worker keeps only the item it had started each time the
    # main process came to wait for it (1-4 of 40 measured; 15 when nothing is taken back)
    assert 1 <= by_worker <= 6, by_worker


class _SlowToPickle:
    """A result whose pickling, in a worker's sending thread, takes a while: the worker starts its
    next item before the main process has this one."""

    def __init__(self, x):
        self.x = x

    def __reduce__(self):
        import time

        time.sleep(0.05)
        return (_SlowToPickle, (self.x,))


def _logged_slow_to_pickle(state, x):
    import os
    import time

    with open(os.path.join(state["dir"], str(os.getpid())), "a") as log:
        log.write(f"{x}\n")
    time.sleep(0.01 if os.getpid() != state["main"] else 0.03)
    return _SlowToPickle(x)


def test_ordered_map_never_computes_an_item_twice(tmp_path):
    import collections
    import os

    from framing._parallel import ordered_map

    # The main process, waiting, takes back an item the worker has queued. Before, it asked the
    # worker to skip it by a message that could come after the worker had started it: here the
    # worker runs ahead of the results it has sent, and an item was computed twice in 20 of 20 runs
    for run in range(5):
        logs = tmp_path / str(run)
        logs.mkdir()
        got = _with_alarm(60, lambda: list(ordered_map(_logged_slow_to_pickle, range(12), jobs=2,
                                                       state={"main": os.getpid(), "dir": str(logs)})))
        assert [r.x for r in got] == list(range(12))
        computed = collections.Counter()
        for log in logs.iterdir():
            computed.update(int(line) for line in log.read_text().split())
        assert sorted(computed) == list(range(12))
        assert [x for x, n in computed.items() if n > 1] == []
        assert len(list(logs.iterdir())) == 2  # (both processes computed items)


def test_a_stopped_worker_ends_itself_even_with_results_nobody_reads():
    import multiprocessing as mp

    from framing._parallel import _Slot, _Worker, start_method

    # results still on their way when a worker is stopped (here three large ones whose slots were
    # filled otherwise) fill the pipe: stopping must read them away rather than wait for the worker
    worker = _Worker(mp.get_context(start_method()), {})
    slots = [_Slot(worker, i) for i in range(3)]
    for slot in slots:
        worker.submit(_echo_big, b"x" * 3_000_000, slot)
        slot.set(True, None)
    _with_alarm(30, worker.stop)
    assert worker.exitcode == 0  # it ended on its own, not terminated


def test_a_worker_writes_a_large_result_into_its_pipe_in_one_piece():
    import fcntl
    import multiprocessing as mp
    import termios
    import time

    from framing._parallel import _Slot, _Worker

    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        pytest.skip("pipes have a fixed size on this platform")
    import os

    r, w = os.pipe()
    try:
        fcntl.fcntl(r, fcntl.F_SETPIPE_SZ, 1 << 20)
    except OSError:
        pytest.skip("this user may not have pipes of 1 MiB now (its quota of pipe memory is used up)")
    finally:
        os.close(r)
        os.close(w)
    # 900 kB, more than a pipe's default 64 KiB: the worker writes all of it while the main process
    # reads nothing, instead of waiting for a read after each 64 KiB
    worker = _Worker(mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn"), {})
    try:
        slot = _Slot()
        worker.submit(_echo_big, b"x" * 900_000, slot)
        waiting = 0
        for _ in range(200):
            waiting = int.from_bytes(fcntl.ioctl(worker.outbox.fileno(), termios.FIONREAD, b"\0" * 4), "little")
            if waiting > 900_000:
                break
            time.sleep(0.05)
        assert waiting > 900_000
        worker.receive()
        assert slot.ready and len(slot.get()[2]) == 900_000
    finally:
        worker.stop()


_KILL_MAIN = """
import multiprocessing, os, signal, sys, time
sys.path.insert(0, sys.argv[1])
from framing._parallel import ordered_map

def slow(state, x):
    time.sleep(0.3)
    return os.getpid()

for pid in ordered_map(slow, range(50), state={}, jobs=3):
    if pid != os.getpid():  # (the workers are at work)
        with open(sys.argv[2], "w") as out:
            out.write(" ".join(str(p.pid) for p in multiprocessing.active_children()))
        os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie has ended)."""
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


# Two pools built at once by two threads: each thread's first worker is forked only once the other
# thread has made its pipes too, if it can (the fork of each then copied the other's pipe ends, and
# each worker kept the other's input open: neither ended after the main process was killed)
_TWO_POOLS = """
import multiprocessing.context, threading
meet, start = threading.Barrier(2, timeout=1), multiprocessing.context.ForkProcess.start

def start_together(self):
    try:
        meet.wait()
    except threading.BrokenBarrierError:  # (the other thread is not there: it waits to make its pipes)
        pass
    start(self)

multiprocessing.context.ForkProcess.start = start_together

def pool():
    for _ in ordered_map(slow, range(50), state={}, jobs=3):
        pass

for _ in range(2):
    threading.Thread(target=pool, daemon=True).start()
for _ in range(300):  # (until both pools have their two workers: forks wait for each other here)
    time.sleep(0.1)
    if len(multiprocessing.active_children()) == 4:
        break
time.sleep(0.5)
with open(sys.argv[2], "w") as out:
    out.write(" ".join(str(p.pid) for p in multiprocessing.active_children()))
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("pools", [1, 2])
def test_workers_end_when_their_main_process_is_killed(tmp_path, pools):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    # forked workers held copies of the main process's ends of their pipes, so they never saw them
    # close: killed with its main process, a worker lived on, holding its memory
    script, pids, errors = tmp_path / "kill_main.py", tmp_path / "workers.txt", tmp_path / "stderr.txt"
    script.write_text(_KILL_MAIN if pools == 1 else _KILL_MAIN.partition("for pid in")[0] + _TWO_POOLS)
    root = str(Path(framing.__file__).resolve().parents[1])  # (the framing under test)
    with open(errors, "w") as err:  # (a file: the workers hold no pipe of this process)
        run = subprocess.run([sys.executable, str(script), root, str(pids)], stdout=subprocess.DEVNULL, stderr=err,
                             timeout=60, env={**os.environ, "FRAMING_START_METHOD": "fork"})
    assert run.returncode == -signal.SIGKILL and pids.exists(), errors.read_text()
    alive = {int(pid) for pid in pids.read_text().split()}
    assert len(alive) == 2 * pools
    try:
        for _ in range(100):
            alive = {pid for pid in alive if _running(pid)}
            if not alive:
                break
            time.sleep(0.1)
        assert not alive, f"workers {sorted(alive)} still run 10 s after their main process was killed"
    finally:
        for pid in alive:
            os.kill(pid, signal.SIGKILL)


def test_a_worker_that_skips_an_item_it_was_not_asked_to_skip_is_an_error():
    import multiprocessing as mp

    from framing._parallel import _TAKEN, WorkerError, _Slot, _Worker, start_method

    # (a guard: were the two sides ever to disagree on which item is which, a result would be lost)
    worker = _Worker(mp.get_context(start_method()), {})
    try:
        slot = _Slot()
        with worker.lock:  # (the worker cannot look at the mark before it is set)
            worker.submit(_echo_big, b"x", slot)
            worker.marks[slot.position] = _TAKEN
        _with_alarm(30, worker.receive)
        with pytest.raises(WorkerError, match="skipped an item"):
            slot.get()
    finally:
        worker.stop()


def test_ordered_map_reports_a_worker_that_died_and_carries_worker_tracebacks():
    import os

    import pytest

    from framing._parallel import WorkerError, ordered_map

    with pytest.raises(WorkerError, match=r"worker process \d+ ended \(exit code 3\)"):
        _with_alarm(60, lambda: list(ordered_map(_exit_in_workers, range(20), state={"main": os.getpid()}, jobs=2)))
    # in its turn: the results before the first item a dead worker owed come first (here the four
    # the main process keeps; the workers die on their first items, found dead while it computes)
    for jobs in (2, 3):
        out = []

        def run():
            for x in ordered_map(_exit_in_workers_slow_here, range(20), state={"main": os.getpid()}, jobs=jobs,
                                 local=lambda x: x < 4):
                out.append(x)

        with pytest.raises(WorkerError, match=r"exit code 3"):
            _with_alarm(60, run)
        assert out == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="in a worker") as err:
        list(ordered_map(_fail_in_workers, range(10), state={"main": os.getpid()}, jobs=2))
    assert "_fail_in_workers" in str(err.value.__cause__) and "ValueError: in a worker" in str(err.value.__cause__)


@pytest.mark.skipif(not _forking(), reason="a spawned worker is still starting while the main process waits: it "
                    "takes the items back, and none is sent to the worker after it ends")
def test_a_worker_found_dead_when_an_item_is_sent_to_it_keeps_the_results_it_sent_before():
    import os
    import time

    from framing._parallel import WorkerError, ordered_map

    out = []

    def slow_stand_in(x):
        if x == 1:
            time.sleep(0.8)  # (the worker ends while the main process is here)
        return x

    def run():
        for x in ordered_map(_exit_soon_after_the_first_result, range(6), state={"main": os.getpid()}, jobs=2,
                             remote=slow_stand_in):
            out.append(x)

    with pytest.raises(WorkerError, match=r"exit code 9"):
        _with_alarm(60, run)
    assert out == [0]


_MAIN_PID = __import__("os").getpid()


def _rebuilt_only_here():
    import os

    if os.getpid() != _MAIN_PID:
        raise LookupError("cannot be rebuilt in this process")
    return _OnlyHere()


class _OnlyHere:
    """An item a worker cannot unpickle (as a function spawn cannot import, or a missing class)."""

    def __reduce__(self):
        return _rebuilt_only_here, ()


def _kind(state, x):
    return type(x).__name__


@pytest.mark.skipif(not _forking(), reason="a spawned worker imports this module anew, so _MAIN_PID is its own")
def test_items_that_cannot_travel_are_errors_in_their_turn_not_a_hang():
    import threading

    import pytest

    from framing._parallel import WorkerError, ordered_map

    # one a worker cannot rebuild (the first sent to it, so never taken back): its error, no hang
    with pytest.raises(WorkerError, match="could not rebuild its item: LookupError") as err:
        _with_alarm(60, lambda: list(ordered_map(_kind, [_OnlyHere(), 2, 3, 4], state={}, jobs=2)))
    assert "cannot be rebuilt in this process" in str(err.value.__cause__)  # the worker's traceback
    # one that cannot be pickled at all (a lock): the same, raised here
    out = []
    with pytest.raises(TypeError, match="pickle"):
        for v in ordered_map(_kind, [1, threading.Lock(), 3], state={}, jobs=2):
            out.append(v)
    assert out == ["int"]


def test_ordered_map_stops_its_workers_when_the_caller_stops_early():
    import multiprocessing as mp

    from framing._parallel import ordered_map

    before = set(mp.active_children())
    results = ordered_map(_slow_square, range(100), state={"fail": set()}, jobs=3)
    assert [v for _, v in (next(results), next(results))] == [0, 1]
    assert len(set(mp.active_children()) - before) == 2
    results.close()  # (as when a loop over the results breaks)
    assert set(mp.active_children()) - before == set()


def test_reading_blocks_notices_a_file_that_grows_or_shrinks_while_read(tmp_path, monkeypatch):
    import pytest

    import framing.corpus as fc
    from framing.errors import CorpusError

    monkeypatch.setattr(fc, "_READ_BYTES", 64)  # (small reads: the file is read after it changed)
    # (longer than the file object's own read-ahead buffer, which would hide the change)
    lines = b"".join(b'{"text": "line %d", "outlet": "o"}\n' % i for i in range(2_000))
    for change in (lambda p: p.write_bytes(lines + lines), lambda p: p.write_bytes(lines[:300])):
        path = tmp_path / "c.jsonl"
        path.write_bytes(lines)
        blocks = fc._jsonl_blocks(path, "utf-8", 3)
        next(blocks)
        change(path)
        with pytest.raises(CorpusError, match="c.jsonl: the file changed while it was read"):
            list(blocks)
    path.write_bytes(lines)  # unchanged: every line, no error
    assert b"".join(b.data for b in fc._jsonl_blocks(path, "utf-8", 3)) == lines


@pytest.mark.parametrize("small_rows", [None, 3])
def test_reading_blocks_notices_a_file_rewritten_with_the_same_size_and_time(tmp_path, monkeypatch, small_rows):
    """A file rewritten in place with the same size and modification time (a coarse clock, or a
    restored one) moves its newlines under the reader: with several processes, block ends are
    found in one read and the blocks read again, which must not cut blocks inside lines; in one
    process, the next read would join the old first half of a line to the new second half. The
    inode change time gives it away in both."""
    import os

    import pytest

    import framing.corpus as fc
    from framing.errors import CorpusError

    monkeypatch.setattr(fc, "_READ_BYTES", 64)  # (reads of 64 KiB, the least: the file is 8 of them)
    path = tmp_path / "c.jsonl"
    lines = b"".join(b'{"text": "line %06d"}\n' % i for i in range(25_000))
    path.write_bytes(lines)
    st = os.stat(path)
    blocks = fc._jsonl_blocks(path, "utf-8", 7, small_rows)
    next(blocks)
    path.write_bytes(b" " + lines[:-1])  # every newline one byte later, the same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    with pytest.raises(CorpusError, match="c.jsonl: the file changed while it was read"):
        list(blocks)


class _Trickle:
    """A file's ``readinto`` that gives at most ``most`` bytes a call (as pipes and some network
    file systems do)."""

    def __init__(self, data: bytes, most: int):
        self.data, self.pos, self.most = data, 0, most

    def readinto(self, buf) -> int:
        n = min(len(buf), self.most, len(self.data) - self.pos)
        buf[:n] = self.data[self.pos:self.pos + n]
        self.pos += n
        return n


def _read_all(data: bytes, want: int, guess: int, most: int, compiled: bool, monkeypatch) -> list:
    import framing._kernels as fk

    if not compiled:
        monkeypatch.setattr(fk, "_ckernels", None)
    f, carry, out = _Trickle(data, most), b"", []
    while True:
        block, carry, lines, eof = fk.read_lines(f.readinto, carry, want, guess)
        out.append((block, lines, eof))
        if lines < want:
            break
    monkeypatch.undo()
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 300), max_size=60), st.booleans(), st.integers(1, 9), st.integers(0, 3_000),
       st.sampled_from([1, 7, 4096, 1 << 20]))
def test_read_lines_cuts_blocks_at_their_last_newline(lengths, last_newline, want, guess, most):
    """``read_lines`` (C, and its Python reading): every block but the last holds exactly ``want``
    lines and ends with the newline of its last; the blocks join into the file, whatever the
    guess of their size and however few bytes each read gives."""
    data = b"".join(b"x" * n + b"\n" for n in lengths)
    if not last_newline:
        data += b'{"tail": 1}'
    with pytest.MonkeyPatch.context() as mp:
        got = _read_all(data, want, guess, most, True, mp)
        assert got == _read_all(data, want, guess, most, False, mp)
    blocks = [b for b, _, _ in got]
    assert b"".join(blocks) == data
    for block, lines, eof in got[:-1]:
        assert lines == want == block.count(b"\n") and block.endswith(b"\n")
    assert got[-1][1] < want and got[-1][2] and got[-1][0].count(b"\n") == got[-1][1]


class _Interrupted(Exception):
    pass


@pytest.mark.parametrize("compiled", [True, False])
def test_read_lines_passes_on_the_files_own_error_and_refuses_odd_counts(compiled, monkeypatch):
    """An error of ``readinto`` (a failing disk, Ctrl-C) comes out as itself, not as an error of the
    buffer's release; counts that are not a count of bytes read are refused, in C and in Python."""
    from framing import _kernels

    if not compiled:
        monkeypatch.setattr(_kernels, "_ckernels", None)

    def failing(buf):
        raise OSError(5, "Input/output error")

    def interrupted(buf):
        raise _Interrupted("stop")

    with pytest.raises(OSError, match="Input/output error"):
        _kernels.read_lines(failing, b"", 3, 100)
    with pytest.raises(_Interrupted):
        _kernels.read_lines(interrupted, b"a\n", 3, 100)
    for odd in (None, -1):
        with pytest.raises(OSError, match="no count of bytes"):
            _kernels.read_lines(lambda buf: odd, b"", 3, 100)
    with pytest.raises(OSError, match="says it read"):
        _kernels.read_lines(lambda buf: len(buf) + 1, b"", 3, 100)
    with pytest.raises(ValueError, match="want must be >= 1"):
        _kernels.read_lines(lambda buf: 0, b"", 0, 100)


@pytest.mark.parametrize("small_rows", [None, 3])
def test_jsonl_blocks_without_the_c_extension(tmp_path, monkeypatch, small_rows):
    """The reader cuts the same blocks with the Python readings of the C loops (a build without
    the extension once failed here: the pure-Python line search got a memoryview)."""
    import framing._kernels as fk
    import framing.corpus as fc

    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"".join(b'{"text": "line %d"}\n' % i for i in range(50)) + b'{"text": "last"}')
    for read_bytes in (7, 1 << 22):
        monkeypatch.setattr(fc, "_READ_BYTES", read_bytes)
        compiled = [b.ref() for b in fc._jsonl_blocks(path, "utf-8", 4, small_rows)]
        monkeypatch.setattr(fk, "_ckernels", None)
        assert [b.ref() for b in fc._jsonl_blocks(path, "utf-8", 4, small_rows)] == compiled
        monkeypatch.undo()
    assert b"".join(r.load().data for r in compiled) == path.read_bytes()[3:]  # (every line, the mark left out)
    assert compiled[-1].whole_lines is False and all(r.whole_lines for r in compiled[:-1])


def test_block_references_read_the_same_bytes_and_notice_a_changed_file(tmp_path):
    import pytest

    from framing.corpus import _jsonl_blocks
    from framing.errors import CorpusError

    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"".join(b'{"text": "line %d", "outlet": "o"}\n' % i for i in range(25)))
    blocks = list(_jsonl_blocks(path, "utf-8", 7))
    assert [len(b.data.splitlines()) for b in blocks] == [7, 7, 7, 4]
    assert [b.ref().load() for b in blocks] == blocks
    ref = blocks[-1].ref()
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(CorpusError, match="c.jsonl: the file changed while it was read"):
        ref.load()


def test_jsonl_blocks_for_several_processes_are_small_at_the_start_and_the_end(tmp_path, monkeypatch):
    """With ``small_rows``, the blocks after the first that hold the rest of the role-sample lines,
    and those starting in the last four big blocks' worth of bytes, are small, the rest big (the
    first is big, as one process reads it: a writer keeps the columns of the first chunk); every
    table stays the same."""
    import framing.corpus as fc

    monkeypatch.setattr(fc, "_ROLE_SAMPLE", 16)
    path = tmp_path / "c.jsonl"
    lines = [b'{"text": "the rebel militia %04d", "outlet": "o%d"}\n' % (i, i % 3) for i in range(100)]
    path.write_bytes(b"".join(lines))  # (every line the same length: 40 lines make four big blocks)
    blocks = list(fc._jsonl_blocks(path, "utf-8", 10, small_rows=3))
    # past the role sample, the main process sends a block's place, not its bytes (read by the
    # process that parses it)
    assert [type(b).__name__ for b in blocks[:4]] == ["_Block", "_Block", "_Block", "_BlockRef"]
    blocks = [b.ref().load() for b in blocks]
    sizes = [len(b.data.splitlines()) for b in blocks]
    # lines 1-10 in one block, 11-16 in small ones; from line 17 big ones while 40 lines or more
    # remain (up to line 66); from line 67 (34 left) small ones again, the last holding the one left
    assert sizes == [10, 3, 3] + [10] * 5 + [3] * 11 + [1]
    assert b"".join(b.data for b in blocks) == b"".join(lines)
    assert [b.first_line for b in blocks] == [1 + sum(sizes[:k]) for k in range(len(sizes))]
    assert [len(b.data.splitlines()) for b in fc._jsonl_blocks(path, "utf-8", 10)] == [10] * 10
    one = framing.score(path, "libya", chunk_rows=10)
    two = framing.score(path, "libya", chunk_rows=10, jobs=2)
    assert len(one.documents) == 100 and len(one.mentions) == 200  # ("rebel" and "militia")
    for name in ("mentions", "documents", "skipped", "descriptors"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)
    pd.testing.assert_frame_equal(framing.count(path, "libya", chunk_rows=10, jobs=2),
                                  framing.count(path, "libya", chunk_rows=10))


def test_ordered_map_gives_the_results_before_an_input_error_first():
    import pytest

    from framing._parallel import ordered_map

    def items(fail_at):
        for x in range(20):
            if x == fail_at:
                raise RuntimeError("the input broke")
            yield x

    for jobs in (1, 2, 3):
        out = []
        with pytest.raises(RuntimeError, match="the input broke"):
            for _, v in ordered_map(_slow_square, items(8), state={"fail": set()}, jobs=jobs):
                out.append(v)
        assert out == [x * x for x in range(8)], jobs
        # an item's own error, earlier than the input's, comes first
        with pytest.raises(ValueError, match="item 5"):
            list(ordered_map(_slow_square, items(8), state={"fail": {5}}, jobs=jobs))


def test_a_block_reference_refuses_a_file_rewritten_in_place(tmp_path):
    import os

    import pytest

    from framing.corpus import _jsonl_blocks
    from framing.errors import CorpusError

    path = tmp_path / "c.jsonl"
    path.write_bytes(b"".join(b'{"text": "militia %d", "outlet": "o"}\n' % i for i in range(10)))
    ref = next(_jsonl_blocks(path, "utf-8", 4)).ref()
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"militia", b"warlord"))  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    with pytest.raises(CorpusError, match="the file changed while it was read"):
        ref.load()


def test_missing_outlet_of_a_corpus_built_by_hand_is_none_in_mentions():
    import numpy as np

    from framing.corpus import Corpus

    docs = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["x", np.nan], "text": ["The militia fled."] * 2})
    res = framing.score(Corpus(docs, pd.DataFrame(columns=["where", "doc_id", "reason"])), "loaded_language")
    assert res.mentions["outlet"].tolist() == ["x", None]


def test_column_roles_come_from_the_first_thousand_records_parsed_once(tmp_path):
    """Scoring a JSON Lines file parses its first blocks once, both to decide the column roles and
    as documents: the roles equal those of a separate sample of the first 1,000 records, and the
    parsed blocks give the documents of blocks parsed again."""
    from dataclasses import replace

    from framing.corpus import MAX_CHARS, ColumnMap, _jsonl_blocks, _parse_block, _parsed_head

    def sample_roles(path):  # by hand: the keys of the first 1,000 records, up to bytes that are not UTF-8
        keys = {}
        seen = 0
        for raw in path.read_bytes().split(b"\n"):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                break
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and seen < 1000:
                keys.update(dict.fromkeys(rec))
                seen += 1
        return cols.resolve(list(keys), str(path))

    def rec(i, **extra):
        return json.dumps({"content": f"the militia {i}", "outlet": f"o{i % 3}", **extra}) + "\n"

    files = {
        # a key first seen at record 1,000 counts, one first seen at record 1,001 does not
        "edge.jsonl": "".join(rec(i, **({"text": "the army"} if i == 1000 else {}),
                                  **({"title": "t"} if i == 1001 else {})) for i in range(1, 1201)).encode(),
        # blank and bad lines are not records: the 1,000th record is further down
        "trouble.jsonl": "".join(("\n" if i % 50 == 0 else "{bad\n" if i % 70 == 0 else "")
                                 + rec(i, **({"date": "2020-01-01"} if i == 1000 else {})) for i in range(1, 1100)).encode(),
        # bytes that are not UTF-8 at line 300: the records before them decide, the error comes in turn
        "undecodable.jsonl": "".join(rec(i, **({"text": "x"} if i == 200 else {}), **({"title": "t"} if i == 400 else {}))
                                     for i in range(1, 300)).encode() + b'{"content": "\xff"}\n'
                             + "".join(rec(i, title="t") for i in range(301, 500)).encode(),
    }
    cols = ColumnMap(None, None, None, None, None, None)
    seen_roles = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        sample = sample_roles(path)
        seen_roles.append(sample)
        for chunk_rows in (3, 250, 999, 5000):
            head, roles = _parsed_head(_jsonl_blocks(path, "utf-8", chunk_rows), path, cols)
            assert roles == sample, (name, chunk_rows)
            assert sum(1 for b in head if b.lines is None) == (name == "undecodable.jsonl")  # (fewer than 1,000 records before it)
            for block in head:
                if block.lines is None:
                    continue
                once, again = (_parse_block(b, cols, MAX_CHARS, roles) for b in (block, replace(block, lines=None)))
                pd.testing.assert_frame_equal(once.docs, again.docs)
                assert (once.pending, once.skips, once.doc_rows) == (again.pending, again.skips, again.doc_rows)
    assert seen_roles[0]["text"] == "text" and seen_roles[0]["title"] is None
    assert seen_roles[1]["date"] == "date"
    assert seen_roles[2]["text"] == "text" and seen_roles[2]["title"] is None
    # end to end: the error of line 300 after the documents before it, whatever the processes
    for jobs in (1, 2):
        with pytest.raises(framing.CorpusError, match=r"undecodable.jsonl: not valid utf-8 .*line 300"):
            framing.count(tmp_path / "undecodable.jsonl", "libya", chunk_rows=7, jobs=jobs)


def test_a_nul_character_in_a_json_lines_text_is_skipped_in_every_block(tmp_path):
    """A text with a NUL character (written as the escape \\u0000) is skipped with its reason
    whatever the blocks and processes; a text that spells the escape out is scored."""
    rows = [{"doc_id": f"d{i}", "outlet": "o", "text": f"the militia {i}"} for i in range(12)]
    rows[5]["text"] = "the militia\x00 moved"  # written by json.dumps as \u0000
    rows[9]["text"] = "a backslash and u0000: \\u0000 is text"  # written as \\u0000: no NUL
    path = tmp_path / "nul.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert b"\\u0000" in path.read_bytes()
    for chunk_rows, jobs in ((4, 1), (4, 2), (500, 1)):
        result = framing.score(path, "libya", chunk_rows=chunk_rows, jobs=jobs)
        assert result.skipped[["source", "reason"]].values.tolist() == [
            [f"{path}:6", "text contains a NUL byte at character 11 (binary data in the text column?)"]]
        assert len(result.documents) == 11 and "d9" in result.documents["doc_id"].tolist()


def test_a_text_object_that_reads_as_text_with_nul_is_skipped():
    """A text value that is not a str but becomes one (str(value)) holding NUL is skipped like a
    str holding NUL (review repro: a UserString in a DataFrame)."""
    from collections import UserString

    df = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["x", "x", "x"],
                       "text": [UserString("The militia\x00 attacked."), "The militia\x00 left.", UserString("The militia left.")]})
    result = framing.score(df, "loaded_language")
    reason = "text contains a NUL byte at character 11 (binary data in the text column?)"
    assert result.skipped.values.tolist() == [["row 1", "a", reason], ["row 2", "b", reason]]
    assert result.documents["doc_id"].tolist() == ["c"]
    assert framing.count(df, "loaded_language")["doc_id"].tolist() == ["c"]


def test_several_processes_read_a_file_whose_first_records_lie_past_the_role_sample(tmp_path, monkeypatch):
    """Blank lines before the records: the role sample (1,000 records, here 6) ends past line 1,000
    (here 6), in blocks that several processes would otherwise send by their place only."""
    import framing.corpus as fc

    monkeypatch.setattr(fc, "_ROLE_SAMPLE", 6)
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\n" * 10 + b"".join(b'{"id": "d%d", "text": "the rebel militia %d", "outlet": "o"}\n' % (i, i)
                                           for i in range(40)))
    one = framing.score(path, "libya", chunk_rows=10)
    two = framing.score(path, "libya", chunk_rows=10, jobs=2)
    assert len(one.documents) == 40 and len(one.mentions) == 80
    for name in ("mentions", "documents", "skipped", "descriptors"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)


def _where(state, x):
    """Which process computed ``x``, and which process imported this module (a forked worker shares
    its parent's import; a spawned one imports the module itself)."""
    import gc
    import os

    return x, os.getpid(), _MAIN_PID, gc.get_freeze_count()


def test_the_start_method_is_fork_on_linux_and_can_be_chosen(monkeypatch):
    import multiprocessing as mp
    import sys

    from framing._parallel import START_METHOD_VARIABLE, start_method
    from framing.errors import FramingError

    monkeypatch.delenv(START_METHOD_VARIABLE, raising=False)
    assert start_method() == ("fork" if sys.platform.startswith("linux") else "spawn")
    monkeypatch.setenv(START_METHOD_VARIABLE, " spawn ")
    assert start_method() == "spawn"
    monkeypatch.setenv(START_METHOD_VARIABLE, "thread")
    with pytest.raises(FramingError, match=r"FRAMING_START_METHOD='thread': this platform starts processes "
                                           r"with .*spawn.*; set one of those, or unset the variable"):
        start_method()
    assert set(mp.get_all_start_methods()) >= {"spawn"}


def test_a_bad_start_method_is_a_one_line_error_on_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FRAMING_START_METHOD", "thread")
    assert main(["count", "--demo", "--out", str(tmp_path / "o"), "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert "FRAMING_START_METHOD='thread'" in err and "Traceback" not in err


def test_spawned_workers_give_the_rows_of_one_process(tmp_path, monkeypatch):
    """The start method of macOS and Windows, run here: workers that import framing afresh and get
    the compiled lexicon pickled give the tables of one process, row order and skipped rows
    included, from the library and from the command line."""
    import os

    from framing._parallel import ordered_map

    path, _ = _jsonl_with_trouble(tmp_path)
    base = framing.score(path, "libya", chunk_rows=2000)
    counts = framing.count(path, "libya")
    assert main(["count", str(path), "--lexicon", "libya", "--out", str(tmp_path / "one")]) == 0
    monkeypatch.setenv("FRAMING_START_METHOD", "spawn")
    got = list(ordered_map(_where, range(30), state={}, jobs=2))
    assert [x for x, *_ in got] == list(range(30))
    spawned = [(pid, imported, frozen) for _, pid, imported, frozen in got if pid != os.getpid()]
    assert spawned and all(pid == imported for pid, imported, _ in spawned)  # imported in the worker
    assert all(frozen == 0 for *_, frozen in spawned) and __import__("gc").get_freeze_count() == 0
    other = framing.score(path, "libya", chunk_rows=4, jobs=2)
    for name in ("mentions", "documents", "skipped", "descriptors"):
        pd.testing.assert_frame_equal(getattr(base, name), getattr(other, name), obj=name)
    pd.testing.assert_frame_equal(framing.count(path, "libya", chunk_rows=4, jobs=2), counts)
    assert main(["count", str(path), "--lexicon", "libya", "--out", str(tmp_path / "two"), "--jobs", "2"]) == 0
    for name in sorted(os.listdir(tmp_path / "one")):
        if name.endswith(".csv"):
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def _table_with_trouble():
    """The demo's documents as a DataFrame with a shuffled index, an extra column, dates of mixed
    forms, and rows to skip: an empty and a blank text, a missing outlet, ids repeated within and
    across chunks of 3 rows, documents without an id that repeat an earlier one (outlet, title and
    text), and a number for a text."""
    import numpy as np

    demo = framing.read_corpus(framing.demo_corpus()).documents
    rows = [{"id": f"d{i}", "outlet": r.outlet, "title": r.title, "text": r.text, "date": "2018-05-0" + str(1 + i % 9),
             "desk": f"desk {i % 4}"} for i, r in enumerate(demo.itertuples())]
    rows[2]["text"] = ""
    rows[4]["text"] = "  \n "
    rows[5]["outlet"] = np.nan
    rows[6]["date"] = "not a date"
    rows[7]["date"] = "7 May 2018"
    rows.insert(8, {**rows[7]})  # the same id in the next row (the same chunk of 3 or the next)
    rows.insert(15, {**rows[1], "text": "another text, the id of row 2"})  # across chunks
    rows.append({"id": None, "outlet": "Wire", "title": "t", "text": "Haftar's militia fled.", "desk": "x"})
    rows.append({"id": None, "outlet": "Wire", "title": "t", "text": "Haftar's militia fled.", "desk": "y"})
    rows.append({"id": "n1", "outlet": "Wire", "title": "t", "text": 2018, "desk": "z"})
    df = pd.DataFrame(rows)
    df.index = np.arange(len(df))[::-1] * 7 + 3
    return df


def _spy_on_rows_plans(monkeypatch) -> list:
    """Whether each run of score or count that follows cuts its source into rows (framing/_rows.py)."""
    import sys

    score_module = sys.modules["framing.score"]
    plans, plan = [], score_module.rows_plan

    def spy(*args, **kwargs):
        got = plan(*args, **kwargs)
        plans.append(got is not None)
        return got

    monkeypatch.setattr(score_module, "rows_plan", spy)
    return plans


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_table_sources_checked_in_the_workers_give_the_rows_of_one_process(tmp_path, monkeypatch, method):
    """With several processes, a DataFrame, CSV or Parquet source is cut into rows that the workers
    check themselves (framing/_rows.py): the tables are those of one process (which checks the whole
    source in one chunk), row order, skipped rows and their messages included; under fork only the
    rows' positions travel to the worker, not their texts, and from a CSV file only byte offsets
    (framing/_csvranges.py)."""
    from multiprocessing.reduction import ForkingPickler

    if method not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip(f"no {method} here")
    df = _table_with_trouble()
    df.to_csv(tmp_path / "c.csv", index=False)
    df.astype({"text": str, "id": str}).replace("None", None).to_parquet(tmp_path / "c.parquet")
    monkeypatch.setenv("FRAMING_START_METHOD", method)
    sent = []
    dumps = ForkingPickler.dumps
    monkeypatch.setattr(ForkingPickler, "dumps", classmethod(lambda cls, obj, *a: sent.append(dumps(obj, *a)) or sent[-1]))
    plans = _spy_on_rows_plans(monkeypatch)
    for source in (df, tmp_path / "c.csv", tmp_path / "c.parquet"):
        base = framing.score(source, "libya", chunk_rows=2000)
        reasons = base.skipped["reason"].tolist()
        assert len(base.documents) + len(base.skipped) == len(df)
        assert sum(r.startswith("duplicate doc_id") for r in reasons) == 2, reasons
        assert sum(r.startswith("duplicate document") for r in reasons) == 1
        assert {"empty text", "text is only whitespace"} <= set(reasons) and len(reasons) == 6
        sent.clear()
        plans.clear()
        for chunk_rows, jobs in ((3, 2), (2000, 2), (2, 3)):
            other = framing.score(source, "libya", chunk_rows=chunk_rows, jobs=jobs)
            for name in ("mentions", "documents", "skipped", "descriptors"):
                pd.testing.assert_frame_equal(getattr(base, name), getattr(other, name), obj=f"{name} {chunk_rows}")
        pd.testing.assert_frame_equal(framing.count(source, "libya", chunk_rows=3, jobs=2), framing.count(source, "libya"))
        assert plans == [True] * 4  # (every run with several processes: rows checked in the workers)
        items = [len(s) for s in sent if len(s) < 100_000]  # (the state a spawned worker gets is larger)
        assert items, "nothing was sent to a worker"
        if (method == "fork" and source is df) or str(source).endswith(".csv"):
            # (two numbers, not rows of about 3 kB of text: a CSV file's workers read their bytes)
            assert max(items) < 1_000, max(items)
        else:
            assert max(items) > 3_000


def test_a_corpus_is_scored_in_chunks_by_every_process(tmp_path, monkeypatch):
    """A Corpus (already read and checked) is scored in chunks of ``chunk_rows`` documents, by every
    process with ``jobs`` (it was one chunk before: one process whatever ``jobs``), to the tables
    of scoring its file; under fork only the chunks' positions travel to the worker."""
    from multiprocessing.reduction import ForkingPickler

    path, _ = _jsonl_with_trouble(tmp_path)
    corpus = framing.read_corpus(path)
    base = framing.score(path, "libya")
    counts = framing.count(path, "libya")
    sent = []
    dumps = ForkingPickler.dumps
    monkeypatch.setattr(ForkingPickler, "dumps", classmethod(lambda cls, obj, *a: sent.append(dumps(obj, *a)) or sent[-1]))
    for jobs in (1, 2):
        other = framing.score(corpus, "libya", chunk_rows=4, jobs=jobs)
        for name in ("mentions", "documents", "skipped", "descriptors"):
            pd.testing.assert_frame_equal(getattr(base, name), getattr(other, name), obj=f"{name} {jobs}")
        pd.testing.assert_frame_equal(framing.count(corpus, "libya", chunk_rows=3, jobs=jobs), counts)
    from framing.score import iter_score

    chunks = list(iter_score(corpus, "libya", chunk_rows=4))
    assert [len(d) for d, *_ in chunks] == [4] * (len(corpus) // 4) + ([len(corpus) % 4] if len(corpus) % 4 else [])
    assert sum(len(s) for _, _, s, _ in chunks) == len(corpus.skipped) > 0
    assert sent and (max(map(len, sent)) < 1_000 or not _forking()), max(map(len, sent))


def _fail_at_five(state, x):
    if x == 5:
        raise ValueError("five")
    return x


def test_an_error_leaves_no_pool_for_the_garbage_collector():
    """The error raised at its item's turn (in this process or a worker) holds no reference cycle to
    the pool: its workers, pipes and locks go when the call ends, not at a garbage collection."""
    import gc

    from framing._parallel import _Worker, ordered_map

    gc.collect()
    gc.disable()
    try:
        for local in (True, False):  # (item 5 computed here, or in the worker)
            with pytest.raises(ValueError, match="five"):
                for _ in ordered_map(_fail_at_five, range(20), state={}, jobs=2, local=lambda x: local and x == 5):
                    pass
            assert not any(type(o) is _Worker for o in gc.get_objects())
    finally:
        gc.enable()


_WARMED: list = []


def _warm_up(state):
    import os

    _WARMED.append(os.getpid())
    if state.get("fail"):
        raise RuntimeError("a warm-up that fails")


def _saw_warm_up(state, x):
    import os

    return x, list(_WARMED), os.getpid()


@pytest.mark.skipif(not _forking(), reason="workers are not forked here (FRAMING_START_METHOD or not Linux)")
def test_ordered_map_warms_up_once_before_forking_its_workers():
    """``warm`` runs once, in the calling process, before the fork: the workers inherit what it did
    (and do not run it); a warm-up that fails changes nothing but the head start."""
    import os

    from framing._parallel import ordered_map

    for fail in (False, True):
        _WARMED.clear()
        got = list(ordered_map(_saw_warm_up, range(30), state={"fail": fail}, jobs=3, warm=_warm_up))
        assert [x for x, *_ in got] == list(range(30))
        assert _WARMED == [os.getpid()]
        assert {pid for *_, pid in got} - {os.getpid()}, "no item was computed by a worker"
        assert all(seen == [os.getpid()] for _, seen, _ in got)
    _WARMED.clear()
    list(ordered_map(_saw_warm_up, range(3), state={}, jobs=1, warm=_warm_up))
    assert _WARMED == []  # (one process: nothing to prepare)


@pytest.mark.parametrize("lexicons", [["libya", "loaded_language"], ["loaded_language"]])
def test_the_warm_up_document_scores_and_counts_with_any_lexicon(lexicons):
    """The document scored before workers are forked is made from the matcher's own terms and
    referents: it scores and counts without error (ordered_map would hide one) and has mentions."""
    import sys

    from framing.score import compile_lexicons

    score_module = sys.modules["framing.score"]
    matcher = compile_lexicons(lexicons)
    found = {}

    def keep(state, docs):
        found["out"] = state["real"](state, docs)
        return found["out"]

    for work in (score_module._score_docs, score_module._count_docs):
        score_module._warm({"matcher": matcher, "sentences": True, "voice": True, "text": False, "real": work,
                            "work": keep})
        out = found.pop("out")
        if work is score_module._count_docs:
            assert out[matcher.categories].to_numpy().sum() >= 5
        else:
            assert len(out[1]) >= 5 and set(out[1]["voice"]) >= {"author", "quoted"}


def test_the_command_line_checks_table_rows_in_its_workers(tmp_path, monkeypatch):
    """``framing score FILE.csv --jobs 2`` takes the rows path (the command line passes every read
    option, ``metadata`` included, which stopped it once: helper-40) and writes the files of one
    process."""
    plans = _spy_on_rows_plans(monkeypatch)
    _table_with_trouble().to_csv(tmp_path / "c.csv", index=False)
    for jobs in ("1", "2"):
        assert main(["score", str(tmp_path / "c.csv"), "--lexicon", "libya", "--out", str(tmp_path / jobs),
                     "--jobs", jobs]) == 0
    assert plans == [True]  # (one process reads the file in the main process, as before)
    for name in ("mentions.csv", "documents.csv", "skipped.csv", "descriptors.csv"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_parquet_integer_ids_with_nulls_read_the_same_in_every_chunk(tmp_path):
    """An integer column with nulls, written by Arrow, becomes floats in the batches that hold a null
    (read whole by pandas too): ids were "300.0" in some chunks and "300" in others, so they
    depended on the chunk size (helper-40). They are the integers' text in every chunk (the dask
    engine reads each file with the same reader: tests/test_distributed.py)."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    demo = framing.read_corpus(framing.demo_corpus()).documents.head(9)
    ids = [100 * (i + 1) if i != 4 else None for i in range(len(demo))]
    pq.write_table(pa.table({"id": pa.array(ids, pa.int64()), "outlet": demo["outlet"].tolist(),
                             "text": demo["text"].tolist()}), tmp_path / "c.parquet", row_group_size=3)
    want = [str(i) for i in ids if i is not None]
    for chunk_rows, jobs in ((1, 1), (2, 1), (500, 1), (2, 2), (500, 2)):
        got = framing.score(tmp_path / "c.parquet", "libya", chunk_rows=chunk_rows, jobs=jobs).documents["doc_id"]
        assert [d for d in got if d.isdigit()] == want, (chunk_rows, jobs, got.tolist())
        assert len(got) == len(ids)  # (the row without an id gets a hashed one)


@pytest.mark.parametrize("statistics", [True, False])
def test_parquet_integer_columns_have_one_dtype_whatever_the_chunks(tmp_path, statistics):
    """An integer or boolean column whose only null is on a skipped row (an empty text) was
    ``object`` when the file was read in one chunk and ``int64``/``bool`` when the null's chunk held
    nothing else, so the documents table's dtypes depended on ``chunk_rows`` and ``jobs``. A column
    with a null anywhere is pandas' nullable dtype in every chunk; columns without one stay
    ``int64``; pandas' own ``Int64`` stays ``Int64``. Without statistics in the file the null counts
    are read from the columns themselves."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    demo = framing.read_corpus(framing.demo_corpus()).documents.head(9)
    texts = [t if i != 4 else "" for i, t in enumerate(demo["text"])]
    nulled = [None if i == 4 else v for i, v in enumerate(range(9))]
    table = pa.table({"id": [f"d{i}" for i in range(9)], "outlet": demo["outlet"].tolist(), "text": texts,
                      "year": pa.array([v if v is None else 2000 + v for v in nulled], pa.int64()),
                      "short": pa.array(nulled, pa.int16()),
                      "flag": pa.array([v if v is None else v % 2 == 0 for v in nulled], pa.bool_()),
                      "plain": pa.array(range(9), pa.int64())})
    pq.write_table(table, tmp_path / "c.parquet", row_group_size=3, write_statistics=statistics)
    results = {}
    for chunk_rows, jobs in ((500, 1), (1, 1), (2, 1), (4, 1), (1, 2), (4, 2)):
        r = framing.score(tmp_path / "c.parquet", "libya", chunk_rows=chunk_rows, jobs=jobs)
        assert len(r.documents) == 8 and len(r.skipped) == 1, (chunk_rows, jobs)
        results[chunk_rows, jobs] = r.documents
    whole = results[500, 1]
    assert {c: str(whole[c].dtype) for c in ("year", "short", "flag", "plain")} == {
        "year": "Int64", "short": "Int16", "flag": "boolean", "plain": "int64"}
    assert whole["year"].tolist() == [2000 + i for i in range(9) if i != 4]
    for key, docs in results.items():
        assert docs.dtypes.to_dict() == whole.dtypes.to_dict(), key
        pd.testing.assert_frame_equal(docs, whole, obj=str(key))

    as_pandas = pd.DataFrame({"id": ["a", "b", "c"], "outlet": ["X"] * 3, "text": texts[:2] + [""],
                              "n": pd.array([1, 2, None], dtype="Int64")})
    as_pandas.to_parquet(tmp_path / "p.parquet")
    for chunk_rows in (1, 500):
        docs = framing.score(tmp_path / "p.parquet", "libya", chunk_rows=chunk_rows).documents
        assert str(docs["n"].dtype) == "Int64" and docs["n"].tolist() == [1, 2], chunk_rows


def test_parquet_rows_travel_to_workers_as_arrow_batches(tmp_path):
    """With several processes, a Parquet file's rows after the first chunk are sent as Arrow record
    batches, not DataFrames of Python strings (pickling those cost the main process 0.38 s on 200 MB,
    an Arrow batch 0.06 s); the worker makes each the DataFrame a single process reads, nullable
    dtypes included, so every chunk checks to the same documents and skipped rows."""
    pa = pytest.importorskip("pyarrow")
    import pickle

    import pyarrow.parquet as pq
    from multiprocessing.reduction import ForkingPickler

    from framing._rows import rows_plan
    from framing.corpus import _raw_parquet

    demo = framing.read_corpus(framing.demo_corpus()).documents.head(10)
    texts = [t if i != 6 else " " for i, t in enumerate(demo["text"])]
    pq.write_table(pa.table({"id": [f"d{i}" for i in range(10)], "outlet": demo["outlet"].tolist(), "text": texts,
                             "n": pa.array([None if i == 7 else i for i in range(10)], pa.int64())}),
                   tmp_path / "c.parquet", row_group_size=4)
    items, parse = rows_plan(tmp_path / "c.parquet", 3, {})
    items = list(items)
    assert [(r.start, r.stop) for r in items] == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert isinstance(items[0].raw, pd.DataFrame)  # (made here, for the columns' names)
    assert all(isinstance(r.raw, (pa.RecordBatch, pa.Table)) for r in items[1:])
    whole = pd.concat([raw for raw, _ in _raw_parquet(tmp_path / "c.parquet", 3)], ignore_index=True)
    docs, skips = [], []
    for rows in items:
        sent = bytes(ForkingPickler.dumps(rows))
        if rows is not items[0]:
            assert b"pandas.core" not in sent  # (Arrow's buffers, no DataFrame)
        parsed = parse(pickle.loads(sent))
        docs.append(parsed.docs)
        skips += [(line, row[0]) for line, row in parsed.skips]
    docs = pd.concat(docs, ignore_index=True)
    one = framing.read_corpus(tmp_path / "c.parquet")
    pd.testing.assert_frame_equal(docs, one.documents)
    assert str(docs["n"].dtype) == "Int64" and docs["n"].isna().sum() == 1
    assert len(docs) == 9 and len(whole) == 10 and len(one.skipped) == 1
    assert skips == [(7, one.skipped["source"].iloc[0])] and skips[0][1].endswith("c.parquet row 7")

    # Arrow's reader cuts batches at row groups' ends; with a dictionary column (a pandas category)
    # both parts share one decode, and a pickled slice carried all of it: items of a file of 251-row
    # groups went as 2.04 times their rows (helper-44). They travel as Arrow IPC: their own rows.
    n = 2000
    cats = pd.DataFrame({"id": [f"d{i}" for i in range(n)], "outlet": pd.Categorical([f"o{i % 5}" for i in range(n)]),
                         "text": [f"Text {i}: " + "the militia moved on the city. " * 8 for i in range(n)]})
    cats.to_parquet(tmp_path / "cats.parquet", index=False, row_group_size=251)
    items, parse = rows_plan(tmp_path / "cats.parquet", 500, {}, 250)
    items = list(items)[1:]
    sent = [bytes(ForkingPickler.dumps(r)) for r in items]
    rows_bytes = sum(r.raw.nbytes for r in items)
    assert sum(map(len, sent)) < 1.1 * rows_bytes + 4_000 * len(items), (sum(map(len, sent)), rows_bytes)
    back = [pickle.loads(x) for x in sent]
    assert [(r.start, r.stop) for r in back] == [(r.start, r.stop) for r in items]
    for a, b in zip(items, back):
        pd.testing.assert_frame_equal(parse(a).docs, parse(b).docs)


def test_a_damaged_parquet_row_group_is_named_in_the_error(tmp_path):
    """A Parquet page that does not decode raised Arrow's bare OSError, naming neither the file nor
    the rows (helper-44). The error names the file and the row group at fault, the same whatever
    ``chunk_rows`` and ``jobs`` (a batch may span row groups: each is read alone to find it), and
    the chunks before it are yielded first."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from framing.errors import CorpusError
    from framing.score import iter_score

    n = 1200
    df = pd.DataFrame({"id": [f"d{i}" for i in range(n)], "outlet": ["o"] * n,
                       "text": [f"Note {i}: the militia moved on the city, officials said." for i in range(n)]})
    path = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, row_group_size=400)
    page = pq.ParquetFile(path).metadata.row_group(1).column(2).data_page_offset
    data = bytearray(path.read_bytes())
    for k in range(page + 3, page + 12):  # (the page header)
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    message = rf"{path.name}: cannot read row group 2 of 3 \(rows 401-800\) as Parquet \(.+\)\. The file is damaged"
    for chunk_rows, jobs in ((500, 1), (100, 1), (300, 2), (3, 2)):
        with pytest.raises(CorpusError, match=message):
            framing.score(path, "libya", chunk_rows=chunk_rows, jobs=jobs)
    # Running out of memory is not the file's fault: raised as it is (helper-45)
    from framing.corpus import _checked_batches

    def short_of_memory():
        yield pa.record_batch([pa.array([1])], names=["n"])
        raise MemoryError("malloc failed")

    with pytest.raises(MemoryError):
        list(_checked_batches(path, pq.ParquetFile(path), short_of_memory(), 100))
    got = []
    with pytest.raises(CorpusError, match=message):
        for docs, *_ in iter_score(path, "libya", chunk_rows=100):
            got += docs["doc_id"].tolist()
    assert got == [f"d{i}" for i in range(400)]
    with pytest.raises(CorpusError, match=message):
        framing.count(path, "libya", jobs=2)


def test_several_processes_take_whole_chunks_between_the_ends(tmp_path):
    """With several processes, a DataFrame, a CSV file and a Parquet file come in pieces of 250 rows
    only over their first 1,000 rows and their last four chunks, as a JSON Lines file does; between,
    pieces are joined into chunks of up to ``chunk_rows`` (each chunk costs 4-7 ms beyond its
    documents). The tables stay those of one process."""
    pa = pytest.importorskip("pyarrow")
    from framing._csvranges import ByteRange
    from framing._rows import rows_plan

    n, chunk = 5000, 500
    words = ["militia", "renegade", "Haftar", "army", "rebels", "forces", "the city", "said"]
    texts = [f'Report {i}: the {words[i % 8]} and the {words[(3 * i) % 8]} moved, "we saw it," a resident said.'
             for i in range(n)]
    df = pd.DataFrame({"id": [f"d{i}" for i in range(n)], "outlet": [f"o{i % 3}" for i in range(n)], "text": texts})
    df.to_csv(tmp_path / "c.csv", index=False)
    df.to_parquet(tmp_path / "c.parquet", index=False, row_group_size=700)

    items, _ = rows_plan(df, chunk, {}, 250)
    assert [(r.start, r.stop) for r in items] == (
        [(a, a + 250) for a in range(0, 1000, 250)] + [(a, a + 500) for a in range(1000, 3000, 500)]
        + [(a, a + 250) for a in range(3000, 5000, 250)])
    items, _ = rows_plan(df, 499, {}, 250)  # (two pieces would overfill a chunk: none joined)
    assert {r.stop - r.start for r in items} == {250}
    items, _ = rows_plan(tmp_path / "c.parquet", chunk, {}, 250)
    items = list(items)
    spans = [(r.start, r.stop) for r in items]
    assert spans[0][0] == 0 and spans[-1][1] == n and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(b - a <= chunk for a, b in spans), spans
    assert all(b - a <= 250 for a, b in spans if a < 1000 or n - a < 4 * chunk), spans
    assert sum(isinstance(r.raw, pa.Table) for r in items) >= 3, spans  # (joined: up to 500 rows)
    assert sum(len(r.raw) for r in items) == n
    ranges, _ = rows_plan(tmp_path / "c.csv", chunk, {}, 250)
    ranges = list(ranges)
    assert all(isinstance(r, ByteRange) for r in ranges) and ranges[0].start == 0
    assert all(a.stop == b.start for a, b in zip(ranges, ranges[1:]))
    assert ranges[-1].stop == (tmp_path / "c.csv").stat().st_size
    assert len(ranges) <= n // 250 - 3, len(ranges)  # (some joined)

    for source in (df, tmp_path / "c.csv", tmp_path / "c.parquet"):
        one = framing.score(source, "libya", chunk_rows=chunk)
        two = framing.score(source, "libya", chunk_rows=chunk, jobs=2)
        assert len(one.documents) == n and len(one.mentions) > n
        for name in ("mentions", "documents", "skipped", "descriptors"):
            pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=f"{source!s:.40} {name}")
        pd.testing.assert_frame_equal(framing.count(source, "libya", chunk_rows=chunk, jobs=2),
                                      framing.count(source, "libya", chunk_rows=chunk))


@pytest.mark.parametrize("chunk_rows", [0, -1, 2.5, True])
def test_a_chunk_size_that_is_not_a_count_of_rows_is_refused(chunk_rows):
    """(A Corpus given ``chunk_rows=-1`` was scored to no documents at all: helper-40.)"""
    corpus = framing.read_corpus(framing.demo_corpus())
    for call in (lambda: framing.score(corpus, "libya", chunk_rows=chunk_rows),
                 lambda: framing.count(framing.demo_corpus(), "libya", chunk_rows=chunk_rows, jobs=2),
                 lambda: list(framing.iter_corpus(framing.demo_corpus(), chunk_rows=chunk_rows))):
        with pytest.raises(ValueError, match="chunk_rows=.*1 or more"):
            call()


def test_read_options_given_as_none_mean_their_defaults_with_any_jobs(tmp_path):
    """``max_chars=None`` and ``encoding=None`` (as a caller passing its own optional settings
    would) are the defaults, with one process as with several (one process raised a TypeError)."""
    df = _table_with_trouble()
    df.to_csv(tmp_path / "c.csv", index=False)
    base = framing.score(df, "libya")
    for source in (df, tmp_path / "c.csv"):
        for jobs in (1, 2):
            got = framing.score(source, "libya", jobs=jobs, max_chars=None, encoding=None)
            assert got.documents["doc_id"].tolist() == base.documents["doc_id"].tolist()
            assert len(got.mentions) == len(base.mentions)


def _hold(lock, held, seconds):
    import time

    with lock:
        held.set()
        time.sleep(seconds)


@pytest.mark.skipif(not _forking(), reason="workers are not forked here (FRAMING_START_METHOD or not Linux)")
def test_a_fork_waits_while_another_thread_builds_a_pool_and_the_child_can_build_its_own():
    """A fork by the caller's code while another thread builds a pool (holds the lock under which
    pipes are made and listed) waits until that is done, so the child knows every pipe end it
    copies; and the child has a lock of its own, not a copy held by nobody (its first ``jobs`` > 1
    hung in 8 of 40 such children: helper-40)."""
    import os
    import threading
    import time

    import framing._parallel as par

    held = threading.Event()
    holder = threading.Thread(target=_hold, args=(par._FORKING, held, 0.5))
    holder.start()
    try:
        assert held.wait(10)
        t = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # (the child: exit code 0 if its pool works, killed by the alarm if it hangs)
            import signal

            signal.alarm(20)
            try:
                ok = list(par.ordered_map(_item_and_frozen, range(6), state={}, jobs=2))[-1][0] == 5
            finally:
                os._exit(0 if ok else 1)
        waited = time.perf_counter() - t
        _, status = os.waitpid(pid, 0)
    finally:
        holder.join()
    assert os.waitstatus_to_exitcode(status) == 0
    assert waited >= 0.3, waited  # (the fork waited for the lock: 0.5 s less the time to get there)


def _slow_item(state, x):
    import time

    time.sleep(0.05)
    return x


def test_an_interrupt_while_a_pool_stops_still_stops_every_worker_and_closes_their_pipes(monkeypatch):
    """A Ctrl-C while the first worker is stopped: the others are stopped too, every pipe is closed
    and forgotten, and the workers end (listed for forks, their pipes stayed open as long as the
    process: helper-40)."""
    import time
    from multiprocessing.process import BaseProcess

    import framing._parallel as par

    items = par.ordered_map(_slow_item, range(100), state={}, jobs=3)
    assert next(items) == 0
    pids = [p.pid for p in __import__("multiprocessing").active_children()]
    assert len(pids) >= 2
    join, calls = BaseProcess.join, []

    def interrupted_join(self, timeout=None):
        if not calls:
            calls.append(self.pid)
            raise KeyboardInterrupt
        return join(self, timeout)

    monkeypatch.setattr(BaseProcess, "join", interrupted_join)
    with pytest.raises(KeyboardInterrupt):
        items.close()
    monkeypatch.undo()
    assert calls and not par._MAIN_ENDS
    for _ in range(100):
        __import__("multiprocessing").active_children()  # (reaps the ended ones)
        if not any(_running(pid) for pid in pids):
            break
        time.sleep(0.1)
    assert not any(_running(pid) for pid in pids)


_COLLECT_WHILE_BUILDING = """
import gc, sys
sys.path.insert(0, sys.argv[1])
import framing._parallel as par

def item(state, x):
    return x

abandoned = par.ordered_map(item, range(100), state={}, jobs=2)
next(abandoned)
cycle = [abandoned]
cycle.append(cycle)
del abandoned, cycle  # (a pool that only a garbage collection will end)
par._widen = lambda conn: gc.collect()  # (a collection inside the section where pipes are made)
print(sum(par.ordered_map(item, range(10), state={}, jobs=2)), len(par._MAIN_ENDS))
"""


def test_a_garbage_collection_while_a_pool_is_built_may_end_another_pool(tmp_path):
    """A collection that runs while this thread makes a worker's pipes may end a pool abandoned in
    a reference cycle, whose workers then stop under the same lock: it is re-entrant (it hung
    forever: helper-40, in 2 runs of 2 without any patching)."""
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "collect.py"
    script.write_text(_COLLECT_WHILE_BUILDING)
    root = str(Path(framing.__file__).resolve().parents[1])
    try:
        run = subprocess.run([sys.executable, str(script), root], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("building a pool hung while a collection ended another one")
    assert run.returncode == 0 and run.stdout.split() == ["45", "0"], run.stderr


@pytest.mark.skipif(not _forking(), reason="workers are not forked here (FRAMING_START_METHOD or not Linux)")
def test_a_process_forked_by_the_caller_during_a_map_leaves_the_workers_to_their_parent():
    """The caller forks while it reads ``ordered_map``; the child leaves its copy of the loop (its
    generator is closed): it closes its copies of the pipes and nothing else. It used to terminate
    the parent's workers, which then failed with a WorkerError (helper-41, 3 runs of 3)."""
    import os

    from framing._parallel import ordered_map

    items = ordered_map(_slow_item, range(120), state={}, jobs=3)
    first = [next(items) for _ in range(5)]
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            items.close()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0  # (its close() raised nothing)
    assert first + list(items) == list(range(120))


def _double(state, x):
    return 2 * x


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_forked_workers_share_their_marks_without_a_file(monkeypatch, method):
    """A RawArray lives in a file that multiprocessing makes in /dev/shm and deletes a moment later:
    a main process killed in that moment left the file behind (helper-39). Forked workers inherit
    an anonymous mapping instead; spawned ones still need the RawArray. Either way every item is
    computed once and in order."""
    import multiprocessing as mp
    import multiprocessing.context

    from framing._parallel import ordered_map

    if method not in mp.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setenv("FRAMING_START_METHOD", method)
    made, locks = [], []
    raw, lock = multiprocessing.context.BaseContext.RawArray, multiprocessing.context.BaseContext.Lock
    monkeypatch.setattr(multiprocessing.context.BaseContext, "RawArray",
                        lambda self, *a, **k: made.append(a) or raw(self, *a, **k))
    monkeypatch.setattr(multiprocessing.context.BaseContext, "Lock",
                        lambda self, *a, **k: locks.append(a) or lock(self, *a, **k))
    assert list(ordered_map(_double, range(200), state={}, jobs=3)) == [2 * x for x in range(200)]
    assert len(made) == (0 if method == "fork" else 2), made
    assert len(locks) == (0 if method == "fork" else 2), locks  # (no named semaphore either)


def test_the_pipe_lock_is_held_by_one_process_at_a_time():
    """The lock of forked workers (a byte in a pipe): held by one process, waited for by another,
    a timeout when it is not released, and nothing left open after ``close``."""
    import os
    import time

    from framing._parallel import _PipeLock

    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    lock = _PipeLock()
    fds = (lock._read, lock._write)
    assert lock.acquire(timeout=1)
    assert not lock.acquire(timeout=0.05) and not lock.acquire(block=False)
    lock.release()
    with lock:
        pass
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child holds the lock for 0.3 s, then releases it and leaves
        code = 1
        try:
            code = 0 if lock.acquire(timeout=5) else 3
            os.write(ready_w, b"x")
            time.sleep(0.3)
            lock.release()
        finally:
            os._exit(code)
    try:
        assert os.read(ready_r, 1) == b"x"  # (the child holds it now)
        assert not lock.acquire(timeout=0.05)
        t = time.monotonic()
        assert lock.acquire(timeout=5)  # (as soon as the child releases it)
        assert time.monotonic() - t < 4
        lock.release()
    finally:
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
        os.close(ready_r)
        os.close(ready_w)
    lock.close()
    lock.close()  # (twice: nothing more)
    for fd in fds:
        with pytest.raises(OSError):
            os.fstat(fd)


def test_a_worker_that_cannot_be_started_leaves_no_descriptor_open(monkeypatch):
    """Out of processes (fork fails): the worker's pipes and its lock are all closed again, and none
    of them stays listed for later workers to close."""
    import multiprocessing as mp
    import multiprocessing.context
    import os

    from framing._parallel import _MAIN_ENDS, _Worker

    if "fork" not in mp.get_all_start_methods() or not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs fork and /proc/self/fd")

    def no_fork(self):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", no_fork)
    listed = set(_MAIN_ENDS)
    before = sorted(os.listdir("/proc/self/fd"))
    for _ in range(3):
        with pytest.raises(BlockingIOError):
            _Worker(mp.get_context("fork"), {})
    assert sorted(os.listdir("/proc/self/fd")) == before and set(_MAIN_ENDS) == listed


def _pipes_held(state, x):
    """The pipes (their inode numbers) that this process holds open."""
    import os

    held = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if link.startswith("pipe:["):
            held.add(int(link[6:-1]))
    return held


def test_a_later_worker_holds_no_copy_of_an_earlier_workers_lock():
    """A forked worker closes its copies of the other workers' lock pipes, as of their connections
    (their number grew with the square of the workers: helper-43)."""
    import multiprocessing as mp
    import os

    from framing._parallel import _Slot, _Worker

    if "fork" not in mp.get_all_start_methods() or not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs fork and /proc/self/fd")
    ctx = mp.get_context("fork")
    first = _Worker(ctx, {})
    second = _Worker(ctx, {}, [first])
    try:
        lock_pipe = os.fstat(first.lock._read).st_ino
        slots = []
        for w in (first, second):
            slots.append(_Slot())
            w.submit(_pipes_held, None, slots[-1])
            _with_alarm(30, w.receive)
        in_first, in_second = (s.get() for s in slots)
        assert lock_pipe in in_first and lock_pipe not in in_second
    finally:
        second.stop()
        first.stop()


def test_the_chunk_writer_writes_what_pandas_writes_with_the_date_format(tmp_path):
    """CSV chunks are written with pandas' date format only where a column may hold dates (given one,
    pandas calls a Python function on every value of every object column: a third of writing the
    mentions); the bytes are those written with it, for every kind of column. Parquet string columns
    holding only strings and missing values are converted by Arrow in C: the same table as the
    value-by-value path."""
    import datetime as dt

    import numpy as np

    from framing.outputs import ChunkWriter

    columns = {
        "text": pd.Series(["plain", None, np.nan, 'with "quotes", commas\nand a line', pd.NA], dtype=object),
        "n": pd.Series([1, 2, 3, 4, 5]), "x": pd.Series([0.5, np.nan, -1.0, 1e16, 2.25]),
        "flag": pd.Series([True, False, True, False, True]),
        "nullable": pd.array([1, None, 3, 4, 5], dtype="Int64"),
        "when": pd.to_datetime(["2018-05-03", None, "2018-05-04 12:30", "2019-01-01", "2020-02-02"], format="ISO8601"),
        "as_objects": pd.Series([dt.datetime(2018, 5, 3), None, "text", 7, dt.date(2019, 1, 2)], dtype=object),
        "cats": pd.Categorical(pd.to_datetime(["2018-05-03", "2018-05-03", None, "2019-01-01", "2018-05-03"])),
        "str": pd.array(["a", None, "c", "d", "e"], dtype="str"),
    }
    pieces = [["text", "n", "x", "flag", "nullable", "str"], ["text", "when"], ["as_objects"], ["cats", "text"],
              list(columns)]
    for k, names in enumerate(pieces):
        df = pd.DataFrame({c: columns[c] for c in names})
        with ChunkWriter(tmp_path / f"t{k}.csv") as w:
            w.write(df.iloc[:2])
            w.write(df.iloc[2:])
        expected = df.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S")
        assert (tmp_path / f"t{k}.csv").read_text() == expected, names

    df = pd.DataFrame({"text": columns["text"], "n": columns["n"],
                       "mixed": pd.Series(["a", 3, None, 2.5, "b"], dtype=object)})
    with ChunkWriter(tmp_path / "t.parquet", "parquet") as w:
        w.write(df)
    import pyarrow.parquet as pq

    back = pq.read_table(tmp_path / "t.parquet")
    assert str(back.schema.field("text").type) == "string"
    assert back.column("text").to_pylist() == ["plain", None, None, 'with "quotes", commas\nand a line', None]
    assert back.column("mixed").to_pylist() == ["a", "3", None, "2.5", "b"]

    # NaNs that infer_dtype skips as missing but Arrow does not take: value by value, as before;
    # labels that are dates, and a label twice, with the date format as before (helper-45)
    odd = pd.DataFrame({"note": pd.Series(["kept", np.float32("nan"), complex("nan")], dtype=object)})
    with ChunkWriter(tmp_path / "odd.parquet", "parquet") as w:
        w.write(odd)
    assert pq.read_table(tmp_path / "odd.parquet").column("note").to_pylist() == ["kept", "nan", "(nan+0j)"]
    # dates in their own unit: microseconds holding the year 2500 could not be cast to nanoseconds
    far = pd.DataFrame({"when": pd.to_datetime(["2500-01-01", "2018-05-03"]).as_unit("us")})
    with ChunkWriter(tmp_path / "far.parquet", "parquet") as w:
        w.write(far)
    assert pd.read_parquet(tmp_path / "far.parquet")["when"].tolist() == far["when"].tolist()
    for k, df in enumerate([pd.DataFrame([[3, 4]], columns=pd.date_range("2024-03-01", periods=2)),
                            pd.DataFrame([["a", "b"]], columns=["x", "x"])]):
        with ChunkWriter(tmp_path / f"labels{k}.csv") as w:
            w.write(df)
        assert (tmp_path / f"labels{k}.csv").read_text() == df.to_csv(
            index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S")
