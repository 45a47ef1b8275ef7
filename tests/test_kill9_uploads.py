"""``kill -9`` of the server at random moments during a stream of uploads: every document the API
acknowledged (201) is there after each restart, intact and searchable, and the index checks sound.

Bounded: at most ``KILLS`` kills and ``TIME_BUDGET_S`` seconds (at least ``MIN_KILLS`` must fit),
one worker, loopback only; every server is stopped at the end.
"""

from __future__ import annotations

import http.client
import random
import signal
import threading
import time

import pytest

from tests.conftest import run_qa
from tests.live import kill_server, request_json, start_server

KILLS = 50
MIN_KILLS = 50
TIME_BUDGET_S = 720  # ~6 s a round here (a server start is most of it): 50 rounds took 314 s




def _upload_stream(url: str, round_no: int, acknowledged: dict, stop: threading.Event) -> None:
    """Upload documents one after another until the server dies; record each 201."""
    n = 0
    while not stop.is_set():
        name = f"r{round_no:03d}-d{n:03d}.txt"
        text = f"Record {round_no}-{n}. The keeper of tower {round_no}x{n} is called Vell{round_no}q{n}."
        try:
            status, body = request_json(url, "POST", "/api/documents", {"name": name, "text": text}, timeout=10)
        except (OSError, http.client.HTTPException, ValueError):
            return  # the server is gone: what it did not acknowledge may or may not be there
        if status == 201:
            acknowledged[body["id"]] = (name, text)
        n += 1


@pytest.mark.timeout(TIME_BUDGET_S + 180)
def test_acknowledged_uploads_survive_kill_9(sample_index, tmp_path):
    import shutil

    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    rng = random.Random(11)
    acknowledged: dict[str, tuple[str, str]] = {}
    env = {"QA_ASK_RATE_LIMIT": "", "QA_SESSIONS_DB": str(tmp_path / "s.sqlite3")}
    started, kills = time.monotonic(), 0
    while kills < KILLS and time.monotonic() - started < TIME_BUDGET_S:
        proc, url = start_server(index, workers=1, env=env, log_path=tmp_path / "server.log")
        try:
            # after each restart: everything acknowledged so far is there, byte for byte
            for doc_id, (name, text) in acknowledged.items():
                status, doc = request_json(url, "GET", f"/api/documents/{doc_id}")
                assert status == 200, f"acknowledged {name} lost after {kills} kills"
                assert doc["text"].strip() == text
            stop = threading.Event()
            uploader = threading.Thread(target=_upload_stream, args=(url, kills, acknowledged, stop))
            uploader.start()
            time.sleep(rng.uniform(0.05, 1.2))
        finally:
            kill_server(proc, signal.SIGKILL)
        stop.set()
        uploader.join(timeout=30)
        kills += 1
    assert kills >= MIN_KILLS, f"only {kills} kills fitted in {TIME_BUDGET_S} s"
    assert len(acknowledged) > kills  # uploads were really acknowledged between the kills
    print(f"{kills} kills in {time.monotonic() - started:.0f} s; {len(acknowledged)} acknowledged uploads, all kept")

    check = run_qa("check", "--index", str(index))
    assert check.returncode == 0, check.stdout + check.stderr  # chunks = sources, vectors complete
    from qa.pipeline import open_store

    store = open_store(index)
    for doc_id, (name, text) in acknowledged.items():  # each one findable by its own unique word
        keeper = text.split("called ")[1].rstrip(".")
        found = store.bm25_retrieval(keeper, top_k=1)
        assert found and found[0].meta["source_id"] == doc_id, name
