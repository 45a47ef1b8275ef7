"""Our extractive reader component, using the model's own no-answer score.

Haystack's ``TransformersExtractiveReader`` ignores the model's null (CLS) logit and scores
spans with a fixed sigmoid, so right and wrong answers get similar scores and abstention is
guesswork. This reader decodes spans with the same decoder the training evaluation used and
compares each span's ``margin`` (how far it beats the lowest no-answer score over all windows
read) with the threshold tuned on held-out data (``reader_config.json``): above it the reader
answers, below it the reader abstains. The score is the calibrated chance that the span is right,
``sigmoid(scale · (margin − threshold) + bias)``, fit on held-out articles (qa.training.calibration);
a reader without a calibration shows ``sigmoid(margin − threshold)``.

Across several retrieved passages, which span comes first also weighs the retrieval order: a
span in the n-th passage gives up ``rank_penalty · n`` of its margin. The reader alone cannot tell
"The keeper at Amber Point is A" from "The keeper at Red Point is B" when asked about Amber Point
(their margins are within half a logit), while retrieval ranks the passage naming Amber Point
first; the prior settles such near-ties (``rank_penalty`` in reader_config.json, else
``DEFAULT_RANK_PENALTY``, measured in bench/rank_prior.py), and a span from a lower passage shows
the lower confidence. Whether to answer at all is still the reader's own call: the best
unpenalised margin against the threshold, as tuned. One passage (reader mode) is unchanged.

A reader whose ``reader_config.json`` has a ``several_passages`` entry (``qa calibrate-open``,
qa.training.open_calibration) uses that threshold and calibration whenever it reads more than one
passage: fit through retrieval on held-out articles, where the margins run larger than one
paragraph at a time.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import ExtractedAnswer

from qa import paths
from qa.paths import reader_model_path
from qa.reading import READER_CONFIG
from qa.reading.confidence import answer_confidence
from qa.reading.span_decoder import best_spans, null_score, snap_to_words
from qa.reading.span_models import BACKENDS, load_span_model, span_logits
from qa.reading.windows import make_windows


CANDIDATES_PER_ANSWER = 4  # spans decoded per answer wanted, so that enough distinct ones remain
DEFAULT_RANK_PENALTY = 0.25  # bench/RESULTS.md "Near-ties between passages": held-out tune F1 +0.6; 1.0 flips the demo answer


def distinct_spans(scored: dict[tuple[int, int], float], limit: int) -> list[tuple[tuple[int, int], float]]:
    """The best ``limit`` spans of one passage that do not overlap a better one: "midnight local
    time" is not a second answer beside "at midnight local time (4:00 p.m. ET Saturday"."""
    kept: list[tuple[tuple[int, int], float]] = []
    for (start, end), score in sorted(scored.items(), key=lambda kv: kv[1], reverse=True):
        if len(kept) == limit:
            break
        if all(end <= s or e <= start for (s, e), _ in kept):
            kept.append(((start, end), score))
    return kept


@component
class SpanReader:
    def __init__(self, model: str | None = None, top_k: int = 5, answers_per_document: int = 3,
                 no_answer_threshold: float | None = None, batch_size: int = 16, backend: str | None = None,
                 read_first: int | None = None, stop_score: float = 0.9, rank_penalty: float | None = None):
        self.model = reader_model_path(model)  # fails with instructions when missing
        self.backend = backend or paths.READER_BACKEND
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown reader backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")
        config_file = Path(self.model) / READER_CONFIG
        config = json.loads(config_file.read_text()) if config_file.exists() else {}
        self._given_threshold = no_answer_threshold  # serialised as given: None re-reads the config
        self.no_answer_threshold = (
            no_answer_threshold if no_answer_threshold is not None else float(config.get("no_answer_threshold", 0.0))
        )
        self.calibration = config.get("calibration")
        # several passages have their own rule when one was fit (qa.training.open_calibration);
        # a threshold passed in explicitly is meant for every read
        several = config.get("several_passages") if no_answer_threshold is None else None
        self.several_passages = (float(several["no_answer_threshold"]), several.get("calibration")) if several else None
        self.rank_penalty = (
            rank_penalty if rank_penalty is not None else float(config.get("rank_penalty", DEFAULT_RANK_PENALTY))
        )
        self.max_length = int(config.get("max_length", 256))
        self.stride = int(config.get("stride", 128))
        self.top_k = top_k
        self.answers_per_document = answers_per_document
        self.batch_size = batch_size
        self.read_first = read_first
        self.stop_score = stop_score
        self._model = None
        self._tokenizer = None

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, model=self.model, top_k=self.top_k, answers_per_document=self.answers_per_document,
                               no_answer_threshold=self._given_threshold, batch_size=self.batch_size,
                               backend=self.backend, read_first=self.read_first, stop_score=self.stop_score,
                               rank_penalty=self.rank_penalty)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SpanReader":
        return default_from_dict(cls, data)

    def warm_up(self) -> None:
        if self._model is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.model)
            self._model = load_span_model(self.model, self.backend, paths.CACHE_DIR)

    def _read(self, query: str, documents: list[Document]) -> tuple[list[float], list[list]]:
        """Run the network over the documents' windows: each document's lowest no-answer score
        and its best spans."""
        windows = make_windows(self._tokenizer, [query] * len(documents), [d.content for d in documents],
                               self.max_length, self.stride)
        nulls = [math.inf] * len(documents)
        spans: list[list] = [[] for _ in documents]
        for w, s, e in span_logits(self._model, windows, self._tokenizer.pad_token_id, self.batch_size):
            nulls[w.pair_index] = min(nulls[w.pair_index], null_score(s, e))
            found = best_spans(s, e, w.offsets, n_best=CANDIDATES_PER_ANSWER * self.answers_per_document)
            spans[w.pair_index].extend(found)
        return nulls, spans

    def verdict_rule(self, passages: int) -> tuple[float, dict | None]:
        """The no-answer threshold and calibration for a question read over ``passages`` passages:
        the one-passage pair as trained, or for several the pair fit through retrieval when the
        reader has one (its margins run larger: more spans, the lowest null among more passages)."""
        if passages > 1 and self.several_passages:
            return self.several_passages
        return self.no_answer_threshold, self.calibration

    def _answers(self, query: str, documents: list[Document], nulls: list[float], spans: list[list]) -> list:
        # One question, one set of passages: like the windows of one long document (the SQuAD 2.0
        # recipe the threshold was tuned with), every span is weighed against the strongest
        # no-answer evidence among all passages read; later passages give up their rank's prior.
        null = min(nulls)
        threshold, calibration = self.verdict_rule(len(documents))
        answers = []
        for rank, (doc, found) in enumerate(zip(documents, spans)):
            best: dict[tuple[int, int], float] = {}
            for span in found:  # the same span seen in two windows keeps its best score
                key = snap_to_words(doc.content, span.char_start, span.char_end)
                best[key] = max(best.get(key, -math.inf), span.score)
            for (start, end), score in distinct_spans(best, self.answers_per_document):
                reader_margin = score - null
                margin = reader_margin - self.rank_penalty * rank
                answers.append(ExtractedAnswer(
                    query=query, score=answer_confidence(margin, threshold, calibration),
                    data=doc.content[start:end], document=doc, document_offset=ExtractedAnswer.Span(start, end),
                    meta={"margin": margin, "reader_margin": reader_margin},
                ))
        # answer or abstain: one verdict for the question, from the best span's own margin
        answerable = any(a.meta["reader_margin"] > threshold for a in answers)
        for answer in answers:
            answer.meta["answers"] = answerable
        return answers

    @component.output_types(answers=list[ExtractedAnswer], no_answer=bool)
    def run(self, query: str, documents: list[Document], top_k: int | None = None) -> dict[str, Any]:
        """Best answers across ``documents``, sorted by score; ``no_answer`` is True when no span's
        own margin passes the no-answer threshold.

        With ``read_first`` set, the documents (best first, as retrieval ranked them) are read in
        two rounds: the first ``read_first``, and the rest only when no answer so far reaches
        ``stop_score``: when the top chunks settle a question, the rest is not read."""
        self.warm_up()
        documents = [d for d in documents if d.content]
        if not documents or not query.strip():
            return {"answers": [], "no_answer": True}
        first = documents[: self.read_first] if self.read_first else documents
        nulls, spans = self._read(query, first)
        answers = self._answers(query, first, nulls, spans)
        rest = documents[len(first):]
        if rest and (not answers or max(a.score for a in answers) < self.stop_score):
            more_nulls, more_spans = self._read(query, rest)
            answers = self._answers(query, documents, nulls + more_nulls, spans + more_spans)
        answers.sort(key=lambda a: a.score, reverse=True)
        limit = top_k or self.top_k
        return {"answers": answers[:limit], "no_answer": not answers or not answers[0].meta["answers"]}
