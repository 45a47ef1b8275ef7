"""The derived FAISS file under concurrent saves (several server workers refresh it at once)."""

import threading

import numpy as np

from qa.store.vectors import VectorIndex


def _index(seq: int) -> VectorIndex:
    rng = np.random.default_rng(seq)
    rows = [(i + 1, rng.random(8).astype(np.float64).tobytes()) for i in range(50)]
    return VectorIndex.build(8, seq, rows)


def test_concurrent_saves_never_fail_and_leave_a_loadable_file(tmp_path):
    path = tmp_path / "vectors.faiss"
    errors = []

    def saver(seq: int):
        vectors = _index(seq)
        for _ in range(15):
            try:
                vectors.save(path)
            except Exception as exc:  # noqa: BLE001 - the test reports any failure
                errors.append(exc)

    threads = [threading.Thread(target=saver, args=(g,)) for g in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    loaded = VectorIndex.load(path)
    assert loaded is not None and loaded.seq in {1, 2, 3, 4} and loaded.index.ntotal == 50
    assert VectorIndex.saved_seq(path) == loaded.seq
    assert list(tmp_path.glob("*.tmp")) == []
