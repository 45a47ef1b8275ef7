"""Split documents into overlapping, sentence-aligned chunks that remember where they came from.

Each chunk is ``text[split_idx_start : split_idx_start + len(content)]`` of its document (exactly),
so a span the reader finds in a chunk maps back to the stored text by adding one offset.
"""

from __future__ import annotations

from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict

from qa.ingest.sentences import sentence_spans


def _words(text: str) -> int:
    return len(text.split())


@component
class SentenceChunker:
    """Pack whole sentences into chunks of at most ``max_words`` words and ``max_chars``
    characters; consecutive chunks share up to ``overlap_words`` words of whole sentences. A
    sentence longer than a chunk is cut at word boundaries, and a "word" longer than ``max_chars``
    (a megabyte without a space) into pieces of ``max_chars``, so no chunk is too long to read."""

    def __init__(self, max_words: int = 180, overlap_words: int = 40, max_chars: int = 4000):
        if max_words < 1 or not 0 <= overlap_words < max_words or max_chars < 1:
            raise ValueError("need max_words >= 1, 0 <= overlap_words < max_words and max_chars >= 1")
        self.max_words = max_words
        self.overlap_words = overlap_words
        self.max_chars = max_chars

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, max_words=self.max_words, overlap_words=self.overlap_words,
                               max_chars=self.max_chars)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SentenceChunker":
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        chunks = []
        for doc in documents:
            text = doc.content or ""
            for i, (start, end) in enumerate(self.chunk_spans(text)):
                meta = {**doc.meta, "parent_id": doc.id, "split_id": i, "split_idx_start": start}
                chunks.append(Document(content=text[start:end], meta=meta))
        return {"documents": chunks}

    def chunk_spans(self, text: str) -> list[tuple[int, int]]:
        units = []  # sentences, with over-long ones cut into word runs
        for start, end in sentence_spans(text):
            if _words(text[start:end]) <= self.max_words:
                units.append((start, end))
            else:
                units.extend(self._word_runs(text, start, end))
        units = [piece for s, e in units for piece in self._char_pieces(s, e)]
        sizes = [_words(text[s:e]) for s, e in units]
        spans, first = [], 0
        while first < len(units):
            last, total = first, sizes[first]
            while (last + 1 < len(units) and total + sizes[last + 1] <= self.max_words
                   and units[last + 1][1] - units[first][0] <= self.max_chars):
                last += 1
                total += sizes[last]
            spans.append((units[first][0], units[last][1]))
            if last + 1 >= len(units):
                break
            # Start the next chunk with the trailing sentences that fit in the overlap.
            nxt, overlap = last + 1, 0
            while (nxt - 1 > first and overlap + sizes[nxt - 1] <= self.overlap_words
                   and units[last + 1][1] - units[nxt - 1][0] <= self.max_chars):
                nxt -= 1
                overlap += sizes[nxt]
            first = nxt
        return spans

    def _char_pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        return [(b, min(b + self.max_chars, end)) for b in range(start, end, self.max_chars)] or [(start, end)]

    def _word_runs(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        import re

        words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
        step = self.max_words - self.overlap_words
        runs = []
        for i in range(0, len(words), step):
            piece = words[i : i + self.max_words]
            runs.append((piece[0][0], piece[-1][1]))
            if i + self.max_words >= len(words):
                break
        return runs
