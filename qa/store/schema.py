"""The SQLite schema of an index folder.

``sources`` are the user's files (their stored text is what citations point into); ``documents``
are Haystack documents (the chunks), each optionally tied to a source; ``documents_fts`` is the
BM25 index over chunk text (Porter-stemmed: "attacks" finds "attack"); ``settings`` records the
embedding model and a generation counter that every write bumps. ``vector_changes`` logs, in
commit order, every chunk whose embedding appeared, changed or went away (triggers, so no write
path can forget it): the FAISS index in memory or on disk records the last change it holds and
catches up by applying only the newer ones, never by a rebuild.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO settings (key, value) VALUES ('generation', '0');
INSERT OR IGNORE INTO settings (key, value) VALUES ('schema_version', '1');

CREATE TABLE IF NOT EXISTS sources (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    path         TEXT,
    content_hash TEXT NOT NULL,
    text         TEXT NOT NULL,
    meta         TEXT NOT NULL DEFAULT '{}',
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS documents (
    rowid     INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT NOT NULL UNIQUE,
    source_id TEXT REFERENCES sources(id) ON DELETE CASCADE,
    content   TEXT,
    data      TEXT NOT NULL,          -- Document.to_dict(flatten=False) without content/embedding
    embedding BLOB                    -- float64, exact round trip
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_id);

CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    content, content='documents', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, content) VALUES (new.rowid, coalesce(new.content, ''));
END;
CREATE TRIGGER IF NOT EXISTS documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, content) VALUES ('delete', old.rowid, coalesce(old.content, ''));
END;
CREATE TABLE IF NOT EXISTS vector_changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_rowid INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS documents_vec_ai AFTER INSERT ON documents WHEN new.embedding IS NOT NULL BEGIN
    INSERT INTO vector_changes(doc_rowid) VALUES (new.rowid);
END;
CREATE TRIGGER IF NOT EXISTS documents_vec_ad AFTER DELETE ON documents WHEN old.embedding IS NOT NULL BEGIN
    INSERT INTO vector_changes(doc_rowid) VALUES (old.rowid);
END;
CREATE TRIGGER IF NOT EXISTS documents_vec_au AFTER UPDATE OF embedding ON documents BEGIN
    INSERT INTO vector_changes(doc_rowid) VALUES (new.rowid);
END;
CREATE TRIGGER IF NOT EXISTS documents_au AFTER UPDATE OF content ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, content) VALUES ('delete', old.rowid, coalesce(old.content, ''));
    INSERT INTO documents_fts(rowid, content) VALUES (new.rowid, coalesce(new.content, ''));
END;
"""
