"""Verify an index: is what it holds sound, and do its derived parts match its source of truth?

- SQLite's own integrity check, and FTS5's (the BM25 index matches the chunks);
- every chunk belongs to a stored source, and its text is exactly that source's text at its offset
  (``source.text[start:start + len(text)] == text``: what every citation relies on);
- every chunk has an embedding of the store's dimension;
- the FAISS index (the file, caught up with the change log) holds exactly the chunks that have an
  embedding; when it does not, it is rebuilt from the store and saved, and the report says so.

``qa check`` prints the report and exits 0 only when the store itself is sound (a rebuilt FAISS
file is a repair, not a failure: it is derived data).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from qa.store.document_store import SQLiteDocumentStore

MAX_LISTED = 20  # problems listed by name; the rest are counted


@dataclass
class CheckReport:
    sources: int = 0
    chunks: int = 0
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0
    repaired: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(message)
        else:
            self.more_problems += 1


def check_index(store: SQLiteDocumentStore) -> CheckReport:
    report = CheckReport()
    conn = store._conn()
    integrity = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if integrity != ["ok"]:
        report.problem("SQLite integrity check: " + "; ".join(integrity[:5]))
        return report  # nothing else can be trusted
    try:
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        report.problem(f"the BM25 (FTS5) index does not match the chunks: {exc}")

    with store._read() as snapshot:
        texts = dict(snapshot.execute("SELECT id, text FROM sources").fetchall())
        report.sources = len(texts)
        dim = store._dim(snapshot)
        with_vectors = set()
        for rowid, chunk_id, source_id, content, data, embedding in snapshot.execute(
                "SELECT rowid, id, source_id, content, data, embedding FROM documents"):
            report.chunks += 1
            if embedding is None or len(embedding) != 8 * dim:
                report.problem(f"chunk {chunk_id} has no embedding of dimension {dim}")
            else:
                with_vectors.add(rowid)
            if source_id is None:
                continue  # written through the DocumentStore API, not from a file: no source to cite
            if source_id not in texts:
                report.problem(f"chunk {chunk_id} belongs to source {source_id}, which is not stored")
                continue
            start = json.loads(data).get("meta", {}).get("split_idx_start")
            text = texts[source_id]
            if not isinstance(start, int) or text[start:start + len(content or "")] != content:
                report.problem(f"chunk {chunk_id} is not its source's text at offset {start}")

    if store.vector_index().ids() != with_vectors:
        store.persist_vectors(force=True, rebuild=True)
        report.repaired.append("the FAISS index did not match the store's embeddings: rebuilt and saved")
        if store.vector_index().ids() != with_vectors:
            report.problem("the FAISS index still does not match the store after a rebuild")
    return report
