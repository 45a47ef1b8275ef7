"""What every one of our document stores promises beyond Haystack's conformance suite; the SQLite
and PostgreSQL test classes both inherit it (not collected itself: no ``Test`` prefix)."""

from __future__ import annotations

import pytest
from haystack import Document
from haystack.document_stores.errors import DuplicateDocumentError
from haystack.document_stores.types import DuplicatePolicy
from haystack.testing.document_store import DocumentStoreBaseExtendedTests


class OurStoreContract(DocumentStoreBaseExtendedTests):
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
