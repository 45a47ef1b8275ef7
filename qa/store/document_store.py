"""A durable Haystack DocumentStore on SQLite (WAL), with FTS5 BM25 and a derived FAISS index.

SQLite is the single source of truth for sources (the user's files and their stored text),
chunks (Haystack ``Document``s), metadata and embeddings. Every write is one transaction, so an
acknowledged write survives a ``kill -9``. The FAISS index is derived: each process keeps one in
memory and brings it up to date by applying the store's logged vector changes since the last one
it holds (see ``qa.store.vectors``), so a write costs every worker only the chunks it touched. The
file on disk spares a new process the full build; it is rewritten after ``PERSIST_AFTER_CHANGES``
changes (or on ``persist_vectors(force=True)``), since the log covers whatever it lacks. The index
is exact (flat) or, past ``qa.store.vectors.IVF_AFTER`` chunks under ``vector_index="auto"``,
approximate (IVF); a forced persist (the end of ``qa index``) rebuilds it as the other kind when the
store has grown past the line, so a server worker's write never pays for that.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
from haystack import Document, default_from_dict, default_to_dict
from haystack.document_stores.errors import DuplicateDocumentError
from haystack.document_stores.types import DuplicatePolicy
from haystack.utils.filters import document_matches_filter

from qa import durable_sqlite
from qa.atomic_files import write_atomically
from qa.store.schema import SCHEMA
from qa.store.sql_filters import prefilter
from qa.store.vectors import VectorIndex, choose_kind

log = logging.getLogger(__name__)

DB_FILE = "store.sqlite3"
VECTORS_FILE = "vectors.faiss"
PERSIST_AFTER_CHANGES = 5_000  # logged vector changes a process applies at start before the file is rewritten
KEEP_CHANGES = 200_000  # log entries kept behind the saved file, for processes that are that far behind
MAX_LIST_OFFSET = 10**9  # past any real list; SQLite's integers (and OFFSET) stop at 2**63
_IN_CLAUSE = 500  # rowids per "IN (...)" query


class EmbeddingModelMismatch(RuntimeError):
    """The index was built with another embedding model than the one asked for."""


@dataclass
class SourceRecord:
    """One user document: its stored text is what answer offsets point into."""

    id: str
    name: str
    text: str
    content_hash: str
    path: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    created_at: float = 0.0
    updated_at: float = 0.0
    chunks: int = 0

    def as_dict(self, with_text: bool = False) -> dict[str, Any]:
        """The record as the CLI and the API show it (``text`` only when asked: it can be large)."""
        out = {"id": self.id, "name": self.name, "path": self.path, "content_hash": self.content_hash,
               "chunks": self.chunks, "created_at": self.created_at, "updated_at": self.updated_at,
               "meta": self.meta}
        if with_text:
            out["text"] = self.text
        return out


def _validate_filters(filters: dict[str, Any] | None) -> None:
    if filters and "operator" not in filters and "conditions" not in filters:
        raise ValueError("Invalid filter syntax: a filter needs an 'operator' (and 'conditions' or 'field').")


class SQLDocumentStore:
    """The store's logic over a SQL database; subclasses supply the database's own parts (the
    ``_`` hooks under "the database"): SQLite in an index folder (``SQLiteDocumentStore``, the
    default) or a PostgreSQL server shared by replicas (``qa.store.postgres.PostgresDocumentStore``).
    Statements use ``?`` placeholders and SQL both databases run.

    ``embedding_model`` / ``embedding_dim``, when given, are recorded on first use and checked on
    every later open, so an index is never queried with vectors from another model.
    """

    NO_LIMIT: int | None = -1  # what LIMIT takes for "all rows"
    GREATEST = "max"  # the two-argument maximum function

    def __init__(self, embedding_model: str | None, embedding_dim: int | None, vector_index: str,
                 vectors_dir: Path | None):
        choose_kind(vector_index, 0)  # an unknown kind fails here, not at the first search
        self.vector_index_kind = vector_index  # "flat", "ivf", or "auto" (by size: qa.store.vectors.IVF_AFTER)
        self._dir = vectors_dir  # where the FAISS file is kept (None: in memory only)
        self._local = threading.local()
        self._vectors: VectorIndex | None = None
        self._vectors_lock = threading.Lock()
        self._create_schema()
        with self._write(bump=False) as conn:
            self.embedding_model = self._check_setting(conn, "embedding_model", embedding_model)
            dim = self._check_setting(conn, "embedding_dim", None if embedding_dim is None else str(embedding_dim))
            self.embedding_dim = int(dim) if dim is not None else None

    # -- the database (subclasses) -------------------------------------------------------------
    def _connect(self):
        """A new connection in autocommit mode (``execute``/``executemany`` as sqlite3's)."""
        raise NotImplementedError

    def _create_schema(self) -> None:
        raise NotImplementedError

    def _write_transaction(self, conn):
        """A context manager: one write transaction, all or nothing, writers one at a time (so
        the vector change log is in commit order); a refused write raises ``StorageError``."""
        raise NotImplementedError

    def _begin_snapshot(self, conn) -> None:
        raise NotImplementedError

    def _vector_log_head(self, conn) -> int:
        """The last vector change ever committed (even after the log is trimmed)."""
        raise NotImplementedError

    def _keyword_hits(self, conn, words: list[str], limit: int) -> list[tuple[int, float]]:
        """``(rowid, score)`` of the chunks best matching any of ``words``, best (highest) first."""
        raise NotImplementedError

    def _after_delete_all(self, conn) -> None:
        """Compact what deleting every row leaves behind (``delete_all_documents(recreate_index=True)``)."""

    def _prefilter(self, filters):
        return prefilter(filters)

    def _vectors_file(self) -> Path | None:
        """Where this store's FAISS file is kept, or None (in memory only)."""
        return self._dir / VECTORS_FILE if self._dir is not None else None

    @property
    def location(self) -> str:
        """Where the store is, for messages."""
        raise NotImplementedError

    # -- connections -------------------------------------------------------------------------
    def _conn(self):
        """This thread's connection; a new one when it has none or the server dropped it (the
        request that saw it drop fails, the next one works)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or not getattr(conn, "usable", True):
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self, bump: bool = True) -> Iterator[Any]:
        """One write transaction, all or nothing; ``bump`` marks derived data (FAISS) stale."""
        with self._write_transaction(self._conn()) as conn:
            yield conn
            if bump:
                conn.execute("UPDATE settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) "
                             "WHERE key = 'generation'")

    @contextmanager
    def _read(self) -> Iterator[Any]:
        """A consistent snapshot for several SELECTs."""
        conn = self._conn()
        self._begin_snapshot(conn)
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _check_setting(self, conn, key: str, wanted: str | None) -> str | None:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            if wanted is not None:
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (key, wanted))
            return wanted
        if wanted is not None and row[0] != wanted:
            raise EmbeddingModelMismatch(
                f"The index in {self.location} was built with {key.replace('_', ' ')} {row[0]!r}, "
                f"not {wanted!r}. Use the same model, or build a new index in another folder "
                "(--index DIR) and re-index your files."
            )
        return row[0]

    def generation(self) -> int:
        row = self._conn().execute("SELECT value FROM settings WHERE key = 'generation'").fetchone()
        return int(row[0])

    # -- serialisation -----------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SQLDocumentStore":
        return default_from_dict(cls, data)

    # -- rows <-> documents ------------------------------------------------------------------
    @staticmethod
    def _row_values(doc: Document) -> tuple:
        # without the content and the embedding, which have their own columns (and to_dict
        # deep-copies: 384 floats per chunk cost more than the SQL)
        data = replace(doc, content=None, embedding=None).to_dict(flatten=False)
        data.pop("content", None)
        data.pop("embedding", None)
        embedding = None if doc.embedding is None else np.asarray(doc.embedding, dtype=np.float64).tobytes()
        return doc.id, doc.content, json.dumps(data), embedding

    @staticmethod
    def _to_document(content, data, embedding, with_embedding: bool = True) -> Document:
        fields = json.loads(data)
        fields["content"] = content
        if with_embedding and embedding is not None:
            fields["embedding"] = np.frombuffer(embedding, dtype=np.float64).tolist()
        return Document.from_dict(fields)

    def _select(self, conn, where: str = "", params: Iterable = (), with_embedding: bool = True) -> list[Document]:
        rows = conn.execute(f"SELECT content, data, embedding FROM documents {where} ORDER BY rowid", tuple(params))
        return [self._to_document(c, d, e, with_embedding) for c, d, e in rows]

    # -- DocumentStore protocol --------------------------------------------------------------
    def count_documents(self) -> int:
        return self._conn().execute("SELECT count(*) FROM documents").fetchone()[0]

    def filter_documents(self, filters: dict[str, Any] | None = None) -> list[Document]:
        _validate_filters(filters)
        return self._matching(self._conn(), filters)

    def _matching(self, conn, filters: dict[str, Any] | None, with_embedding: bool = True) -> list[Document]:
        """Documents matching ``filters``: narrowed down in SQL, decided by Haystack's own matcher."""
        narrowed = self._prefilter(filters)
        where, params = (f"WHERE {narrowed[0]}", narrowed[1]) if narrowed else ("", [])
        docs = self._select(conn, where, params, with_embedding)
        if filters:
            docs = [d for d in docs if document_matches_filter(filters=filters, document=d)]
        return docs

    def write_documents(self, documents: list[Document], policy: DuplicatePolicy = DuplicatePolicy.NONE) -> int:
        """Write all documents in one transaction. ``DuplicatePolicy.NONE`` means ``FAIL``."""
        if not isinstance(documents, list) or any(not isinstance(d, Document) for d in documents):
            raise ValueError("Please provide a list of Documents.")
        with self._write() as conn:
            return self._insert(conn, documents, policy, source_id=None)

    def _insert(self, conn, documents: list[Document], policy: DuplicatePolicy, source_id: str | None) -> int:
        if policy == DuplicatePolicy.NONE:
            policy = DuplicatePolicy.FAIL
        written = 0
        for doc in documents:
            self._check_dim(doc)
            exists = conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone()
            if exists:
                if policy == DuplicatePolicy.FAIL:
                    raise DuplicateDocumentError(f"ID '{doc.id}' already exists.")
                if policy == DuplicatePolicy.SKIP:
                    continue
                conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
            conn.execute(
                "INSERT INTO documents (id, content, data, embedding, source_id) VALUES (?, ?, ?, ?, ?)",
                (*self._row_values(doc), source_id),
            )
            written += 1
        return written

    def _check_dim(self, doc: Document) -> None:
        if self.embedding_dim is not None and doc.embedding is not None and len(doc.embedding) != self.embedding_dim:
            raise ValueError(
                f"Document {doc.id} has an embedding of dimension {len(doc.embedding)}; "
                f"this index holds {self.embedding_dim}-dimensional embeddings."
            )

    def delete_documents(self, document_ids: list[str]) -> None:
        with self._write() as conn:
            conn.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in document_ids])

    def delete_all_documents(self, recreate_index: bool = False) -> None:
        """Delete every chunk and every source; ``recreate_index`` also drops the derived files
        and compacts the full-text index."""
        with self._write() as conn:
            conn.execute("DELETE FROM documents")
            conn.execute("DELETE FROM sources")
            if recreate_index:
                self._after_delete_all(conn)
        if recreate_index and self._vectors_file() is not None:
            self._vectors_file().unlink(missing_ok=True)

    def delete_by_filter(self, filters: dict[str, Any]) -> int:
        _validate_filters(filters)
        with self._write() as conn:  # find and delete in one transaction
            ids = [d.id for d in self._matching(conn, filters, with_embedding=False)]
            conn.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in ids])
        return len(ids)

    def update_by_filter(self, filters: dict[str, Any], meta: dict[str, Any]) -> int:
        """Merge ``meta`` into the metadata of every matching document."""
        _validate_filters(filters)
        with self._write() as conn:
            matching = self._matching(conn, filters)
            for doc in matching:
                updated = replace(doc, meta={**doc.meta, **meta})
                _, _, data, _ = self._row_values(updated)
                conn.execute("UPDATE documents SET data = ? WHERE id = ?", (data, doc.id))
        return len(matching)

    def count_documents_by_filter(self, filters: dict[str, Any]) -> int:
        _validate_filters(filters)
        return len(self._matching(self._conn(), filters, with_embedding=False))

    # -- retrieval ---------------------------------------------------------------------------
    def _by_rowids(self, conn, scored: list[tuple[int, float]]) -> list[Document]:
        if not scored:
            return []
        marks = ",".join("?" * len(scored))
        rows = conn.execute(
            f"SELECT rowid, content, data FROM documents WHERE rowid IN ({marks})", [r for r, _ in scored]
        )
        by_rowid = {r: self._to_document(c, d, None, with_embedding=False) for r, c, d in rows}
        return [replace(by_rowid[r], score=s) for r, s in scored if r in by_rowid]

    def embedding_retrieval(
        self, query_embedding: list[float], top_k: int = 10, filters: dict[str, Any] | None = None
    ) -> list[Document]:
        """Nearest chunks by cosine similarity (FAISS), best first; ``score`` is the cosine."""
        _validate_filters(filters)
        with self._vectors_lock:
            hits = self._current_vectors().search(query_embedding, top_k * (10 if filters else 1))
        docs = self._by_rowids(self._conn(), hits)
        if filters:
            docs = [d for d in docs if document_matches_filter(filters=filters, document=d)]
        return docs[:top_k]

    def bm25_retrieval(self, query: str, top_k: int = 10, filters: dict[str, Any] | None = None) -> list[Document]:
        """Chunks ranked by keyword relevance (SQLite: FTS5's BM25, ``score`` −bm25), best first."""
        _validate_filters(filters)
        words = search_words(query)
        if not words:
            return []
        conn = self._conn()
        docs = self._by_rowids(conn, self._keyword_hits(conn, words, top_k * (10 if filters else 1)))
        if filters:
            docs = [d for d in docs if document_matches_filter(filters=filters, document=d)]
        return docs[:top_k]

    # -- derived vector index ----------------------------------------------------------------
    def vector_index(self) -> VectorIndex:
        """The FAISS index as of the latest committed write (do not search it while other threads
        write: ``embedding_retrieval`` searches under the lock)."""
        with self._vectors_lock:
            return self._current_vectors()

    def _current_vectors(self) -> VectorIndex:
        """Bring the in-memory index up to date: the cached one, else the file, else a full build;
        then the logged changes it lacks. Caller holds ``_vectors_lock``."""
        with self._read() as conn:  # one snapshot: the log head, the changes and the embeddings agree
            head = self._vector_log_head(conn)
            vectors = self._vectors
            if vectors is not None and vectors.seq == head:
                return vectors
            pruned = int(self._setting(conn, "vector_changes_pruned_through") or 0)
            if vectors is None or vectors.seq < pruned or vectors.seq > head:
                path = self._vectors_file()
                vectors = VectorIndex.load(path) if path is not None else None
                if vectors is not None and not (pruned <= vectors.seq <= head and vectors.dim == self._dim(conn)):
                    vectors = None
            if vectors is None:
                vectors = self._build_vectors(conn, head)
            elif vectors.seq < head:
                changed = [r for (r,) in conn.execute(
                    "SELECT DISTINCT doc_rowid FROM vector_changes WHERE seq > ? AND seq <= ?", (vectors.seq, head))]
                rows = []
                for begin in range(0, len(changed), _IN_CLAUSE):
                    part = changed[begin : begin + _IN_CLAUSE]
                    rows += conn.execute(
                        f"SELECT rowid, embedding FROM documents WHERE embedding IS NOT NULL "
                        f"AND rowid IN ({','.join('?' * len(part))})", part).fetchall()
                vectors.apply(head, changed, rows)
        self._vectors = vectors
        return vectors

    def _build_vectors(self, conn, head: int) -> VectorIndex:
        (count,) = conn.execute("SELECT count(*) FROM documents WHERE embedding IS NOT NULL").fetchone()
        kind = choose_kind(self.vector_index_kind, count)
        began = time.perf_counter()
        rows = conn.execute("SELECT rowid, embedding FROM documents WHERE embedding IS NOT NULL")
        vectors = VectorIndex.build(self._dim(conn), head, rows, kind)
        log.info("built the %s vector index of %d chunks from the store in %.1fs", vectors.kind, len(vectors),
                 time.perf_counter() - began)
        return vectors

    def _dim(self, conn) -> int:
        if self.embedding_dim:
            return self.embedding_dim
        row = conn.execute("SELECT embedding FROM documents WHERE embedding IS NOT NULL LIMIT 1").fetchone()
        return len(row[0]) // 8 if row else 1

    @staticmethod
    def _setting(conn, key: str) -> str | None:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def persist_vectors(self, force: bool = False, rebuild: bool = False) -> VectorIndex:
        """Rewrite the FAISS file (atomically) when it lags the store by ``PERSIST_AFTER_CHANGES``
        changes, or at all when ``force`` (which also rebuilds a flat index grown past the IVF
        line, or an index of another kind than a fixed setting) or ``rebuild`` (from the store,
        whatever the index holds: ``qa check``'s repair); then trim the change log."""
        from filelock import FileLock

        path = self._vectors_file()
        with self._vectors_lock:
            vectors = self._current_vectors()
            rebuilt = rebuild or (force and vectors.kind != choose_kind(self.vector_index_kind, len(vectors)))
            if rebuilt:  # asked to, or grown past (or set off) its kind: rebuilt, and saved even at the same seq
                with self._read() as conn:
                    vectors = self._vectors = self._build_vectors(conn, self._vector_log_head(conn))
            seq = vectors.seq
            if path is None:  # in memory only: nothing to save; a forced persist still trims the log
                if not force:
                    return vectors
            else:
                saved = VectorIndex.saved_seq(path)
                if not rebuilt and (saved == vectors.seq or (
                        not force and saved is not None and vectors.seq - saved < PERSIST_AFTER_CHANGES)):
                    return vectors
                header, payload = vectors.to_parts()  # a snapshot, written outside the lock
        if path is not None:
            with FileLock(str(path) + ".lock", timeout=120):  # never replace a newer file with an older one
                saved = VectorIndex.saved_seq(path)
                if saved is None or saved < seq or (rebuilt and saved == seq):
                    write_atomically(path, header, payload)
        with self._write(bump=False) as conn:  # replicas this far behind rebuild from the store
            through = max(0, seq - KEEP_CHANGES)
            conn.execute("DELETE FROM vector_changes WHERE seq <= ?", (through,))
            conn.execute("INSERT INTO settings (key, value) VALUES ('vector_changes_pruned_through', ?) "
                         f"ON CONFLICT(key) DO UPDATE SET value = CAST({self.GREATEST}(CAST(settings.value AS BIGINT), "
                         "CAST(excluded.value AS BIGINT)) AS TEXT)", (str(through),))
        return vectors

    # -- sources (the user's files) ----------------------------------------------------------
    def replace_source(self, source: SourceRecord, chunks: list[Document]) -> None:
        """Store a source and its chunks in one transaction, replacing any older version."""
        now = time.time()
        with self._write() as conn:
            old = conn.execute("SELECT created_at FROM sources WHERE id = ?", (source.id,)).fetchone()
            conn.execute("DELETE FROM documents WHERE source_id = ?", (source.id,))
            conn.execute(
                "INSERT INTO sources (id, name, path, content_hash, text, meta, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                "path = excluded.path, content_hash = excluded.content_hash, text = excluded.text, "
                "meta = excluded.meta, created_at = excluded.created_at, updated_at = excluded.updated_at",
                (source.id, source.name, source.path, source.content_hash, source.text,
                 json.dumps(source.meta), old[0] if old else now, now),
            )
            self._insert(conn, chunks, DuplicatePolicy.OVERWRITE, source_id=source.id)

    def source_hash(self, source_id: str) -> str | None:
        row = self._conn().execute("SELECT content_hash FROM sources WHERE id = ?", (source_id,)).fetchone()
        return row[0] if row else None

    def get_source(self, source_id: str, with_text: bool = True) -> SourceRecord | None:
        rows = self._sources("WHERE s.id = ?", (source_id,), with_text)
        return rows[0] if rows else None

    def list_sources(self, limit: int | None = None, offset: int = 0) -> list[SourceRecord]:
        """Sources by name; ``offset`` at most ``MAX_LIST_OFFSET`` (callers check: SQLite's integers stop at 2**63)."""
        return self._sources("ORDER BY s.name, s.id LIMIT ? OFFSET ?", (self.NO_LIMIT if limit is None else limit, offset),
                             False)

    def count_sources(self) -> int:
        return self._conn().execute("SELECT count(*) FROM sources").fetchone()[0]

    def _sources(self, tail: str, params: tuple, with_text: bool) -> list[SourceRecord]:
        text = "s.text" if with_text else "''"
        rows = self._conn().execute(
            f"SELECT s.id, s.name, {text}, s.content_hash, s.path, s.meta, s.created_at, s.updated_at, "
            f"(SELECT count(*) FROM documents d WHERE d.source_id = s.id) FROM sources s {tail}",
            params,
        ).fetchall()
        return [
            SourceRecord(id=r[0], name=r[1], text=r[2], content_hash=r[3], path=r[4], meta=json.loads(r[5]),
                         created_at=r[6], updated_at=r[7], chunks=r[8])
            for r in rows
        ]

    def delete_source(self, source_id: str) -> bool:
        """Delete a source and its chunks; False when there is no such source."""
        with self._write() as conn:
            conn.execute("DELETE FROM documents WHERE source_id = ?", (source_id,))
            return conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount > 0


