"""Turn one file (or uploaded bytes) into a Haystack Document, or say clearly why not.

Conversion itself is Haystack's converters (plain text, Markdown, HTML via trafilatura, PDF via
pypdf); this component picks one by file type and checks the input first, so a bad file (empty,
binary junk, not UTF-8, encrypted or broken PDF) becomes a readable failure instead of a warning
lost in a log.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from haystack import Document, component
from haystack.components.converters import (
    HTMLToDocument,
    MarkdownToDocument,
    PyPDFToDocument,
    TextFileToDocument,
)
from haystack.dataclasses import ByteStream

SUPPORTED_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
                      ".html": "html", ".htm": "html", ".pdf": "pdf"}


MAX_PDF_PAGES = 2000  # a longer PDF is refused before any text is extracted (time and memory stay bounded)
# What text extraction has to parse, summed over pages once decompressed: a 2,000-page book holds
# some 20 MB; a 50 kB "PDF bomb" (one highly compressed stream drawn on every page) gigabytes.
MAX_PDF_CONTENT_BYTES = 64 * 2**20


class ConversionError(ValueError):
    """A file that cannot become a document; the message says why."""


def file_kind(name: str) -> str:
    kind = SUPPORTED_SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        raise ConversionError(
            f"unsupported file type {Path(name).suffix or '(none)'!r}; supported: "
            + ", ".join(sorted(SUPPORTED_SUFFIXES))
        )
    return kind


class WrongContentType(ConversionError):
    """The content is not the kind of file its name says (a PNG named .txt, a ZIP named .pdf)."""


def content_type(data: bytes) -> str | None:
    """The MIME type of a known binary format by its magic bytes (``filetype``), else None."""
    import filetype

    guess = filetype.guess(data[:8192])
    return guess.mime if guess else None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_type(name: str, data: bytes) -> str:
    """The file's kind by its name, confirmed by its content, so a renamed binary is refused up
    front (``WrongContentType``) instead of being read as something it is not."""
    kind = file_kind(name)
    if not data.strip():
        return kind  # nothing to sniff: conversion says "empty file"
    if kind == "pdf":
        if not data.startswith(b"%PDF"):
            found = content_type(data)
            raise WrongContentType(f"not a PDF file (the content is {found or 'something else'})")
    elif data.lstrip().startswith(b"%PDF-"):
        raise WrongContentType("the content is a PDF, not text: name it .pdf")
    elif (found := content_type(data)) and not _is_text(data):  # sniff 8 kB first; decode only on a magic match
        raise WrongContentType(f"the content is {found}, not text")
    return kind


def _check_bytes(name: str, data: bytes) -> str:
    """The file's kind, once its bytes are known to be readable as that kind."""
    kind = check_type(name, data)  # an unsupported name first, then "empty", then the content's type
    if not data.strip():
        raise ConversionError("empty file")
    if kind == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(data))
        except (PdfReadError, ValueError, OSError) as exc:
            raise ConversionError(f"broken PDF ({exc})") from exc
        if reader.is_encrypted:
            raise ConversionError("encrypted PDF (decrypt it first)")
        try:
            pages = len(reader.pages)
        except (PdfReadError, ValueError, OSError, RecursionError) as exc:
            raise ConversionError(f"broken PDF ({exc})") from exc
        if pages > MAX_PDF_PAGES:
            raise ConversionError(f"PDF of {pages} pages; the limit is {MAX_PDF_PAGES} (split it first)")
        _check_pdf_content_size(reader)
        return kind
    if b"\x00" in data:
        raise ConversionError("binary data, not text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConversionError(f"not UTF-8 text (byte {exc.start})") from exc
    return kind


def _check_pdf_content_size(reader) -> None:
    """Refuse a PDF whose pages would make text extraction parse more than
    ``MAX_PDF_CONTENT_BYTES``: each page's content streams and form XObjects, decoded once each
    (shared ones counted on every page that draws them), stopping as soon as the sum is over."""
    from pypdf.errors import PyPdfError

    sizes: dict[int, int] = {}
    total = 0

    def resolved(obj):
        return obj.get_object() if hasattr(obj, "get_object") else obj

    def size(ref) -> int:
        key = getattr(ref, "idnum", None) or id(ref)
        if key not in sizes:
            sizes[key] = len(resolved(ref).get_data())
        return sizes[key]

    try:
        for page in reader.pages:
            contents = resolved(page.get("/Contents"))
            refs = list(contents) if isinstance(contents, list) else [contents] if contents is not None else []
            xobjects = resolved(resolved(page.get("/Resources") or {}).get("/XObject") or {})
            refs += [ref for ref in xobjects.values() if resolved(ref).get("/Subtype") == "/Form"]
            total += sum(size(ref) for ref in refs)
            if total > MAX_PDF_CONTENT_BYTES:
                break
    except (PyPdfError, ValueError, OSError, RecursionError, AttributeError, TypeError) as exc:
        raise ConversionError(f"broken PDF ({exc})") from exc
    if total > MAX_PDF_CONTENT_BYTES:
        raise ConversionError(f"PDF with more than {MAX_PDF_CONTENT_BYTES // 2**20} MB of page content once "
                              "decompressed (a decompression bomb?); the limit is there to bound conversion time")


@component
class FileConverter:
    """Route files to Haystack's converters by type; report each file that cannot be read."""

    def __init__(self) -> None:
        self._converters = {
            "text": TextFileToDocument(encoding="utf-8"),
            "markdown": MarkdownToDocument(progress_bar=False),
            "html": HTMLToDocument(),
            "pdf": PyPDFToDocument(),
        }

    @component.output_types(documents=list[Document], failures=list[dict])
    def run(self, sources: list[ByteStream], meta: list[dict[str, Any]]) -> dict[str, Any]:
        """``meta[i]["source_name"]`` names ``sources[i]``; it picks the converter."""
        documents, failures = [], []
        for stream, info in zip(sources, meta):
            name = info["source_name"]
            try:
                kind = _check_bytes(name, stream.data)
                converted = self._converters[kind].run(sources=[stream], meta=[info])["documents"]
                if not converted or not (converted[0].content or "").strip():
                    raise ConversionError("no text could be extracted")
            except ConversionError as exc:
                failures.append({"source_name": name, "source_id": info.get("source_id"), "path": info.get("path"),
                                 "error": str(exc)})
                continue
            documents.extend(converted[:1])
        return {"documents": documents, "failures": failures}
