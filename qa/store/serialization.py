"""``to_dict``/``from_dict`` for components that hold our document store (Haystack convention)."""

from __future__ import annotations

from typing import Any

from haystack import default_from_dict, default_to_dict

from qa.store.document_store import SQLDocumentStore


class HoldsDocumentStore:
    """Mixin: serialise ``self.document_store`` with the component's other init parameters."""

    document_store: SQLDocumentStore

    def _init_parameters(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, document_store=self.document_store.to_dict(), **self._init_parameters())

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        params = dict(data["init_parameters"])  # leave the caller's dict as it was
        store = params["document_store"]
        params["document_store"] = _store_class(store["type"]).from_dict(store)
        return default_from_dict(cls, {**data, "init_parameters": params})


def _store_class(type_name: str) -> type[SQLDocumentStore]:
    """One of our stores by its saved type name (only these: a saved pipeline names no other code to import)."""
    from qa.store.document_store import SQLiteDocumentStore
    from qa.store.postgres import PostgresDocumentStore

    known = {f"{c.__module__}.{c.__name__}": c for c in (SQLiteDocumentStore, PostgresDocumentStore)}
    if type_name not in known:
        raise TypeError(f"{type_name!r} is not one of our document stores ({', '.join(sorted(known))})")
    return known[type_name]
