"""Haystack's own DocumentStore conformance suite, run on our SQLite store."""

import pytest
from haystack import Document
from haystack.document_stores.errors import DuplicateDocumentError
from haystack.document_stores.types import DuplicatePolicy
from haystack.testing.document_store import DocumentStoreBaseExtendedTests

from qa.store import SQLiteDocumentStore


class TestSQLiteDocumentStoreConformance(DocumentStoreBaseExtendedTests):
    @pytest.fixture
    def document_store(self, tmp_path):
        store = SQLiteDocumentStore(str(tmp_path / "index"))
        yield store
        store.close()

    def test_write_documents(self, document_store):
        """Every store must define its default policy: ours (NONE) fails on duplicates, like FAIL."""
        doc = Document(content="test doc")
        assert document_store.write_documents([doc]) == 1
        with pytest.raises(DuplicateDocumentError):
            document_store.write_documents([doc])
        assert document_store.filter_documents() == [doc]

    def test_failed_batch_writes_nothing(self, document_store):
        """A batch is one transaction: a duplicate in it leaves the store as it was."""
        first = Document(content="first")
        document_store.write_documents([first])
        with pytest.raises(DuplicateDocumentError):
            document_store.write_documents([Document(content="new"), first], policy=DuplicatePolicy.FAIL)
        assert document_store.filter_documents() == [first]

    def test_round_trip_survives_reopen(self, document_store, tmp_path):
        doc = Document(content="kept", meta={"n": 1, "tags": ["a"]}, embedding=[0.1, 0.2, 0.3])
        document_store.write_documents([doc])
        reopened = SQLiteDocumentStore(document_store.index_dir)
        assert reopened.filter_documents() == [doc]

    def test_to_dict_from_dict(self, document_store):
        again = SQLiteDocumentStore.from_dict(document_store.to_dict())
        assert again.index_dir == document_store.index_dir
