"""``qa index --ray``: conversion, cleaning, chunking and embedding as a Ray Data pipeline, the
writes on the driver through the store, in batches.

The driver reads each file, skips unchanged ones (content hash, as ``qa index`` does) and ships
the bytes through Ray's object store (pickled: driver and workers run this same code), so workers
need no shared filesystem. Each worker is a Ray
actor holding one preparing pipeline (``build_preparing_pipeline``: the same components as a
plain ``qa index``, models loaded once per actor) and returns every file's source document and
embedded chunks; the driver writes each file in one transaction (``SourceWriter``), so the index
equals a plain run's and stays crash-safe. Only this module imports Ray.
"""

from __future__ import annotations

import json
import pickle
from typing import Any

from haystack import Document
from haystack.dataclasses import ByteStream

from qa.ingest.indexer import Indexer, IndexItem
from qa.ingest.writer import SourceWriter
from qa.store import SQLDocumentStore


class _Preparer:
    """A Ray Data actor: one group of files in, each file's source and embedded chunks out (JSON)."""

    def __init__(self) -> None:
        from qa.ingest.indexer import build_preparing_pipeline
        from qa.models import document_embedder

        self.pipeline = build_preparing_pipeline(document_embedder())
        self.pipeline.warm_up()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        return {"prepared": [json.dumps(self._prepare(pickle.loads(group))) for group in batch["group"]]}

    def _prepare(self, group: list[tuple[bytes, dict]]) -> list[dict]:
        infos = [info for _, info in group]
        out = self.pipeline.run({"converter": {"sources": [ByteStream(data=data) for data, _ in group], "meta": infos}},
                                include_outputs_from={"converter", "cleaner"})
        failures = {f["source_id"]: f["error"] for f in out["converter"]["failures"]}
        sources = {d.meta["source_id"]: d for d in out["cleaner"]["documents"]}
        chunks: dict[str, list] = {}
        for chunk in out["embedder"]["documents"]:
            chunks.setdefault(chunk.meta["source_id"], []).append(chunk.to_dict(flatten=False))
        return [{"source_id": info["source_id"], "error": failures.get(info["source_id"]),
                 "source": sources[info["source_id"]].to_dict(flatten=False) if info["source_id"] in sources else None,
                 "chunks": chunks.get(info["source_id"], [])} for info in infos]


class RayIndexer(Indexer):
    """An ``Indexer`` whose files are prepared on a Ray cluster (``address``: None starts a local
    one, "auto" joins the running one, or ``ray://host:port``) by ``workers`` actors."""

    FILES_PER_BATCH = 512  # files per Ray dataset: enough to keep every worker busy
    FILES_PER_GROUP = Indexer.FILES_PER_BATCH  # files an actor prepares together, as qa index groups them

    def __init__(self, store: SQLDocumentStore, address: str | None = None, workers: int = 1):
        import ray

        if not ray.is_initialized():
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
        self.store = store
        self.workers = workers
        self.writer = SourceWriter(store)

    def _convert_and_write(self, items: list[IndexItem], pending: list[tuple[int, dict]]) -> tuple[dict, dict]:
        """The same groups of files as a plain run embeds together (so the same vectors: int8
        activations are quantised per batch), one group per Ray task; written as they come back."""
        import ray

        groups = [pending[k : k + self.FILES_PER_GROUP] for k in range(0, len(pending), self.FILES_PER_GROUP)]
        rows = [{"group": pickle.dumps([(items[i].data, info) for i, info in group])} for group in groups]
        dataset = ray.data.from_items(rows).map_batches(
            _Preparer, concurrency=self.workers, batch_size=1, num_cpus=1, batch_format="numpy")
        failures, written = {}, {}
        for batch in dataset.iter_batches(batch_size=1, batch_format="numpy"):
            for prepared in (json.loads(p) for p in batch["prepared"]):
                failures.update({p["source_id"]: p["error"] for p in prepared if p["error"] is not None})
                sources = [Document.from_dict(p["source"]) for p in prepared if p["source"] is not None]
                chunks = [Document.from_dict(c) for p in prepared for c in p["chunks"]]
                for w in self.writer.run(sources=sources, chunks=chunks)["written"]:  # a transaction per file
                    written[w["id"]] = w
        return failures, written

    def close(self) -> None:
        import ray

        ray.shutdown()
