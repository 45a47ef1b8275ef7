"""Write each source together with its chunks, atomically, into our store."""

from __future__ import annotations

from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from qa.store import SourceRecord, SQLiteDocumentStore


@component
class SourceWriter:
    """One transaction per source: its stored text, metadata and embedded chunks, replacing any
    older version. A file reported as indexed is therefore complete on disk."""

    def __init__(self, document_store: SQLiteDocumentStore):
        self.document_store = document_store

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, document_store=self.document_store.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SourceWriter":
        data["init_parameters"]["document_store"] = SQLiteDocumentStore.from_dict(
            data["init_parameters"]["document_store"]
        )
        return default_from_dict(cls, data)

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
