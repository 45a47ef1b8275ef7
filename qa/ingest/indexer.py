"""Index files into a store: one Haystack pipeline run per batch of files, skipping unchanged files.

files -> FileConverter -> DocumentCleaner -> SentenceChunker -> embedder -> SourceWriter
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from haystack import Pipeline
from haystack.core.errors import PipelineRuntimeError
from haystack.dataclasses import ByteStream

from qa.ingest.chunker import SentenceChunker
from qa.ingest.cleaning import make_cleaner
from qa.ingest.converter import SUPPORTED_SUFFIXES, FileConverter
from qa.ingest.writer import SourceWriter
from qa.storage_errors import StorageError
from qa.store import SQLDocumentStore


@dataclass
class IndexItem:
    """One file to index: its name (which picks the converter), bytes, and the key that says
    which earlier source it replaces (default: the name)."""

    name: str
    data: bytes
    key: str | None = None
    path: str | None = None
    meta: dict | None = None


@dataclass
class IndexResult:
    status: str  # "indexed" | "unchanged" | "failed"
    name: str
    source_id: str | None = None
    chunks: int = 0
    error: str | None = None
    path: str | None = None


def source_id_for(key: str) -> str:
    """Stable id of a source: the same file (or upload name) always maps to the same id."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def build_preparing_pipeline(embedder, max_words: int = 180, overlap_words: int = 40) -> Pipeline:
    """Everything before the store: files -> sources (cleaner) and embedded chunks (embedder).
    ``qa index --ray`` runs this on Ray workers and writes on the driver."""
    pipeline = Pipeline()
    pipeline.add_component("converter", FileConverter())
    pipeline.add_component("cleaner", make_cleaner())
    pipeline.add_component("chunker", SentenceChunker(max_words=max_words, overlap_words=overlap_words))
    pipeline.add_component("embedder", embedder)
    pipeline.connect("converter.documents", "cleaner.documents")
    pipeline.connect("cleaner.documents", "chunker.documents")
    pipeline.connect("chunker.documents", "embedder.documents")
    return pipeline


def build_indexing_pipeline(store: SQLDocumentStore, embedder, max_words: int = 180,
                            overlap_words: int = 40) -> Pipeline:
    pipeline = build_preparing_pipeline(embedder, max_words, overlap_words)
    pipeline.add_component("writer", SourceWriter(store))
    pipeline.connect("cleaner.documents", "writer.sources")
    pipeline.connect("embedder.documents", "writer.chunks")
    return pipeline


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, plus supported files found recursively under folders (sorted)."""
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            found.append(path)
    return found


class Indexer:
    FILES_PER_BATCH = 16  # files per pipeline run (``qa index``): their chunks are embedded together

    def __init__(self, store: SQLDocumentStore, embedder=None):
        if embedder is None:
            from qa.models import document_embedder

            embedder = document_embedder()
        self.store = store
        self.pipeline = build_indexing_pipeline(store, embedder)

    def add_bytes(self, name: str, data: bytes, key: str | None = None, path: str | None = None,
                  meta: dict | None = None) -> IndexResult:
        """Index one file's bytes; ``key`` (default: the name) decides which source it replaces."""
        return self.add_many([IndexItem(name, data, key, path, meta)])[0]

    def add_many(self, items: list["IndexItem"]) -> list[IndexResult]:
        """Index several files in one pipeline run, so the embedder sees their chunks in full
        batches (many small files index several times faster than one by one). Each file is
        still its own transaction and gets its own result, in order."""
        results: list[IndexResult | None] = [None] * len(items)
        pending: list[tuple[int, dict]] = []
        for i, item in enumerate(items):
            source_id = source_id_for(item.key or f"name:{item.name}")
            if any(info["source_id"] == source_id for _, info in pending):
                self._run(items, pending, results)  # the same source twice: the later one wins, in order
                pending = []
            content_hash = hashlib.sha256(item.data).hexdigest()
            if self.store.source_hash(source_id) == content_hash:
                existing = self.store.get_source(source_id, with_text=False)
                results[i] = IndexResult("unchanged", item.name, source_id, existing.chunks if existing else 0,
                                         path=item.path)
                continue
            info = {**(item.meta or {}), "source_id": source_id, "source_name": item.name,
                    "content_hash": content_hash}
            if item.path:
                info["path"] = item.path
            pending.append((i, info))
        self._run(items, pending, results)
        return results

    def _run(self, items: list["IndexItem"], pending: list[tuple[int, dict]], results: list) -> None:
        if not pending:
            return
        failures, written = self._convert_and_write(items, pending)
        for i, info in pending:
            item, source_id = items[i], info["source_id"]
            if source_id in failures:
                results[i] = IndexResult("failed", item.name, error=failures[source_id], path=item.path)
            elif source_id not in written:
                results[i] = IndexResult("failed", item.name, error="no text left after cleaning", path=item.path)
            else:
                results[i] = IndexResult("indexed", item.name, source_id, written[source_id]["chunks"], path=item.path)

    def _convert_and_write(self, items: list["IndexItem"], pending: list[tuple[int, dict]]) -> tuple[dict, dict]:
        """Run the pending files through the pipeline: ``({source_id: error}, {source_id: written})``."""
        try:
            out = self.pipeline.run(
                {"converter": {"sources": [ByteStream(data=items[i].data) for i, _ in pending],
                               "meta": [info for _, info in pending]}},
                include_outputs_from={"converter"},
            )
        except PipelineRuntimeError as exc:
            cause = exc.__cause__
            if isinstance(cause, StorageError):  # the disk refused a write: say that, not "a component failed"
                raise cause from cause.__cause__
            raise
        failures = {f["source_id"]: f["error"] for f in out["converter"]["failures"]}
        return failures, {w["id"]: w for w in out["writer"]["written"]}

    def add_file(self, path: Path) -> IndexResult:
        return self.add_files([path])[0]

    def add_files(self, paths: list[Path]) -> list[IndexResult]:
        """Index files in one batch (see ``add_many``); unreadable ones fail on their own."""
        items, results = [], {}
        for n, path in enumerate(paths):
            try:
                data = path.read_bytes()
            except OSError as exc:
                results[n] = IndexResult("failed", path.name, error=f"cannot read: {exc.strerror or exc}", path=str(path))
                continue
            resolved = str(path.resolve())
            items.append((n, IndexItem(path.name, data, key=f"file:{resolved}", path=resolved)))
        for (n, _), result in zip(items, self.add_many([item for _, item in items])):
            results[n] = result
        return [results[n] for n in range(len(paths))]

    def finish(self) -> None:
        """Bring the derived FAISS file up to date (once per run, not per file)."""
        self.store.persist_vectors(force=True)

    def close(self) -> None:
        """Release what the indexer started (nothing here; RayIndexer shuts its Ray down)."""
