"""Decode answer spans from a QA model's start/end logits, window by window.

Shared by the training evaluation and the runtime reader so that the threshold tuned during
training means the same thing at run time. A window is one tokenised (question, context slice)
pair; ``offsets[i]`` is the ``(char_start, char_end)`` of token ``i`` in the context, or ``None``
for question / special tokens. Position 0 is the CLS token, whose start+end logit is the
model's "no answer" score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

MAX_ANSWER_TOKENS = 30
TOP_CANDIDATES = 20


@dataclass(frozen=True)
class Span:
    score: float  # start logit + end logit
    char_start: int
    char_end: int


def null_score(start_logits: np.ndarray, end_logits: np.ndarray) -> float:
    return float(start_logits[0] + end_logits[0])


def best_spans(
    start_logits: np.ndarray,
    end_logits: np.ndarray,
    offsets: Sequence[tuple[int, int] | None],
    n_best: int = 1,
    max_answer_tokens: int = MAX_ANSWER_TOKENS,
) -> list[Span]:
    """The ``n_best`` highest-scoring context spans of one window, best first, distinct by chars."""
    context = np.array([o is not None for o in offsets])
    if not context.any():
        return []
    masked_start = np.where(context, start_logits, -np.inf)
    masked_end = np.where(context, end_logits, -np.inf)
    k = min(TOP_CANDIDATES, int(context.sum()))
    starts = np.argpartition(-masked_start, k - 1)[:k]
    ends = np.argpartition(-masked_end, k - 1)[:k]
    candidates: dict[tuple[int, int], float] = {}
    for s in starts:
        for e in ends:
            if e < s or e - s + 1 > max_answer_tokens:
                continue
            char_span = (offsets[s][0], offsets[e][1])
            if char_span[1] <= char_span[0]:
                continue
            score = float(masked_start[s] + masked_end[e])
            if score > candidates.get(char_span, -np.inf):
                candidates[char_span] = score
    ranked = sorted(candidates.items(), key=lambda kv: kv[1], reverse=True)[:n_best]
    return [Span(score, cs, ce) for (cs, ce), score in ranked]


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span that starts or ends inside a word (a sub-word token) to whole words."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end
