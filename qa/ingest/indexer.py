"""Index files into a store: one Haystack pipeline run per file, skipping unchanged files.

files -> FileConverter -> DocumentCleaner -> SentenceChunker -> embedder -> SourceWriter
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from haystack import Pipeline
from haystack.dataclasses import ByteStream

from qa.ingest.chunker import SentenceChunker
from qa.ingest.cleaning import make_cleaner
from qa.ingest.converter import SUPPORTED_SUFFIXES, FileConverter
from qa.ingest.writer import SourceWriter
from qa.store import SQLiteDocumentStore


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


def build_indexing_pipeline(store: SQLiteDocumentStore, embedder, max_words: int = 180,
                            overlap_words: int = 40) -> Pipeline:
    pipeline = Pipeline()
    pipeline.add_component("converter", FileConverter())
    pipeline.add_component("cleaner", make_cleaner())
    pipeline.add_component("chunker", SentenceChunker(max_words=max_words, overlap_words=overlap_words))
    pipeline.add_component("embedder", embedder)
    pipeline.add_component("writer", SourceWriter(store))
    pipeline.connect("converter.documents", "cleaner.documents")
    pipeline.connect("cleaner.documents", "chunker.documents")
    pipeline.connect("cleaner.documents", "writer.sources")
    pipeline.connect("chunker.documents", "embedder.documents")
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
    def __init__(self, store: SQLiteDocumentStore, embedder=None):
        if embedder is None:
            from qa.models import document_embedder

            embedder = document_embedder()
        self.store = store
        self.pipeline = build_indexing_pipeline(store, embedder)

    def add_bytes(self, name: str, data: bytes, key: str | None = None, path: str | None = None,
                  meta: dict | None = None) -> IndexResult:
        """Index one file's bytes; ``key`` (default: the name) decides which source it replaces."""
        source_id = source_id_for(key or f"name:{name}")
        content_hash = hashlib.sha256(data).hexdigest()
        if self.store.source_hash(source_id) == content_hash:
            existing = self.store.get_source(source_id, with_text=False)
            return IndexResult("unchanged", name, source_id, existing.chunks if existing else 0, path=path)
        info = {**(meta or {}), "source_id": source_id, "source_name": name, "content_hash": content_hash}
        if path:
            info["path"] = path
        result = self.pipeline.run(
            {"converter": {"sources": [ByteStream(data=data)], "meta": [info]}},
            include_outputs_from={"converter"},
        )
        failures = result["converter"]["failures"]
        if failures:
            return IndexResult("failed", name, error=failures[0]["error"], path=path)
        written = result["writer"]["written"]
        if not written:
            return IndexResult("failed", name, error="no text left after cleaning", path=path)
        return IndexResult("indexed", name, source_id, written[0]["chunks"], path=path)

    def add_file(self, path: Path) -> IndexResult:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return IndexResult("failed", path.name, error=f"cannot read: {exc.strerror or exc}", path=str(path))
        resolved = str(path.resolve())
        return self.add_bytes(path.name, data, key=f"file:{resolved}", path=resolved)

    def finish(self) -> None:
        """Bring the derived FAISS file up to date (once per run, not per file)."""
        self.store.persist_vectors(force=True)
