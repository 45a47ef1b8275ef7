"""Durable storage: SQLite is the source of truth; the FAISS index is derived from it."""

from qa.store.document_store import EmbeddingModelMismatch, SQLiteDocumentStore, SourceRecord

__all__ = ["SQLiteDocumentStore", "SourceRecord", "EmbeddingModelMismatch"]
