"""``to_dict``/``from_dict`` for components that hold our document store (Haystack convention)."""

from __future__ import annotations

from typing import Any

from haystack import default_from_dict, default_to_dict

from qa.store.document_store import SQLiteDocumentStore


class HoldsDocumentStore:
    """Mixin: serialise ``self.document_store`` with the component's other init parameters."""

    document_store: SQLiteDocumentStore

    def _init_parameters(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, document_store=self.document_store.to_dict(), **self._init_parameters())

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        params = dict(data["init_parameters"])  # leave the caller's dict as it was
        params["document_store"] = SQLiteDocumentStore.from_dict(params["document_store"])
        return default_from_dict(cls, {**data, "init_parameters": params})
