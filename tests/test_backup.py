"""`qa backup`: a consistent copy while the index is being written; the copy answers the same."""

from __future__ import annotations

import shutil
import threading

from tests.conftest import DEMO_QUESTION, run_qa


def test_a_backup_taken_during_writes_is_sound_and_answers_the_same(sample_index, tmp_path):
    from qa.ingest.indexer import Indexer
    from qa.pipeline import QAService, open_store

    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    store = open_store(index)
    indexer = Indexer(store)
    stop = threading.Event()

    def keep_writing():
        n = 0
        while not stop.is_set() and n < 40:
            indexer.add_bytes(f"note-{n}.txt", f"Note {n}: the Orvik bridge opened in {1900 + n}.".encode())
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = run_qa("backup", str(tmp_path / "copy"), "--index", str(index))
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    check = run_qa("check", "--index", str(tmp_path / "copy"))
    assert check.returncode == 0 and "sound" in check.stdout, check.stdout
    copy = QAService(tmp_path / "copy")
    copy.warm_up()
    original = QAService(index, store=store)
    original.warm_up()
    ours = copy.ask(DEMO_QUESTION)["answers"][0]
    theirs = original.ask(DEMO_QUESTION)["answers"][0]
    assert (ours["answer"], ours["start"], ours["end"]) == (theirs["answer"], theirs["start"], theirs["end"])


def test_backup_refuses_an_existing_index_and_a_missing_one(sample_index, tmp_path):
    occupied = run_qa("backup", str(sample_index), "--index", str(sample_index))
    assert occupied.returncode == 1 and "already holds an index" in occupied.stderr
    missing = run_qa("backup", str(tmp_path / "x"), "--index", str(tmp_path / "none"))
    assert missing.returncode == 1 and "no index in" in missing.stderr and "Traceback" not in missing.stderr
