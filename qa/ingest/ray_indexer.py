"""``qa index --ray``: conversion, cleaning, chunking and embedding as a Ray Data pipeline, the
writes on the driver through the store, in batches.

The driver reads each file, skips unchanged ones (content hash, as ``qa index`` does) and ships
the bytes through Ray's object store, so workers need no shared filesystem. Each worker is a Ray
actor holding one preparing pipeline (``build_preparing_pipeline``: the same components as a
plain ``qa index``, models loaded once per actor) and returns every file's source document and
embedded chunks; the driver writes each file in one transaction (``SourceWriter``), so the index
equals a plain run's and stays crash-safe. Only this module imports Ray.
"""

from __future__ import annotations

import json
from typing import Any

from haystack import Document
from haystack.dataclasses import ByteStream

from qa.ingest.indexer import Indexer, IndexItem
from qa.ingest.writer import SourceWriter
from qa.store import SQLDocumentStore


class _Preparer:
    """A Ray Data actor: bytes in, each file's source and embedded chunks out (as JSON)."""

    def __init__(self) -> None:
        from qa.ingest.indexer import build_preparing_pipeline
        from qa.models import document_embedder

        self.pipeline = build_preparing_pipeline(document_embedder())
        self.pipeline.warm_up()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        infos = [json.loads(info) for info in batch["info"]]
        out = self.pipeline.run({"converter": {"sources": [ByteStream(data=bytes(d)) for d in batch["data"]],
                                               "meta": infos}},
                                include_outputs_from={"converter", "cleaner"})
        failures = {f["source_id"]: f["error"] for f in out["converter"]["failures"]}
        sources = {d.meta["source_id"]: d for d in out["cleaner"]["documents"]}
        chunks: dict[str, list] = {}
        for chunk in out["embedder"]["documents"]:
            chunks.setdefault(chunk.meta["source_id"], []).append(chunk.to_dict(flatten=False))
        prepared = []
        for info in infos:
            source_id = info["source_id"]
            source = sources.get(source_id)
            prepared.append(json.dumps({
                "source_id": source_id, "error": failures.get(source_id),
                "source": source.to_dict(flatten=False) if source is not None else None,
                "chunks": chunks.get(source_id, []),
            }))
        return {"prepared": prepared}


class RayIndexer(Indexer):
    """An ``Indexer`` whose files are prepared on a Ray cluster (``address``: None starts a local
    one, "auto" joins the running one, or ``ray://host:port``) by ``workers`` actors."""

    FILES_PER_BATCH = 512  # files per Ray dataset: enough to keep every worker busy
    ROWS_PER_TASK = 16  # files an actor prepares at a time (their chunks are embedded together)

    def __init__(self, store: SQLDocumentStore, address: str | None = None, workers: int = 1):
        import ray

        if not ray.is_initialized():
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
        self.store = store
        self.workers = workers
        self.writer = SourceWriter(store)

    def _convert_and_write(self, items: list[IndexItem], pending: list[tuple[int, dict]]) -> tuple[dict, dict]:
        import ray

        rows = [{"data": items[i].data, "info": json.dumps(info)} for i, info in pending]
        dataset = ray.data.from_items(rows).map_batches(
            _Preparer, concurrency=self.workers, batch_size=self.ROWS_PER_TASK, num_cpus=1, batch_format="numpy")
        failures, written = {}, {}
        for batch in dataset.iter_batches(batch_size=self.ROWS_PER_TASK, batch_format="numpy"):
            prepared = [json.loads(p) for p in batch["prepared"]]
            for p in prepared:
                if p["error"] is not None:
                    failures[p["source_id"]] = p["error"]
            sources = [Document.from_dict(p["source"]) for p in prepared if p["source"] is not None]
            chunks = [Document.from_dict(c) for p in prepared for c in p["chunks"]]
            for w in self.writer.run(sources=sources, chunks=chunks)["written"]:
                written[w["id"]] = w
        return failures, written

    def close(self) -> None:
        import ray

        ray.shutdown()
