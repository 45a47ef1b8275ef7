"""Several processes on one index: each keeps its FAISS index current by applying the logged
vector changes of the others' writes, never by rebuilding, and the result always equals a fresh
build from SQLite."""

import numpy as np
import pytest
from haystack import Document
from haystack.document_stores.types import DuplicatePolicy

from qa.store import document_store as store_module
from qa.store.document_store import VECTORS_FILE, SQLiteDocumentStore
from qa.store.vectors import VectorIndex

DIM = 8


def _docs(ids, seed=0):
    rng = np.random.default_rng(seed)
    return [Document(id=i, content=f"chunk {i}", embedding=rng.normal(size=DIM).tolist()) for i in ids]


def _open(folder):
    return SQLiteDocumentStore(str(folder), "test-model", DIM)


def _rebuilt(folder) -> dict[int, np.ndarray]:
    """What a new process would build from SQLite alone: rowid -> stored vector."""
    fresh = _open(folder)
    rows = fresh._conn().execute("SELECT rowid, embedding FROM documents WHERE embedding IS NOT NULL").fetchall()
    return {r: np.frombuffer(e, dtype=np.float64).astype(np.float32) for r, e in rows}


def _held(vectors: VectorIndex) -> dict[int, np.ndarray]:
    index = vectors.index
    ids = [int(index.id_map.at(i)) for i in range(index.ntotal)]
    return {i: index.reconstruct(i) for i in ids}


def _same(vectors: VectorIndex, expected: dict[int, np.ndarray]):
    held = _held(vectors)
    assert held.keys() == expected.keys()
    for rowid, vector in expected.items():
        np.testing.assert_allclose(held[rowid], vector / np.linalg.norm(vector), rtol=1e-5, atol=1e-6)


@pytest.fixture
def no_rebuilds(monkeypatch):
    """Fail the test if anything builds a whole index from the store."""
    def refuse(*args, **kwargs):
        raise AssertionError("the vector index was rebuilt")

    return lambda: monkeypatch.setattr(VectorIndex, "build", refuse)


def test_a_worker_applies_another_workers_writes_without_rebuilding(tmp_path, no_rebuilds):
    writer, reader = _open(tmp_path), _open(tmp_path)
    writer.write_documents(_docs(["a", "b", "c"]))
    assert len(reader.vector_index()) == 3  # the first load builds once
    no_rebuilds()

    writer.write_documents(_docs(["d", "e"], seed=1))
    writer.delete_documents(["b"])
    writer.write_documents(_docs(["a"], seed=2), policy=DuplicatePolicy.OVERWRITE)  # a new vector for "a"
    writer.write_documents([Document(id="f", content="no embedding")])
    _same(reader.vector_index(), _rebuilt(tmp_path))

    query = np.asarray(_docs(["d"], seed=1)[0].embedding)
    assert reader.embedding_retrieval(query.tolist(), top_k=1)[0].id == "d"


def test_a_new_process_loads_the_file_and_applies_only_what_it_lacks(tmp_path, monkeypatch, no_rebuilds):
    writer = _open(tmp_path)
    writer.write_documents(_docs([f"d{i}" for i in range(20)]))
    writer.persist_vectors(force=True)
    saved = VectorIndex.saved_seq(tmp_path / VECTORS_FILE)

    writer.delete_documents(["d3"])
    writer.write_documents(_docs(["late"], seed=5))
    writer.persist_vectors()  # 2 changes behind: not worth rewriting the file
    assert VectorIndex.saved_seq(tmp_path / VECTORS_FILE) == saved

    no_rebuilds()
    newcomer = _open(tmp_path)
    _same(newcomer.vector_index(), _rebuilt(tmp_path))

    monkeypatch.setattr(store_module, "PERSIST_AFTER_CHANGES", 2)
    writer.persist_vectors()
    assert VectorIndex.saved_seq(tmp_path / VECTORS_FILE) == newcomer.vector_index().seq > saved


def test_a_worker_behind_the_trimmed_log_reloads_the_file_instead_of_rebuilding(tmp_path, monkeypatch, no_rebuilds):
    monkeypatch.setattr(store_module, "KEEP_CHANGES", 1)
    writer, behind = _open(tmp_path), _open(tmp_path)
    writer.write_documents(_docs(["a", "b"]))
    behind.vector_index()
    writer.write_documents(_docs(["c", "d", "e"], seed=3))
    writer.persist_vectors(force=True)  # trims the log to its last entry
    assert writer._conn().execute("SELECT count(*) FROM vector_changes").fetchone()[0] == 1
    no_rebuilds()
    _same(behind.vector_index(), _rebuilt(tmp_path))


def test_a_damaged_file_is_rebuilt_from_the_store(tmp_path):
    writer = _open(tmp_path)
    writer.write_documents(_docs(["a", "b"]))
    writer.persist_vectors(force=True)
    (tmp_path / VECTORS_FILE).write_bytes(b'{"seq": 99')
    _same(_open(tmp_path).vector_index(), _rebuilt(tmp_path))


def test_an_older_snapshot_never_replaces_a_newer_file(tmp_path, monkeypatch):
    """Two workers saving at once: the one whose snapshot is older must not win."""
    writer, slow = _open(tmp_path), _open(tmp_path)
    writer.write_documents(_docs(["a"]))
    older = VectorIndex.build(DIM, writer.vector_index().seq, [])  # slow's snapshot, taken before "b"
    writer.write_documents(_docs(["b"], seed=1))
    writer.persist_vectors(force=True)
    newest = VectorIndex.saved_seq(tmp_path / VECTORS_FILE)
    monkeypatch.setattr(slow, "_current_vectors", lambda: older)
    slow.persist_vectors(force=True)
    assert older.seq < newest == VectorIndex.saved_seq(tmp_path / VECTORS_FILE)
    assert len(VectorIndex.load(tmp_path / VECTORS_FILE)) == 2
