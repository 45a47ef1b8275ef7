"""A full disk: the write fails with a clear error (CLI: one line, exit 1; API: JSON 507) and the
index stays as it was, sound and answerable. "Full" is a file-size limit (RLIMIT_FSIZE) on the
process doing the write, which fails its writes with EFBIG the way a full disk fails them with
ENOSPC; no root, mount or real full disk is needed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT, run_qa
from tests.live import file_size_limiter, kill_server, request_json, start_server

LIMIT = 2 * 2**20  # bytes: above every file the index and server start with, below what a big document needs


def _big_text(words: int) -> str:
    """Text that needs several megabytes in the store (its text, its chunks, their vectors) but
    few chunks to embed: long made-up words, so each chunk reaches the chunker's character cap."""
    return " ".join(f"Entry{i:06d}-" + "q" * 24 + ("." if i % 20 == 19 else "") for i in range(words))


def _snapshot(index_dir):
    from qa.pipeline import open_store

    store = open_store(index_dir)
    try:
        return {(s.id, s.name, s.content_hash, s.chunks) for s in store.list_sources()}, store.count_documents()
    finally:
        store.close()


def _check_sound(index_dir):
    result = run_qa("check", "--index", str(index_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sound" in result.stdout


@pytest.fixture
def index_copy(sample_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    assert max(p.stat().st_size for p in index.iterdir()) < LIMIT // 4
    return index


def test_qa_index_on_a_full_disk_fails_cleanly_and_keeps_the_index(index_copy, tmp_path):
    before = _snapshot(index_copy)
    big = tmp_path / "big.txt"
    big.write_text(_big_text(20_000))  # ~0.7 MB of text: ~250 chunks, several MB stored
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "index", str(big), "--index", str(index_copy), "--no-progress"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, preexec_fn=file_size_limiter(LIMIT),
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "is the disk full?" in result.stderr and "intact" in result.stderr
    assert _snapshot(index_copy) == before
    _check_sound(index_copy)

    # With room again, the same command indexes it.
    retry = run_qa("index", str(big), "--index", str(index_copy), "--no-progress")
    assert retry.returncode == 0, retry.stderr
    assert _snapshot(index_copy)[0] > before[0]


def test_an_upload_to_a_full_disk_is_a_507_and_the_server_goes_on(index_copy, tmp_path):
    before = _snapshot(index_copy)
    env = {"QA_SESSIONS_DB": str(tmp_path / "sessions.sqlite3"), "QA_ASK_RATE_LIMIT": ""}
    proc, url = start_server(index_copy, env=env, log_path=tmp_path / "server.log", file_size_limit=LIMIT)
    try:
        status, body = request_json(url, "POST", "/api/documents", {"name": "big.txt", "text": _big_text(20_000)}, timeout=120)
        assert status == 507, body
        assert body["error"]["code"] == "insufficient_storage"
        assert "disk is full" in body["error"]["message"]
        assert str(index_copy) not in body["error"]["message"]  # server paths stay in its log

        status, body = request_json(url, "POST", "/api/documents",
                                    {"name": "small.txt", "text": "The lighthouse keeper is called Orla Fenn."})
        assert status == 201, body  # a write that fits still works
        status, answer = request_json(url, "POST", "/api/ask", {"question": "Who is the lighthouse keeper?"})
        assert status == 200 and "Orla Fenn" in answer["answers"][0]["answer"]
    finally:
        kill_server(proc)
    assert "is the disk full?" in (tmp_path / "server.log").read_text()
    sources, _ = _snapshot(index_copy)
    assert before[0] < sources and len(sources) == len(before[0]) + 1
    _check_sound(index_copy)
