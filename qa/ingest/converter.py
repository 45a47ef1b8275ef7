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


def _check_bytes(data: bytes, kind: str) -> None:
    if not data.strip():
        raise ConversionError("empty file")
    if kind == "pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        if not data.startswith(b"%PDF"):
            raise ConversionError("not a PDF file")
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
        return
    if b"\x00" in data:
        raise ConversionError("binary data, not text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConversionError(f"not UTF-8 text (byte {exc.start})") from exc


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
                kind = file_kind(name)
                _check_bytes(stream.data, kind)
                converted = self._converters[kind].run(sources=[stream], meta=[info])["documents"]
                if not converted or not (converted[0].content or "").strip():
                    raise ConversionError("no text could be extracted")
            except ConversionError as exc:
                failures.append({"source_name": name, "source_id": info.get("source_id"), "path": info.get("path"),
                                 "error": str(exc)})
                continue
            documents.extend(converted[:1])
        return {"documents": documents, "failures": failures}
