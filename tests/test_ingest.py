"""Converting, cleaning, chunking and storing files; bad files are reported, never fatal."""

from __future__ import annotations

import gzip
import time

import pytest

from qa.ingest.indexer import Indexer
from qa.pipeline import open_store
from tests.pdf_fixtures import bomb_pdf, text_pdf


@pytest.fixture
def indexer(tmp_path, embedder):
    return Indexer(open_store(tmp_path / "index"), embedder=embedder)


GOOD_FILES = {
    "notes.txt": b"The bridge opened in 1932.\r\nIt was painted red in 1950.\n",
    "guide.md": b"# Bridge guide\n\nThe bridge **opened** in 1932. It is *red*.\n",
    "page.html": (b"<html><head><title>Bridge</title></head><body><article><h1>The bridge</h1>"
                  b"<p>The bridge opened in 1932 after four years of work by many people.</p>"
                  b"<p>It was painted red in 1950, and repainted in 1990 by the city council.</p>"
                  b"</article></body></html>"),
    "report.pdf": text_pdf(["The bridge opened in 1932.", "It was painted red in 1950."]),
    # text whose first bytes happen to be a binary format's magic ("ID3" is MP3's): still text
    "tags.txt": b"ID3 tags were added to the files in 1932, the archive says.\n",
}


