"""Honest confidence for the reader: a threshold chosen by cross-validation over held-out
articles, and a margin → "chance the answer is right" mapping checked on articles it was not fit on.

One article's questions share a topic and a writer, so their margins are correlated: choosing
the no-answer threshold on one article and calling it general overfits. Here every article in
turn is left out, the threshold and the calibration are fit on the others and judged on it, and
the pooled out-of-fold judgements are what we report (the shipped values are then fit on all).

The threshold is where answering starts to pay on average: a question answered earns its span's
F1, one abstained earns 1 if it has no answer, and a logistic curve of that gain over the margin,
fit on all the questions, crosses even at one margin. The official script's alternative, the cut
that maximises F1 on the questions at hand, is the argmax of a step function: where F1 is flat over
a range of margins it jumps from one end to the other between folds (one stage's five folds chose
7.4, 4.2, 7.4, 7.8 and 7.4), and the left-out article pays for it. On five stages' held-out
articles the smooth rule's out-of-fold F1 was as high or higher every time (bench/threshold_rules.py).

Calibration is Platt scaling (scikit-learn's logistic regression on the margin): the shown
confidence is ``sigmoid(scale · (margin − threshold) + bias)``, monotone in the margin, so the
order of answers never changes; only the number means something. "Right" means the top span's
SQuAD F1 against the gold answers is at least 0.5 (an unanswerable question has no right span).
"""

from __future__ import annotations

import math

import numpy as np

from qa.reading.confidence import answer_confidence
from qa.squad_metric import SquadScores, best_over_golds
from qa.training.squad_data import QAExample

RIGHT_F1 = 0.5
MARGIN_LIMIT = 1e4  # margins are clipped to ±this; -this means no span was found
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def is_right(example: QAExample, text: str) -> bool:
    return bool(example.golds) and best_over_golds(list(example.golds), text)[1] >= RIGHT_F1


