"""Durable storage: SQLite (the default) or PostgreSQL is the source of truth; the FAISS index is derived from it."""

from qa.store.document_store import (
    EmbeddingModelMismatch,
    SourceRecord,
    SQLDocumentStore,
    SQLiteDocumentStore,
)

__all__ = ["SQLDocumentStore", "SQLiteDocumentStore", "SourceRecord", "EmbeddingModelMismatch"]