@pytest.mark.parametrize("name", sorted(GOOD_FILES))
def test_each_supported_type_is_indexed_with_exact_chunk_offsets(indexer, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(GOOD_FILES[name])
    result = indexer.add_file(path)
    assert result.status == "indexed", result.error
    source = indexer.store.get_source(result.source_id)
    assert "1932" in source.text and "<p>" not in source.text and "\r" not in source.text
    chunks = indexer.store.filter_documents({"field": "meta.source_id", "operator": "==", "value": result.source_id})
    assert chunks and all(len(c.embedding) == 384 for c in chunks)
    for chunk in chunks:
        start = chunk.meta["split_idx_start"]
        assert source.text[start : start + len(chunk.content)] == chunk.content


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blank.md": (b"  \n\n ", "empty"),
    "junk.txt": (bytes(range(256)) * 4, "binary"),
    "latin1.txt": ("Caf\u00e9 cr\u00e8me".encode("latin-1"), "not UTF-8"),
    "broken.pdf": (b"%PDF-1.4\n this is not really a pdf", "PDF"),
    "fake.pdf": (b"hello, I am text", "not a PDF"),
    "locked.pdf": (text_pdf(["secret"], password="pw"), "encrypted"),
    "image.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "unsupported file type"),
    # checked by content, not only by name
    "photo.txt": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "the content is image/png, not text"),
    "archive.md": (b"PK\x03\x04" + b"\x00" * 40, "the content is application/zip"),
    "page.html": (b"GIF89a" + b"\x00" * 40, "the content is image/gif"),
    "report.txt": (text_pdf(["The bridge opened in 1932."]), "the content is a PDF, not text: name it .pdf"),
    "archive.pdf": (b"PK\x03\x04" + b"\x00" * 40, "not a PDF file (the content is application/zip)"),
    # never decompressed: 64 MB of zeros in 64 kB of gzip is refused by its magic bytes
    "bomb.txt": (gzip.compress(bytes(64 * 2**20), 9), "the content is application/gzip"),
    # a 60 kB PDF whose 40 pages all draw one 8 MB stream: refused before extraction (which would take minutes)
    "bomb.pdf": (bomb_pdf(40, 8), "decompression bomb"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_reported_and_skipped(indexer, tmp_path, name):
    data, reason = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    began = time.perf_counter()
    result = indexer.add_file(path)
    assert result.status == "failed"
    assert reason in result.error
    assert time.perf_counter() - began < 10
    assert indexer.store.count_sources() == 0 and indexer.store.count_documents() == 0


def test_a_one_megabyte_single_line_is_indexed_in_bounded_chunks(indexer, tmp_path):
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"".join(b"word%06d-" % i for i in range(2**20 // 11)))  # 1 MB, no space, no newline
    result = indexer.add_file(path)
    assert result.status == "indexed", result.error
    source = indexer.store.get_source(result.source_id)
    chunks = indexer.store.filter_documents({"field": "meta.source_id", "operator": "==", "value": result.source_id})
    assert len(chunks) == result.chunks and sum(len(c.content) for c in chunks) >= len(source.text)
    for chunk in chunks:
        start = chunk.meta["split_idx_start"]
        assert 0 < len(chunk.content) <= 4000 and source.text[start : start + len(chunk.content)] == chunk.content


def test_reindexing_unchanged_is_a_no_op_and_changed_replaces(indexer, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("The bridge opened in 1932. " * 80)
    first = indexer.add_file(path)
    generation = indexer.store.generation()
    again = indexer.add_file(path)
    assert again.status == "unchanged" and again.source_id == first.source_id
    assert indexer.store.generation() == generation  # nothing was written

    path.write_text("The tunnel opened in 1960.")
    changed = indexer.add_file(path)
    assert changed.status == "indexed" and changed.source_id == first.source_id
    assert indexer.store.count_sources() == 1
    contents = [d.content for d in indexer.store.filter_documents()]
    assert contents == ["The tunnel opened in 1960."]


def test_deleting_a_source_removes_its_chunks_and_vectors(indexer, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"Document {name} talks about bridges and rivers.")
    a = indexer.add_file(tmp_path / "a.txt")
    indexer.add_file(tmp_path / "b.txt")
    indexer.finish()
    assert len(indexer.store.vector_index()) == 2
    assert indexer.store.delete_source(a.source_id) is True
    assert indexer.store.delete_source(a.source_id) is False
    assert len(indexer.store.vector_index()) == 1
    assert [d.meta["source_name"] for d in indexer.store.filter_documents()] == ["b.txt"]


def test_store_refuses_another_embedding_model(tmp_path):
    from qa.store import EmbeddingModelMismatch, SQLiteDocumentStore

    open_store(tmp_path / "ix")
    with pytest.raises(EmbeddingModelMismatch, match="all-MiniLM-L6-v2"):
        SQLiteDocumentStore(str(tmp_path / "ix"), "some/other-model", 768)


def test_stale_or_missing_vector_file_is_rebuilt(indexer, tmp_path):
    (tmp_path / "a.txt").write_text("Rivers and bridges.")
    indexer.add_file(tmp_path / "a.txt")
    indexer.finish()
    vectors = tmp_path / "index" / "vectors.faiss"
    assert vectors.exists()
    vectors.write_bytes(b"garbage")
    fresh = open_store(tmp_path / "index")
    assert len(fresh.vector_index()) == 1
    vectors.unlink()
    assert len(open_store(tmp_path / "index").vector_index()) == 1


def test_a_batch_gives_each_file_its_own_result_in_order(indexer, tmp_path):
    from qa.ingest.indexer import IndexItem

    indexer.add_bytes("kept.txt", b"The tower was finished in 1889.")
    results = indexer.add_many([
        IndexItem("bridge.txt", b"The bridge opened in 1932. It was painted red in 1950."),
        IndexItem("junk.pdf", b"not a pdf at all"),
        IndexItem("kept.txt", b"The tower was finished in 1889."),  # already indexed, unchanged
        IndexItem("notes.txt", b"First version."),
        IndexItem("notes.txt", b"Second version of the notes."),  # same source again: the later one wins
    ])
    assert [r.status for r in results] == ["indexed", "failed", "unchanged", "indexed", "indexed"]
    assert "not a PDF" in results[1].error
    assert results[3].source_id == results[4].source_id
    assert indexer.store.get_source(results[4].source_id).text == "Second version of the notes."
    assert indexer.store.count_sources() == 3  # bridge, kept, notes


def test_a_pdf_over_the_page_limit_is_refused_before_extraction(monkeypatch):
    import io

    from pypdf import PdfReader, PdfWriter

    from qa.ingest import converter

    one_page = PdfReader(io.BytesIO(text_pdf(["Page text."])))
    writer = PdfWriter()
    for _ in range(5):
        writer.add_page(one_page.pages[0])
    data = io.BytesIO()
    writer.write(data)
    monkeypatch.setattr(converter, "MAX_PDF_PAGES", 4)
    with pytest.raises(converter.ConversionError, match="PDF of 5 pages; the limit is 4"):
        converter._check_bytes("book.pdf", data.getvalue())
    monkeypatch.setattr(converter, "MAX_PDF_PAGES", 5)
    converter._check_bytes("book.pdf", data.getvalue())
