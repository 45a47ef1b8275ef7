"""The FAISS index derived from the store's embeddings, kept up to date by changes, persisted atomically.

The index records ``seq``, the last entry of the store's ``vector_changes`` log it reflects; it
catches up with newer writes by removing and re-adding only the chunks they touched. The file
holds one JSON header line (that ``seq``, the dimension) followed by the serialised FAISS index,
replaced atomically (``qa.atomic_files``): a crash leaves either the old or the new file, never a
torn one. SQLite stays the source of truth: a missing or unreadable file
is rebuilt from it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterable

import faiss
import numpy as np

from qa.atomic_files import write_atomically

log = logging.getLogger(__name__)


# Past this many chunks an exact search costs more than ~35 ms a question on two cores (15 ms at
# 100k, 142 ms at 1M: bench/ann_recall.py), so "auto" builds an inverted-file index instead.
IVF_AFTER = 250_000
KINDS = ("auto", "flat", "ivf")


def choose_kind(setting: str, chunks: int) -> str:
    """"flat" (exact) or "ivf" (approximate) for an index of ``chunks`` under ``setting``."""
    if setting not in KINDS:
        raise ValueError(f"unknown vector index kind {setting!r}; known: {', '.join(KINDS)}")
    if setting == "auto":
        return "ivf" if chunks >= IVF_AFTER else "flat"
    return setting


def _ivf(dim: int, matrix: np.ndarray) -> faiss.Index:
    """An inverted-file index trained on ``matrix``: ~4·√n lists, a quarter of them probed per
    query (recall@10 0.98 against exact search at 1M vectors, 19 ms; bench/ann_recall.py)."""
    n = matrix.shape[0]
    nlist = max(1, min(int(4 * n ** 0.5), n // 39))  # FAISS wants ≥ 39 training points per list
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = matrix[np.random.default_rng(0).choice(n, size=min(n, 64 * nlist), replace=False)]
    index.train(sample)
    index.nprobe = max(1, nlist // 4)
    return index


def _matrix(dim: int, rows: Iterable[tuple[int, bytes]]) -> tuple[np.ndarray, np.ndarray]:
    """The rows' ids and L2-normalised float32 vectors (rows of another dimension are skipped)."""
    ids, vectors = [], []
    for rowid, blob in rows:
        vector = np.frombuffer(blob, dtype=np.float64)
        if vector.shape[0] == dim:
            ids.append(rowid)
            vectors.append(vector.astype(np.float32))
    matrix = np.vstack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32)
    faiss.normalize_L2(matrix)
    return np.asarray(ids, dtype=np.int64), matrix


class VectorIndex:
    """Cosine similarity over L2-normalised vectors, keyed by the documents' SQLite rowids: exact
    (``flat``) or, for large stores, approximate (``ivf``); both add and remove by id."""

    def __init__(self, dim: int, seq: int, index: faiss.Index | None = None):
        self.dim = dim
        self.seq = seq
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(self.index, faiss.IndexIVF) else "flat"

    def ids(self) -> set[int]:
        """The rowids the index holds (what ``qa check`` compares with the store)."""
        if self.kind == "ivf":
            lists = faiss.extract_index_ivf(self.index).invlists
            return {int(i) for n in range(lists.nlist) if lists.list_size(n)
                    for i in faiss.rev_swig_ptr(lists.get_ids(n), lists.list_size(n))}
        return set(faiss.vector_to_array(self.index.id_map).tolist())

    @classmethod
    def build(cls, dim: int, seq: int, rows: Iterable[tuple[int, bytes]], kind: str = "flat") -> "VectorIndex":
        ids, matrix = _matrix(dim, rows)
        index = _ivf(dim, matrix) if kind == "ivf" and len(ids) >= 39 else None
        built = cls(dim, seq, index)
        if len(ids):
            built.index.add_with_ids(matrix, ids)
        return built

    def apply(self, seq: int, changed_rowids: list[int], rows: Iterable[tuple[int, bytes]]) -> None:
        """Catch up to ``seq``: drop every changed chunk, then add back those that still have an
        embedding (``rows``: their current rowid and embedding)."""
        if changed_rowids:
            self.index.remove_ids(np.asarray(changed_rowids, dtype=np.int64))
        self._add(rows)
        self.seq = seq

    def _add(self, rows: Iterable[tuple[int, bytes]]) -> None:
        ids, matrix = _matrix(self.dim, rows)
        if len(ids):
            self.index.add_with_ids(matrix, ids)

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: list[float], top_k: int) -> list[tuple[int, float]]:
        if self.index.ntotal == 0 or top_k <= 0:
            return []
        q = np.asarray([query], dtype=np.float32)
        if q.shape[1] != self.dim:
            raise ValueError(f"Query embedding has dimension {q.shape[1]}, the index has {self.dim}.")
        faiss.normalize_L2(q)
        scores, ids = self.index.search(q, min(top_k, self.index.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i != -1]

    def to_parts(self) -> tuple[bytes, np.ndarray]:
        """The file's header line and the serialised index (a snapshot: written out later)."""
        header = json.dumps({"seq": self.seq, "dim": self.dim}).encode() + b"\n"
        return header, faiss.serialize_index(self.index)

    def save(self, path: Path) -> None:
        write_atomically(path, *self.to_parts())

    @staticmethod
    def saved_seq(path: Path) -> int | None:
        """The change a saved file reflects, read from its header alone (None: no usable file)."""
        try:
            with open(path, "rb") as f:
                return int(json.loads(f.readline())["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def load(cls, path: Path) -> "VectorIndex | None":
        """The persisted index, or None when the file is missing or unreadable."""
        try:
            raw = path.read_bytes()
            header_end = raw.index(b"\n")
            header = json.loads(raw[:header_end])
            if "seq" not in header:  # written before the change log existed: rebuilt once
                log.info("vector index %s has the older format; rebuilding it from the store", path)
                return None
            index = faiss.deserialize_index(np.frombuffer(raw[header_end + 1 :], dtype=np.uint8))
            return cls(int(header["dim"]), int(header["seq"]), index)
        except FileNotFoundError:
            return None
        except Exception as exc:  # a damaged or older-format derived file is rebuilt, never fatal
            log.warning("ignoring unreadable vector index %s: %s", path, exc)
            return None
