"""Sentence boundaries by rule, with no data download (NLTK's punkt data is a run-time fetch).

Good enough for chunking: it must not cut a chunk in the middle of a sentence in the common
cases, and it never changes the text — it only returns character spans.
"""

from __future__ import annotations

import re

# Words that end with a period without ending the sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "rev", "hon", "no", "nos", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "a.m",
    "p.m", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "fig", "approx", "dept", "est", "mt", "ft", "vol", "ed", "al",
}
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n\s*\n|\n")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence, covering the non-blank text in order."""
    spans = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        end = match.end()
        if match.group().startswith((".",)) and not match.group().startswith(".."):
            before = _WORD_BEFORE.search(text[start : match.start() + 1])
            if before:
                word = before.group(1).lower()
                if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        if match.group()[0] not in "\n" and not _next_starts_sentence(text, end):
            continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return spans


def _next_starts_sentence(text: str, pos: int) -> bool:
    rest = text[pos : pos + 4].lstrip()
    return not rest or not rest[0].islower()


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
