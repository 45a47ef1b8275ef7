"""Turn the reader's chunk-level answers into the answer contract (``qa.answer.contract``), with citations into sources.

Every answer is re-anchored in its source's stored text (chunk offset + span offset) and checked:
``text[start:end] == answer`` must hold, or the answer is dropped. Spans that overlap in a
source are one answer, the best-scored: the same span found in two overlapping chunks, and the
near-copies a reader offers ("midnight local time" inside "at midnight local time (4:00 p.m."), so
the candidates a user sees are distinct alternatives (as Haystack's ``overlap_threshold``).
``context`` is the sentence(s) around it.
"""

from __future__ import annotations

import logging
from typing import Any

from haystack import component
from haystack.dataclasses import ExtractedAnswer

from qa.answer.contract import AnswerResult, CitedAnswer
from qa.ingest.sentences import sentence_spans
from qa.store import SQLDocumentStore
from qa.store.serialization import HoldsDocumentStore

log = logging.getLogger(__name__)


def sentence_context(text: str, start: int, end: int) -> tuple[str, int]:
    """The sentence(s) covering ``text[start:end]`` and the offset where they begin."""
    spans = [s for s in sentence_spans(text) if s[0] < end and s[1] > start] or [(start, end)]
    lo, hi = min(spans[0][0], start), max(spans[-1][1], end)
    return text[lo:hi], lo


@component
class CitedAnswerBuilder(HoldsDocumentStore):
    def __init__(self, document_store: SQLDocumentStore):
        self.document_store = document_store

    @component.output_types(result=dict)
    def run(self, query: str, answers: list[ExtractedAnswer], no_answer: bool, top_k: int = 5) -> dict[str, Any]:
        sources: dict[str, Any] = {}
        kept: list[CitedAnswer] = []
        passes: dict[tuple[str, int, int], bool] = {}  # the reader's own answer/abstain verdict per span
        for answer in sorted(answers, key=lambda a: a.score, reverse=True):
            chunk = answer.document
            source_id = chunk.meta.get("source_id")
            if source_id not in sources:
                sources[source_id] = self.document_store.get_source(source_id) if source_id else None
            source = sources[source_id]
            if source is None:  # deleted between retrieval and now
                continue
            start = chunk.meta["split_idx_start"] + answer.document_offset.start
            end = chunk.meta["split_idx_start"] + answer.document_offset.end
            if source.text[start:end] != answer.data:
                log.error("dropping an answer whose offsets do not match its source %s", source_id)
                continue
            if any(k["document_id"] == source_id and k["start"] < end and start < k["end"] for k in kept):
                continue  # overlaps a better-scored answer in the same source
            context, context_start = sentence_context(source.text, start, end)
            kept.append(CitedAnswer(
                answer=answer.data, score=round(float(answer.score), 4), document_id=source_id,
                document_name=source.name, start=start, end=end, context=context, context_start=context_start,
                chunk_id=chunk.id,
            ))
            passes[(source_id, start, end)] = bool(answer.meta.get("answers", True))
        ranked = kept[:top_k]
        top = ranked[0] if ranked else None
        no_answer = no_answer or top is None or not passes[(top["document_id"], top["start"], top["end"])]
        return {"result": AnswerResult(question=query, no_answer=no_answer, answers=ranked)}
