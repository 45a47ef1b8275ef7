"""Write each source together with its chunks, atomically, into our store."""

from __future__ import annotations

from haystack import Document, component

from qa.store import SourceRecord, SQLDocumentStore
from qa.store.serialization import HoldsDocumentStore


@component
class SourceWriter(HoldsDocumentStore):
    """One transaction per source: its stored text, metadata and embedded chunks, replacing any
    older version. A file reported as indexed is therefore complete on disk."""

    def __init__(self, document_store: SQLDocumentStore):
        self.document_store = document_store

    @component.output_types(written=list[dict])
    def run(self, sources: list[Document], chunks: list[Document]) -> dict[str, list[dict]]:
        written = []
        for source in sources:
            meta = dict(source.meta)
            source_id = meta.pop("source_id")
            own = [c for c in chunks if c.meta.get("source_id") == source_id]
            record = SourceRecord(
                id=source_id, name=meta.pop("source_name"), text=source.content or "",
                content_hash=meta.pop("content_hash"), path=meta.pop("path", None), meta=meta,
            )
            self.document_store.replace_source(record, own)
            written.append({"id": source_id, "name": record.name, "chunks": len(own)})
        return {"written": written}
