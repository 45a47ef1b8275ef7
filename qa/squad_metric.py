"""The official SQuAD 2.0 metric (EM / F1 with the standard answer normalisation).

Re-implemented from the official ``evaluate-v2.0.py`` because the packaged copies
(``evaluate``'s ``squad_v2``) fetch their script from a hub at run time, which fails offline.
An unanswerable question counts as correct only when the prediction is the empty string.
"""

from __future__ import annotations

import collections
import re
import string
from dataclasses import dataclass, field

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and articles, collapse white space (as the official script)."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(gold: str, prediction: str) -> float:
    return float(normalize_answer(gold) == normalize_answer(prediction))


def f1_score(gold: str, prediction: str) -> float:
    gold_tokens = normalize_answer(gold).split()
    pred_tokens = normalize_answer(prediction).split()
    if not gold_tokens or not pred_tokens:
        # An empty answer (abstention) is right only against an empty gold answer.
        return float(gold_tokens == pred_tokens)
    common = collections.Counter(gold_tokens) & collections.Counter(pred_tokens)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_tokens)
    recall = overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def best_over_golds(golds: list[str], prediction: str) -> tuple[float, float]:
    """EM and F1 of one prediction against all gold answers (empty list = unanswerable)."""
    golds = [g for g in golds if normalize_answer(g)] or [""]
    return (
        max(exact_match(g, prediction) for g in golds),
        max(f1_score(g, prediction) for g in golds),
    )


@dataclass
class SquadScores:
    """Accumulates per-question scores and reports overall / HasAns / NoAns, in percent."""

    _rows: list[tuple[bool, float, float]] = field(default_factory=list)

    def add(self, golds: list[str], prediction: str) -> tuple[float, float]:
        em, f1 = best_over_golds(golds, prediction)
        self._rows.append((bool(golds), em, f1))
        return em, f1

    def summary(self) -> dict:
        def part(rows):
            n = len(rows)
            return {
                "count": n,
                "exact": 100.0 * sum(r[1] for r in rows) / n if n else 0.0,
                "f1": 100.0 * sum(r[2] for r in rows) / n if n else 0.0,
            }

        return {
            "overall": part(self._rows),
            "HasAns": part([r for r in self._rows if r[0]]),
            "NoAns": part([r for r in self._rows if not r[0]]),
        }


def best_threshold(
    margins: dict[str, float], span_texts: dict[str, str], golds: dict[str, list[str]]
) -> tuple[float, float]:
    """Choose the no-answer threshold that maximises overall F1.

    ``margins[qid]`` is how much the best span beats the no-answer option; a question is answered
    when ``margin > threshold``. Returns ``(threshold, f1_percent)``. Same sweep as the official
    script's ``find_best_thresh``: sort by margin and move the cut one question at a time.
    """
    qids = list(margins)
    answer_f1 = [best_over_golds(golds[q], span_texts[q])[1] for q in qids]
    abstain_f1 = [0.0 if golds[q] else 1.0 for q in qids]
    return best_cut([margins[q] for q in qids], answer_f1, abstain_f1)


def best_cut(margins: list[float], answer_f1: list[float], abstain_f1: list[float]) -> tuple[float, float]:
    """``best_threshold`` on what each question earns answered (its span's F1) and abstained
    (1 when it has no answer), position by position."""
    if not margins:
        return 0.0, 0.0
    # Start with everything abstained (threshold above every margin), then admit in margin order.
    ordered = sorted(range(len(margins)), key=lambda i: margins[i], reverse=True)
    score = sum(abstain_f1)
    best_score, best_cut_at = score, margins[ordered[0]] + 1e-6
    for k, i in enumerate(ordered):
        score += answer_f1[i] - abstain_f1[i]
        next_margin = margins[ordered[k + 1]] if k + 1 < len(ordered) else margins[i] - 1.0
        if next_margin == margins[i]:
            continue  # a cut cannot fall between tied margins
        if score > best_score:
            best_score = score
            best_cut_at = (margins[i] + next_margin) / 2.0
    return best_cut_at, 100.0 * best_score / len(margins)
