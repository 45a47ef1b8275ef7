"""Haystack retriever components for ``SQLDocumentStore``."""

from __future__ import annotations

from typing import Any

from haystack import Document, component

from qa.store import SQLDocumentStore
from qa.store.serialization import HoldsDocumentStore


class _StoreRetriever(HoldsDocumentStore):
    def __init__(self, document_store: SQLDocumentStore, top_k: int = 10):
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        self.document_store = document_store
        self.top_k = top_k

    def _init_parameters(self) -> dict[str, Any]:
        return {"top_k": self.top_k}


@component
class SQLiteEmbeddingRetriever(_StoreRetriever):
    """Chunks nearest to the query embedding (cosine, FAISS)."""

    @component.output_types(documents=list[Document])
    def run(self, query_embedding: list[float], top_k: int | None = None,
            filters: dict[str, Any] | None = None) -> dict[str, list[Document]]:
        return {"documents": self.document_store.embedding_retrieval(query_embedding, top_k or self.top_k, filters)}


@component
class SQLiteBM25Retriever(_StoreRetriever):
    """Chunks ranked by BM25 (FTS5): names, dates and numbers that dense vectors blur."""

    @component.output_types(documents=list[Document])
    def run(self, query: str, top_k: int | None = None,
            filters: dict[str, Any] | None = None) -> dict[str, list[Document]]:
        return {"documents": self.document_store.bm25_retrieval(query, top_k or self.top_k, filters)}
