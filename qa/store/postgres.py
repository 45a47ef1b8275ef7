"""The store on a PostgreSQL server: one source of truth shared by many API replicas.

Same tables, same statements and the same promises as the SQLite store (``SQLDocumentStore`` holds
the logic): an acknowledged write is committed (PostgreSQL's default ``synchronous_commit``);
writers take one advisory lock, so the vector change log is in commit order; keyword search is
PostgreSQL's full-text search (English stemming, ``ts_rank_cd``); filters are narrowed in SQL and
decided by Haystack's matcher. Each replica keeps its FAISS index in memory and catches up from the
change log before it searches, so a chunk written through one replica is found through every
other by the next request, and no write costs anyone a rebuild.

Selected with ``QA_STORE=postgresql://user@host/db`` (``qa.pipeline.open_store``); needs
``psycopg`` (``pip install "offline-qa[postgres]"``).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from haystack import default_to_dict

from qa.storage_errors import StorageError, storage_error
from qa.store.document_store import SQLDocumentStore
from qa.store.sql_filters import prefilter

# One writer at a time, across every replica (the key is any fixed 64-bit number).
WRITE_LOCK = int.from_bytes(hashlib.sha256(b"qa.store.postgres write lock").digest()[:8], "big", signed=True)

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('generation', '0') ON CONFLICT DO NOTHING;
INSERT INTO settings (key, value) VALUES ('schema_version', '1') ON CONFLICT DO NOTHING;
INSERT INTO settings (key, value) VALUES ('store_id', gen_random_uuid()::text) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS sources (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    path         TEXT,
    content_hash TEXT NOT NULL,
    text         TEXT NOT NULL,
    meta         TEXT NOT NULL DEFAULT '{}',
    created_at   DOUBLE PRECISION NOT NULL,
    updated_at   DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
    rowid       BIGSERIAL PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    source_id   TEXT REFERENCES sources(id) ON DELETE CASCADE,
    content     TEXT,
    data        TEXT NOT NULL,
    embedding   BYTEA,
    content_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', coalesce(content, ''))) STORED
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_id);
CREATE INDEX IF NOT EXISTS documents_fts ON documents USING GIN (content_tsv);

CREATE TABLE IF NOT EXISTS vector_changes (
    seq       BIGSERIAL PRIMARY KEY,
    doc_rowid BIGINT NOT NULL
);
CREATE OR REPLACE FUNCTION qa_log_vector_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.embedding IS NOT NULL THEN
            INSERT INTO vector_changes (doc_rowid) VALUES (OLD.rowid);
        END IF;
        RETURN OLD;
    END IF;
    IF (TG_OP = 'INSERT' AND NEW.embedding IS NOT NULL)
       OR (TG_OP = 'UPDATE' AND NEW.embedding IS DISTINCT FROM OLD.embedding) THEN
        INSERT INTO vector_changes (doc_rowid) VALUES (NEW.rowid);
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER documents_vectors AFTER INSERT OR DELETE OR UPDATE OF embedding ON documents
    FOR EACH ROW EXECUTE FUNCTION qa_log_vector_change();
"""


class _Connection:
    """A psycopg connection that takes the store's ``?`` placeholders, like sqlite3's."""

    def __init__(self, url: str):
        import psycopg

        self._conn = psycopg.connect(url, autocommit=True)

    def execute(self, sql: str, params=()):
        return self._conn.execute(sql.replace("?", "%s"), tuple(params) if params else None)

    def executemany(self, sql: str, rows) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), list(rows))

    @property
    def usable(self) -> bool:
        """False once the server closed or dropped the connection (a restart, a failover)."""
        return not (self._conn.closed or self._conn.broken)

    @property
    def in_transaction(self) -> bool:
        import psycopg

        return self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self._conn.close()


def _is_storage_failure(exc: BaseException) -> bool:
    import psycopg

    # class 53: insufficient resources (disk full, out of memory); class 58: system (I/O) errors
    return isinstance(exc, psycopg.Error) and str(getattr(exc, "sqlstate", "") or "")[:2] in ("53", "58")


class PostgresDocumentStore(SQLDocumentStore):
    """Haystack ``DocumentStore`` on a PostgreSQL database (``url``: ``postgresql://…``).

    ``vectors_dir``, when given, keeps a FAISS file there so a restarted replica need not build its
    index from the whole store (it still catches up from the log); by default the index lives in
    memory only.
    """

    NO_LIMIT = None  # LIMIT NULL: all rows
    GREATEST = "GREATEST"

    def __init__(self, url: str, embedding_model: str | None = None, embedding_dim: int | None = None,
                 vector_index: str = "auto", vectors_dir: str | None = None):
        self.url = url
        self.vectors_dir = vectors_dir
        if vectors_dir:
            Path(vectors_dir).mkdir(parents=True, exist_ok=True)
        super().__init__(embedding_model, embedding_dim, vector_index, Path(vectors_dir) if vectors_dir else None)

    @property
    def location(self) -> str:
        import psycopg

        info = psycopg.conninfo.conninfo_to_dict(self.url)
        return f"postgresql://{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, url=self.url, embedding_model=self.embedding_model,
                               embedding_dim=self.embedding_dim, vector_index=self.vector_index_kind,
                               vectors_dir=self.vectors_dir)

    def _connect(self) -> _Connection:
        return _Connection(self.url)

    def _create_schema(self) -> None:
        with self._write_transaction(self._conn()) as conn:  # replicas starting together take turns
            conn.execute(SCHEMA)

    @contextmanager
    def _write_transaction(self, conn) -> Iterator[_Connection]:
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if _is_storage_failure(exc) and not isinstance(exc, StorageError):
                raise storage_error(self.location, exc) from exc
            raise

    def _begin_snapshot(self, conn) -> None:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _vector_log_head(self, conn) -> int:
        # Trimming keeps the newest entries, so the largest seq committed is the head. (Not the
        # sequence's last_value: that counts transactions not yet committed.)
        (head,) = conn.execute("SELECT coalesce(max(seq), 0) FROM vector_changes").fetchone()
        return int(head)

    def _keyword_hits(self, conn, words: list[str], limit: int) -> list[tuple[int, float]]:
        # words are \w+ only, so joining them with | is a valid tsquery whatever the user typed
        rows = conn.execute(
            "SELECT rowid, ts_rank_cd(content_tsv, query) AS rank FROM documents, to_tsquery('english', ?) query "
            "WHERE content_tsv @@ query ORDER BY rank DESC, rowid LIMIT ?", (" | ".join(words), limit)).fetchall()
        return [(int(r), float(s)) for r, s in rows]

    def _prefilter(self, filters):
        return prefilter(filters, dialect="postgresql")

    def _vectors_file(self) -> Path | None:
        """Named after this database's own id: a folder may hold the FAISS file of another store
        (the SQLite index, another database), which must never be taken for this one's."""
        if self._dir is None:
            return None
        if getattr(self, "_store_id", None) is None:
            (self._store_id,) = self._conn().execute("SELECT value FROM settings WHERE key = 'store_id'").fetchone()
        return self._dir / f"vectors-{self._store_id}.faiss"
