"""``kill -9`` during ``qa index``: the index still opens and keeps every file it reported.

Each round starts a real ``qa index`` subprocess on a folder of small files, kills it with
SIGKILL at a different moment (after the k-th reported file, or at a random time), then checks
the store. Bounded: a fixed number of rounds, each with timeouts.
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import PROJECT_ROOT
from tests.live import lines_of

N_FILES = 24
REPORTED = re.compile(r"^indexed (\S+) \((\d+) chunks, id (\w+)\)")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash-corpus")
    rng = random.Random(7)
    words = "river bridge tower council harbour festival winter market station museum".split()
    for i in range(N_FILES):
        sentences = [f"File {i} says the {rng.choice(words)} opened in {1800 + rng.randrange(200)}."
                     for _ in range(rng.randrange(5, 60))]
        (folder / f"doc{i:02d}.txt").write_text(" ".join(sentences))
    return folder


def _index_and_kill(corpus, index_dir, kill_after_reports: int, extra_delay: float):
    """Start ``qa index``; SIGKILL it ``extra_delay`` seconds after its k-th reported file
    (0: at once; otherwise usually in the middle of writing the next file). Returns the reported
    files and whether the kill came before the indexer finished on its own."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "index", str(corpus), "--index", str(index_dir), "--no-progress"],
        cwd=PROJECT_ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    lines = lines_of(proc.stderr)
    reported = {}
    deadline = time.monotonic() + 180
    timer = None
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail("qa index neither finished nor printed anything in time")
            if line is None:
                break
            match = REPORTED.match(line)
            if match:
                reported[match.group(3)] = (match.group(1), int(match.group(2)))
                if len(reported) == kill_after_reports:
                    timer = threading.Timer(extra_delay, lambda: proc.poll() is None and os.kill(proc.pid, signal.SIGKILL))
                    timer.start()
        proc.wait(timeout=60)
    finally:
        if timer:
            timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)
    if proc.returncode != -signal.SIGKILL:
        assert proc.returncode == 0 and len(reported) == N_FILES  # it finished first, and completely
    return reported, proc.returncode == -signal.SIGKILL


def _check_store(index_dir, reported):
    from qa.pipeline import open_store

    store = open_store(index_dir)  # opens after the crash
    for source_id, (path, chunks) in reported.items():
        source = store.get_source(source_id)
        assert source is not None, f"{path} was reported indexed but is missing"
        assert source.chunks == chunks
        with open(path, encoding="utf-8") as f:
            assert source.text == f.read().strip()
    # No orphans and no half-written sources: chunk counts add up, every vector is usable.
    sources = store.list_sources()
    assert store.count_documents() == sum(s.chunks for s in sources)
    assert all(s.chunks > 0 for s in sources)
    assert len(store.vector_index()) == store.count_documents()
    return store


@pytest.mark.parametrize("kill_after_reports,extra_delay", [(1, 0.0), (4, 0.05), (8, 0.2), (12, 0.35)])
def test_kill_9_during_indexing_loses_nothing_reported(corpus, tmp_path, kill_after_reports, extra_delay):
    """On a machine fast enough to finish before the kill, the round is retried with a shorter
    delay (the last try kills at the k-th report itself), so every round really kills."""
    for attempt in range(4):
        index_dir = tmp_path / f"index{attempt}"
        reported, killed = _index_and_kill(corpus, index_dir, kill_after_reports,
                                           extra_delay / 2**attempt if attempt < 3 else 0.0)
        _check_store(index_dir, reported)
        if killed:
            break
    assert killed, "qa index finished before every kill"
    assert len(reported) >= kill_after_reports

    # Running again completes the job: reported files are unchanged, the rest gets indexed.
    rerun = subprocess.run(
        [sys.executable, "-m", "qa.cli", "index", str(corpus), "--index", str(index_dir), "--no-progress"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert rerun.returncode == 0, rerun.stderr
    for source_id, (path, _) in reported.items():
        assert f"unchanged {path}" in rerun.stderr
    store = _check_store(index_dir, {})
    assert store.count_sources() == N_FILES
