"""The question-answering pipeline and the service object the CLI and the server share.

query -> (embedder -> FAISS retriever, BM25 retriever) -> RRF joiner -> reader -> cited answers
"""

from __future__ import annotations

import threading
from pathlib import Path

from haystack import Document, Pipeline
from haystack.components.joiners import DocumentJoiner

from qa import paths
from qa.answer.citations import CitedAnswerBuilder
from qa.models import EMBEDDING_DIM, EMBEDDING_MODEL_NAME, text_embedder
from qa.reading.reader import SpanReader
from qa.retrieve.retrievers import SQLiteBM25Retriever, SQLiteEmbeddingRetriever
from qa.store import SQLDocumentStore, SQLiteDocumentStore

RETRIEVE_K = 10  # per retriever
READ_K = 3  # fused chunks the reader reads: F1 +0.9 and half the reader's time against 6 (bench/read_less.py)


def open_store(index_dir: str | Path) -> SQLDocumentStore:
    """The configured store: SQLite in ``index_dir``, or the PostgreSQL database of ``QA_STORE``
    (then ``index_dir`` only keeps this machine's FAISS file)."""
    if paths.STORE_URL:
        from qa.store.postgres import PostgresDocumentStore

        return PostgresDocumentStore(paths.STORE_URL, EMBEDDING_MODEL_NAME, EMBEDDING_DIM,
                                     vector_index=paths.VECTOR_INDEX, vectors_dir=str(index_dir))
    return SQLiteDocumentStore(str(index_dir), EMBEDDING_MODEL_NAME, EMBEDDING_DIM, vector_index=paths.VECTOR_INDEX)


def build_query_pipeline(store: SQLDocumentStore, reader: SpanReader, embedder=None,
                         retrieve_k: int = RETRIEVE_K, read_k: int = READ_K) -> Pipeline:
    pipeline = Pipeline()
    pipeline.add_component("embedder", embedder or text_embedder())
    pipeline.add_component("dense", SQLiteEmbeddingRetriever(store, top_k=retrieve_k))
    pipeline.add_component("bm25", SQLiteBM25Retriever(store, top_k=retrieve_k))
    pipeline.add_component("fusion", DocumentJoiner(join_mode="reciprocal_rank_fusion", top_k=read_k))
    pipeline.add_component("reader", reader)
    pipeline.add_component("answers", CitedAnswerBuilder(store))
    pipeline.connect("embedder.embedding", "dense.query_embedding")
    pipeline.connect("dense.documents", "fusion.documents")
    pipeline.connect("bm25.documents", "fusion.documents")
    pipeline.connect("fusion.documents", "reader.documents")
    pipeline.connect("reader.answers", "answers.answers")
    pipeline.connect("reader.no_answer", "answers.no_answer")
    return pipeline


class QAService:
    """Models loaded once; ``ask`` answers a question against the index. Thread-safe."""

    def __init__(self, index_dir: str | Path, reader_model: str | None = None,
                 store: SQLDocumentStore | None = None):
        self.store = store or open_store(index_dir)
        self.reader = SpanReader(model=reader_model)
        self.pipeline = build_query_pipeline(self.store, self.reader)
        self._lock = threading.Lock()  # torch on 2 cores: one question at a time per process

    def warm_up(self) -> None:
        self.pipeline.warm_up()
        self.store.vector_index()

    def ask(self, question: str, top_k: int = 5, retrieval_query: str | None = None) -> dict:
        """The answer contract for ``question``; ``retrieval_query`` (default: the question) is
        what retrieval searches with, e.g. a follow-up expanded with the conversation."""
        return self.ask_with_retrieved(question, top_k, retrieval_query)[0]

    def ask_with_retrieved(self, question: str, top_k: int = 5, retrieval_query: str | None = None):
        """The answer contract and the fused chunks the reader read (for recall measurements)."""
        search = retrieval_query or question
        with self._lock:
            out = self.pipeline.run(
                {
                    "embedder": {"text": search},
                    "bm25": {"query": search},
                    "reader": {"query": question, "top_k": max(top_k * 3, 10)},
                    "answers": {"query": question, "top_k": top_k},
                },
                include_outputs_from={"fusion"},
            )
        return out["answers"]["result"], out["fusion"]["documents"]

    def retrieve(self, query: str, k: int = 5) -> list[Document]:
        """The chunks the pipeline's reader would read for ``query`` (dense + BM25, fused), best first."""
        with self._lock:
            embedding = self.pipeline.get_component("embedder").run(text=query)["embedding"]
            depth = max(k, RETRIEVE_K)
            dense = self.pipeline.get_component("dense").run(query_embedding=embedding, top_k=depth)["documents"]
            bm25 = self.pipeline.get_component("bm25").run(query=query, top_k=depth)["documents"]
            return self.pipeline.get_component("fusion").run(documents=[dense, bm25], top_k=k)["documents"]

    def search(self, query: str, k: int = 5) -> list[dict]:
        """The chunks retrieval finds for ``query`` (dense + BM25, fused), best first, each with
        where it sits in its document: ``document_text[start:end] == text``."""
        fused = self.retrieve(query, k)
        names: dict[str, str | None] = {}
        found = []
        for chunk in fused:
            source_id = chunk.meta.get("source_id")
            if source_id not in names:
                record = self.store.get_source(source_id, with_text=False) if source_id else None
                names[source_id] = record.name if record else None
            if names[source_id] is None:
                continue  # deleted since it was retrieved
            start = int(chunk.meta["split_idx_start"])
            found.append({"document_id": source_id, "document_name": names[source_id], "start": start,
                          "end": start + len(chunk.content or ""), "text": chunk.content, "chunk_id": chunk.id,
                          "score": round(float(chunk.score or 0.0), 4)})
        return found