def earnings(examples: list[QAExample], texts: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Per question, the F1 that answering with its best span earns and the F1 that abstaining
    earns (1 when it has no answer): what every threshold rule trades off."""
    answer_f1 = np.array([best_over_golds(list(e.golds), texts[e.qid])[1] if e.golds else 0.0 for e in examples])
    abstain_f1 = np.array([0.0 if e.golds else 1.0 for e in examples])
    return answer_f1, abstain_f1


def expected_gain_threshold(margins: np.ndarray, answer_f1: np.ndarray, abstain_f1: np.ndarray) -> float:
    """The margin above which answering earns more F1 than abstaining, on average: where a logistic
    fit of (answer − abstain + 1) / 2 on the margin crosses one half. A margin that does not make
    answering pay more as it grows gives a threshold that answers all or nothing."""
    from sklearn.linear_model import LogisticRegression

    margins = np.asarray(margins, float)
    target = (np.asarray(answer_f1, float) - np.asarray(abstain_f1, float) + 1.0) / 2.0
    # a question with no candidate span has the clip value for a margin (qa.training.evaluation):
    # it is abstained on whatever the threshold, and its distance would only bend the fit
    spans = np.abs(margins) < MARGIN_LIMIT
    margins, target = margins[spans], target[spans]
    if not len(margins):
        return 0.0
    everything, nothing = float(np.min(margins)) - 1e-6, float(np.max(margins)) + 1e-6
    if np.ptp(margins) == 0 or np.all(target == target[0]):
        return everything if target.mean() > 0.5 else nothing
    # fractional labels as two weighted rows per question
    x = np.concatenate([margins, margins]).reshape(-1, 1)
    y = np.concatenate([np.ones(len(margins)), np.zeros(len(margins))])
    fit = LogisticRegression(C=1e4).fit(x, y, sample_weight=np.concatenate([target, 1.0 - target]))
    slope, intercept = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    if slope <= 0:
        return everything if target.mean() > 0.5 else nothing
    return -intercept / slope


def fit_calibration(margins: np.ndarray, right: np.ndarray, threshold: float) -> dict | None:
    """``{"scale", "bias"}`` for qa.reading.confidence.answer_confidence; None without data."""
    from sklearn.linear_model import LogisticRegression

    if not len(right):
        return None
    rate = float(np.clip(right.mean(), 1e-3, 1 - 1e-3))
    constant = {"scale": 0.0, "bias": math.log(rate / (1 - rate))}  # nothing to separate: an honest flat rate
    if right.all() or not right.any():
        return constant
    model = LogisticRegression(C=1e4).fit((margins - threshold).reshape(-1, 1), right.astype(int))
    scale = float(model.coef_[0, 0])
    # a larger margin must never mean a lower confidence: answers are ranked by it
    return {"scale": scale, "bias": float(model.intercept_[0])} if scale > 0 else constant


def roc_auc(margins: np.ndarray, positive: np.ndarray) -> float:
    """Chance that a random positive scores above a random negative (nan when one class is missing)."""
    from sklearn.metrics import roc_auc_score

    if positive.all() or not positive.any():
        return float("nan")
    return float(roc_auc_score(positive.astype(int), margins))


def reliability_table(confidences: np.ndarray, right: np.ndarray) -> tuple[list[dict], float]:
    """Bins of confidence with how often the answers in them were right; and the expected
    calibration error (bin-weighted |confidence − accuracy|)."""
    rows, ece = [], 0.0
    for lo, hi in zip(BINS[:-1], BINS[1:]):
        inside = (confidences >= lo) & ((confidences < hi) if hi < 1.0 else (confidences <= hi))
        n = int(inside.sum())
        if not n:
            rows.append({"bin": f"{lo:.1f}–{hi:.1f}", "count": 0, "mean_confidence": None, "accuracy": None})
            continue
        mean_conf, accuracy = float(confidences[inside].mean()), float(right[inside].mean())
        ece += n / len(confidences) * abs(mean_conf - accuracy)
        rows.append({"bin": f"{lo:.1f}–{hi:.1f}", "count": n, "mean_confidence": round(mean_conf, 3),
                     "accuracy": round(accuracy, 3)})
    return rows, round(ece, 4)


def leave_one_article_out(titles: np.ndarray, margins: np.ndarray, answer_f1: np.ndarray,
                          abstain_f1: np.ndarray, rule=expected_gain_threshold):
    """Per article (sorted by title): its title, the mask of its questions and the threshold that
    ``rule`` (margins, answer F1, abstain F1 → threshold) fits on the other articles' questions.
    Nothing with fewer than two articles: then nothing is left to fit on. The one fold scheme every
    cross-validated score here uses."""
    titles = np.asarray(titles)
    names = sorted(set(titles.tolist()))
    if len(names) < 2:
        return
    for title in names:
        held = titles == title
        yield title, held, rule(margins[~held], answer_f1[~held], abstain_f1[~held])


def cross_validate(examples: list[QAExample], texts: dict[str, str], margins: dict[str, float]) -> dict:
    """Leave one article out at a time: threshold (expected gain) and calibration fit on the others,
    judged on it. Returns the final threshold and calibration (fit on all articles), the pooled
    out-of-fold SQuAD scores and reliability table, and the per-fold thresholds (none with fewer
    than two articles: then nothing is left to judge on)."""
    margin_of = np.array([margins[e.qid] for e in examples])
    right = np.array([is_right(e, texts[e.qid]) for e in examples])
    answer_f1, abstain_f1 = earnings(examples, texts)
    oof_conf, judged = np.zeros(len(examples)), np.zeros(len(examples), dtype=bool)
    scores = SquadScores()
    folds = []
    titles = np.array([e.title for e in examples])
    for title, held, threshold in leave_one_article_out(titles, margin_of, answer_f1, abstain_f1):
        calibration = fit_calibration(margin_of[~held], right[~held], threshold)
        judged |= held
        for i in np.flatnonzero(held):
            e = examples[i]
            oof_conf[i] = answer_confidence(margins[e.qid], threshold, calibration)
            scores.add(list(e.golds), texts[e.qid] if margins[e.qid] > threshold else "")
        folds.append({"held_out": title, "threshold": round(threshold, 3), "questions": int(held.sum())})
    threshold = expected_gain_threshold(margin_of, answer_f1, abstain_f1)
    calibration = fit_calibration(margin_of, right, threshold)
    table, ece = reliability_table(oof_conf[judged], right[judged]) if judged.any() else ([], None)
    return {
        "threshold": threshold,
        "calibration": calibration,
        "out_of_fold": scores.summary() if judged.any() else {},
        "reliability_out_of_fold": table,
        "ece_out_of_fold": ece,
        "auc_answerable": round(roc_auc(margin_of, np.array([bool(e.golds) for e in examples])), 4),
        "folds": folds,
        "threshold_rule": "expected gain (qa.training.calibration.expected_gain_threshold)",
        "right_means": f"top span F1 >= {RIGHT_F1} against a gold answer",
    }
