"""The approximate (IVF) vector index: chosen by size, updated by id, saved and loaded like the flat one."""

import numpy as np
import pytest
from haystack import Document

from qa.store import SQLiteDocumentStore
from qa.store import vectors as vectors_module
from qa.store.vectors import VectorIndex, choose_kind


def _rows(n: int, dim: int = 16, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, dim))  # clustered, as real embeddings are
    points = centres[rng.integers(0, 20, n)] + 0.3 * rng.normal(size=(n, dim))
    return [(i + 1, p.astype(np.float64).tobytes()) for i, p in enumerate(points)], points


def test_auto_is_exact_until_the_line_and_approximate_past_it():
    assert choose_kind("auto", vectors_module.IVF_AFTER - 1) == "flat"
    assert choose_kind("auto", vectors_module.IVF_AFTER) == "ivf"
    assert choose_kind("flat", 10**7) == "flat" and choose_kind("ivf", 10) == "ivf"
    with pytest.raises(ValueError, match="unknown vector index kind"):
        choose_kind("hnsw", 10)


def test_ivf_finds_what_exact_search_finds_and_follows_adds_and_removes(tmp_path):
    rows, points = _rows(4000)
    ivf = VectorIndex.build(16, 1, rows, kind="ivf")
    flat = VectorIndex.build(16, 1, rows)
    assert ivf.kind == "ivf" and flat.kind == "flat" and len(ivf) == 4000
    assert ivf.ids() == flat.ids() == set(range(1, 4001))
    queries = points[:50] + 0.05
    recall = np.mean([len({i for i, _ in ivf.search(q.tolist(), 10)} & {i for i, _ in flat.search(q.tolist(), 10)}) / 10
                      for q in queries])
    assert recall >= 0.9
    assert ivf.search(points[7].tolist(), 1)[0][0] == 8  # a stored vector finds itself

    # a changed chunk is dropped and re-added by id; a deleted one is gone
    moved = (points[0] * -1).astype(np.float64).tobytes()
    ivf.apply(2, [1, 2], [(1, moved)])
    assert len(ivf) == 3999 and ivf.seq == 2 and ivf.ids() == set(range(1, 4001)) - {2}
    assert all(i != 2 for i, _ in ivf.search(points[1].tolist(), 20))
    assert ivf.search((points[0] * -1).tolist(), 1)[0][0] == 1

    ivf.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")
    assert loaded.kind == "ivf" and len(loaded) == 3999 and loaded.index.nprobe == ivf.index.nprobe
    assert loaded.search(points[7].tolist(), 1) == ivf.search(points[7].tolist(), 1)


def test_too_few_vectors_to_train_stay_exact():
    rows, _ = _rows(20)
    assert VectorIndex.build(16, 1, rows, kind="ivf").kind == "flat"


def test_a_store_switches_kind_when_it_grows_past_the_line(tmp_path, monkeypatch):
    monkeypatch.setattr(vectors_module, "IVF_AFTER", 100)
    store = SQLiteDocumentStore(str(tmp_path), embedding_dim=16)
    _, points = _rows(160)
    store.write_documents([Document(id=f"d{i}", content=f"chunk {i}", embedding=p.tolist())
                           for i, p in enumerate(points[:60])])
    assert store.persist_vectors(force=True).kind == "flat"
    store.write_documents([Document(id=f"d{i}", content=f"chunk {i}", embedding=p.tolist())
                           for i, p in enumerate(points[60:], start=60)])
    assert store.vector_index().kind == "flat"  # a write only catches up; it never rebuilds
    assert store.persist_vectors(force=True).kind == "ivf"
    reopened = SQLiteDocumentStore(str(tmp_path), embedding_dim=16)
    assert reopened.vector_index().kind == "ivf" and len(reopened.vector_index()) == 160
    top = reopened.embedding_retrieval(query_embedding=points[100].tolist(), top_k=1)
    assert top[0].id == "d100"
    assert SQLiteDocumentStore.from_dict(reopened.to_dict()).vector_index_kind == "auto"
    with pytest.raises(ValueError, match="unknown vector index kind"):
        SQLiteDocumentStore(str(tmp_path), vector_index="hnsw")
