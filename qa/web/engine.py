"""One per server process: the store, and the models loaded once at start-up.

The store opens at once (listing, reading and deleting documents need no model); the models load
in a background thread so the process can answer ``/health`` (503, "loading") meanwhile. Writes
go to SQLite in one transaction each and log their vector changes, which every worker applies
before it searches: a document added in one worker is answerable by the next request anywhere,
and no worker rebuilds its index for it.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from qa.ingest.converter import SUPPORTED_SUFFIXES
from qa.ingest.indexer import IndexResult
from qa.pipeline import open_store

log = logging.getLogger(__name__)


class NotReady(RuntimeError):
    """The models are still loading, or failed to load (the message says which and why)."""


class Engine:
    def __init__(self, index_dir: str | Path, reader_model: str | None = None, torch_threads: int | None = None):
        self.index_dir = Path(index_dir)
        self.reader_model = reader_model
        self.torch_threads = torch_threads
        self.store = open_store(self.index_dir)
        self.state = "loading"
        self.error: str | None = None
        self.loaded_in_s: float | None = None
        self._service = None
        self._indexer = None
        self._write_lock = threading.Lock()

    def start(self, background: bool = True) -> None:
        if background:
            threading.Thread(target=self._load, name="qa-model-loader", daemon=True).start()
        else:
            self._load()

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            from qa.ingest.indexer import Indexer
            from qa.pipeline import QAService

            if self.torch_threads:
                import torch

                torch.set_num_threads(self.torch_threads)
                # FAISS's OpenMP threads too: with several workers on the cores, more threads than
                # the worker's share only wait on each other
                import faiss

                faiss.omp_set_num_threads(self.torch_threads)
            service = QAService(self.index_dir, reader_model=self.reader_model, store=self.store)
            service.warm_up()
            indexer = Indexer(self.store)
            indexer.pipeline.warm_up()
        except Exception as exc:  # ModelMissing and anything else: reported by /health and 503s
            log.exception("loading the models failed")
            self.error = str(exc) or exc.__class__.__name__
            self.state = "failed"
            return
        self._service, self._indexer = service, indexer
        self.loaded_in_s = round(time.perf_counter() - started, 2)
        self.state = "ready"
        log.info("models loaded in %.1f s", self.loaded_in_s)

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    def _require(self):
        if self.state == "failed":
            raise NotReady(f"the models failed to load: {self.error}")
        if self.state != "ready":
            raise NotReady("the models are still loading; try again in a few seconds")

    def ask(self, question: str, top_k: int, retrieval_query: str | None = None) -> dict:
        self._require()
        return self._service.ask(question, top_k=top_k, retrieval_query=retrieval_query)

    def add_document(self, name: str, data: bytes) -> IndexResult:
        """Index an uploaded file; the same name replaces the earlier upload."""
        self._require()
        with self._write_lock:  # one indexing pipeline per process; SQLite serialises processes
            result = self._indexer.add_bytes(name, data)
            if result.status == "indexed":
                self._refresh_vectors()
        return result

    def delete_document(self, document_id: str) -> bool:
        deleted = self.store.delete_source(document_id)
        if deleted:
            self._refresh_vectors()
        return deleted

    def _refresh_vectors(self) -> None:
        """Apply the write to this worker's vector index now (not on the next question), and
        rewrite the FAISS file when it lags far behind. The write itself is already committed in
        SQLite, so a failure here only costs a later catch-up: log it, do not fail."""
        try:
            self.store.persist_vectors()
        except Exception:
            log.exception("could not save the vector index; it will be rebuilt from the store")

    def index_size(self) -> dict:
        return {"documents": self.store.count_sources(), "chunks": self.store.count_documents()}


def text_upload_name(name: str) -> str:
    """A name for text sent as JSON: kept when its suffix is one we read, else ``.txt`` is added."""
    return name if Path(name).suffix.lower() in SUPPORTED_SUFFIXES else f"{name}.txt"
