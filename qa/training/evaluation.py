"""Run a QA model over SQuAD examples and score it with the official SQuAD 2.0 metric."""

from __future__ import annotations

import math

import numpy as np

from qa.reading.span_decoder import best_spans, null_score, snap_to_words
from qa.reading.span_models import TorchSpanModel, span_logits
from qa.reading.windows import make_windows
from qa.squad_metric import SquadScores, best_threshold
from qa.training.calibration import MARGIN_LIMIT
from qa.training.squad_data import QAExample


def predict_margins(
    model, tokenizer, examples: list[QAExample], max_length: int, stride: int,
    batch_size: int = 64, device: str = "cpu",
) -> tuple[dict[str, str], dict[str, float]]:
    """Best span text and its margin over "no answer" for every example (``model``: a torch
    model, or any span model of ``qa.reading.span_models``).

    margin = best span score over all windows − lowest no-answer score over all windows
    (the HF SQuAD 2.0 convention); the question is answered when margin > threshold.
    """
    windows = make_windows(
        tokenizer, [e.question for e in examples], [e.context for e in examples], max_length, stride
    )
    best: dict[int, tuple[float, str]] = {}
    nulls: dict[int, float] = {}
    span_model = model if hasattr(model, "logits") else TorchSpanModel(model=model, device=device)
    for w, s, e in span_logits(span_model, windows, tokenizer.pad_token_id, batch_size):
        idx = w.pair_index
        nulls[idx] = min(nulls.get(idx, math.inf), null_score(s, e))
        spans = best_spans(s, e, w.offsets)
        if spans and spans[0].score > best.get(idx, (-math.inf, ""))[0]:
            context = examples[idx].context
            start, end = snap_to_words(context, spans[0].char_start, spans[0].char_end)
            best[idx] = (spans[0].score, context[start:end])
    texts, margins = {}, {}
    for idx, example in enumerate(examples):
        score, text = best.get(idx, (-math.inf, ""))
        texts[example.qid] = text
        margins[example.qid] = float(np.clip(score - nulls.get(idx, math.inf), -MARGIN_LIMIT, MARGIN_LIMIT))
    return texts, margins


def tune_threshold(texts, margins, examples: list[QAExample]) -> tuple[float, float]:
    golds = {e.qid: list(e.golds) for e in examples}
    return best_threshold(margins, texts, golds)


def score(texts, margins, examples: list[QAExample], threshold: float) -> dict:
    scores = SquadScores()
    for e in examples:
        scores.add(list(e.golds), texts[e.qid] if margins[e.qid] > threshold else "")
    return scores.summary()
