"""Haystack's own DocumentStore conformance suite, run on our SQLite store."""

import pytest
from haystack import Document

from qa.store import SQLiteDocumentStore
from tests.store_contract import OurStoreContract


class TestSQLiteDocumentStoreConformance(OurStoreContract):
    @pytest.fixture
    def document_store(self, tmp_path):
        store = SQLiteDocumentStore(str(tmp_path / "index"))
        yield store
        store.close()

    def test_round_trip_survives_reopen(self, document_store, tmp_path):
        doc = Document(content="kept", meta={"n": 1, "tags": ["a"]}, embedding=[0.1, 0.2, 0.3])
        document_store.write_documents([doc])
        reopened = SQLiteDocumentStore(document_store.index_dir)
        assert reopened.filter_documents() == [doc]

    def test_to_dict_from_dict(self, document_store):
        again = SQLiteDocumentStore.from_dict(document_store.to_dict())
        assert again.index_dir == document_store.index_dir