class SQLiteDocumentStore(SQLDocumentStore):
    """Haystack ``DocumentStore`` kept in ``<index_dir>/store.sqlite3`` (and the FAISS file beside it)."""

    def __init__(self, index_dir: str, embedding_model: str | None = None, embedding_dim: int | None = None,
                 vector_index: str = "auto"):
        self.index_dir = str(index_dir)
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        super().__init__(embedding_model, embedding_dim, vector_index, vectors_dir=Path(index_dir))

    @property
    def location(self) -> str:
        return self.index_dir

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(
            self, index_dir=self.index_dir, embedding_model=self.embedding_model, embedding_dim=self.embedding_dim,
            vector_index=self.vector_index_kind,
        )

    def _connect(self) -> sqlite3.Connection:
        return durable_sqlite.connect(self._dir / DB_FILE)

    def _create_schema(self) -> None:
        self._conn().executescript(SCHEMA)  # idempotent; executescript commits on its own

    def _write_transaction(self, conn):
        return durable_sqlite.write_transaction(conn)

    def _begin_snapshot(self, conn) -> None:
        conn.execute("BEGIN")

    def _vector_log_head(self, conn) -> int:
        # AUTOINCREMENT keeps the last one even after the log is trimmed
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'vector_changes'").fetchone()
        return int(row[0]) if row else 0

    def _keyword_hits(self, conn, words: list[str], limit: int) -> list[tuple[int, float]]:
        query = " OR ".join(f'"{w}"' for w in words)  # quoted: user text is never parsed as FTS5 syntax
        rows = conn.execute("SELECT rowid, bm25(documents_fts) FROM documents_fts WHERE documents_fts MATCH ? "
                            "ORDER BY bm25(documents_fts) LIMIT ?", (query, limit)).fetchall()
        return [(r, -s) for r, s in rows]

    def _after_delete_all(self, conn) -> None:
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


# Function words: in an OR query each one matches most chunks, which BM25 must then all rank
# (12x the time at 10k chunks) for almost no signal, since their IDF is near zero.
STOPWORDS = frozenset(
    "a about an and are as at be been but by can could did do does for from had has have how i in into is it its "
    "me my of on or our she he that the their them there these they this those to was we were what when where "
    "which who whom whose why will with would you your".split()
)


def search_words(query: str) -> list[str]:
    """The query's words for keyword search, once each; function words are left out unless the
    query has nothing else."""
    import re

    words = re.findall(r"\w+", query.lower())
    content = [w for w in words if w not in STOPWORDS]
    return list(dict.fromkeys(content or words))
