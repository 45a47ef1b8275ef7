"""`qa check`: a sound index passes; a chunk that no longer matches its source, a missing vector or
a stale FAISS file are found (the last one repaired)."""

from __future__ import annotations

import json
import shutil
import sqlite3

from tests.conftest import run_qa


def _copy(sample_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    return index


def test_a_sound_index_passes(sample_index, tmp_path):
    index = _copy(sample_index, tmp_path)
    result = run_qa("check", "--index", str(index), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sound"] and report["sources"] == 1 and report["chunks"] >= 1 and report["problems"] == []


def test_a_chunk_that_no_longer_matches_its_source_and_a_missing_vector_are_found(sample_index, tmp_path):
    index = _copy(sample_index, tmp_path)
    with sqlite3.connect(index / "store.sqlite3") as db:
        first, second = [r[0] for r in db.execute("SELECT id FROM documents ORDER BY rowid LIMIT 2")]
        db.execute("UPDATE documents SET content = 'tampered' || content WHERE id = ?", (first,))
        db.execute("UPDATE documents SET embedding = NULL WHERE id = ?", (second,))
    result = run_qa("check", "--index", str(index))
    assert result.returncode == 1 and "NOT sound" in result.stdout
    assert f"chunk {first} is not its source's text" in result.stdout
    assert f"chunk {second} has no embedding" in result.stdout


def test_a_stale_faiss_file_is_rebuilt(sample_index, tmp_path):
    from qa.pipeline import open_store
    from qa.store.vectors import VectorIndex

    index = _copy(sample_index, tmp_path)
    saved = VectorIndex.load(index / "vectors.faiss")
    saved.index.remove_ids(__import__("numpy").asarray([1], dtype="int64"))  # a chunk lost from the file
    saved.save(index / "vectors.faiss")
    result = run_qa("check", "--index", str(index))
    assert result.returncode == 0 and "repaired: the FAISS index did not match" in result.stdout
    assert len(open_store(index).vector_index()) == open_store(index).count_documents()
    assert "repaired" not in run_qa("check", "--index", str(index)).stdout


def test_a_missing_index_is_a_clean_error(tmp_path):
    result = run_qa("check", "--index", str(tmp_path / "none"))
    assert result.returncode == 1 and "no index in" in result.stderr and "Traceback" not in result.stderr
