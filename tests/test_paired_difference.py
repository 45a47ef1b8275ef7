"""bench/paired_difference.py: its per-question out-of-fold F1 is the training report's CV F1, question
by question, and the paired bootstrap sees no difference between a reader and itself."""

import random

import numpy as np
import pytest

pytest.importorskip("sklearn")

from bench.paired_difference import out_of_fold_f1, paired_bootstrap, replaces  # noqa: E402
from qa.training.calibration import cross_validate  # noqa: E402
from qa.training.squad_data import QAExample  # noqa: E402


def _held_out(seed: int = 3):
    rng = random.Random(seed)
    examples, texts, margins = [], {}, {}
    for title in ("Alpha", "Beta", "Gamma"):
        for i in range(40):
            answerable = rng.random() < 0.55
            qid = f"{title}-{i}"
            gold = f"the {title} bridge {i}"
            examples.append(QAExample(qid=qid, title=title, question="q", context="c", answer_text=gold if answerable else "",
                                      answer_start=0 if answerable else -1, golds=(gold,) if answerable else ()))
            texts[qid] = rng.choice([gold, f"bridge {i}", "something else"])
            margins[qid] = rng.gauss(2.0 if answerable else 0.0, 2.0)
    return examples, texts, margins


def test_out_of_fold_f1_averages_to_the_cross_validated_f1():
    examples, texts, margins = _held_out()
    per_question = out_of_fold_f1(examples, texts, margins)
    assert per_question.shape == (len(examples),)
    assert 100 * per_question.mean() == pytest.approx(cross_validate(examples, texts, margins)["out_of_fold"]["overall"]["f1"])


def test_a_reader_against_itself_differs_by_nothing_and_a_better_one_is_ahead():
    examples, texts, margins = _held_out()
    f1 = out_of_fold_f1(examples, texts, margins)
    margin = np.array([margins[e.qid] for e in examples])
    answerable = np.array([bool(e.golds) for e in examples]).astype(int)
    same = paired_bootstrap(f1, f1, margin, margin, answerable, rounds=50, seed=1)
    assert same["cv_f1"]["difference"] == 0 and same["cv_f1"]["interval_95"] == [0, 0]
    assert same["auc"]["share_ahead"] == 0
    sharper = margin + 3.0 * (answerable - 0.5)  # answerable margins up, unanswerable down
    better = paired_bootstrap(f1, np.maximum(f1, 0.5), margin, sharper, answerable, rounds=50, seed=1)
    assert better["auc"]["difference"] > 0 and better["auc"]["interval_95"][0] > 0
    assert better["cv_f1"]["share_ahead"] == 1.0


def _comparison(f1_difference, f1_interval, auc_difference, auc_interval):
    return {"questions": 1654, "cv_f1": {"difference": f1_difference, "interval_95": f1_interval},
            "auc": {"difference": auc_difference, "interval_95": auc_interval}}


def test_a_stage_replaces_the_candidate_when_ahead_and_neither_metric_is_surely_worse():
    examples, texts, margins = _held_out()
    f1 = out_of_fold_f1(examples, texts, margins)
    margin = np.array([margins[e.qid] for e in examples])
    answerable = np.array([bool(e.golds) for e in examples]).astype(int)
    assert not replaces(paired_bootstrap(f1, f1, margin, margin, answerable, rounds=50, seed=1))  # itself
    sharper = margin + 3.0 * (answerable - 0.5)
    better = paired_bootstrap(f1, np.maximum(f1, 0.5), margin, sharper, answerable, rounds=50, seed=1)
    assert replaces(better) is True  # a plain bool: it goes into the JSON report
    # stage 37 against 34: F1 a little lower within noise, AUC surely higher
    assert replaces(_comparison(-0.66, [-1.81, 0.45], 0.0127, [0.0068, 0.0187]))
    assert replaces(_comparison(0.3, [-0.8, 1.4], -0.002, [-0.008, 0.004]))  # F1 ahead, AUC within noise
    assert not replaces(_comparison(0.3, [-0.8, 1.4], -0.01, [-0.016, -0.004]))  # F1 ahead, AUC surely worse
    assert not replaces(_comparison(-1.5, [-2.6, -0.4], 0.02, [0.01, 0.03]))  # AUC ahead, F1 surely worse
    assert not replaces(_comparison(-0.5, [-1.6, 0.6], 0.004, [-0.002, 0.01]))  # behind, AUC within noise
    # a tie keeps the incumbent: the soup's +0.01 against stage 38 is less than one question's worth
    assert not replaces(_comparison(0.01, [-0.9, 0.89], -0.001, [-0.005, 0.003]))
    assert replaces(_comparison(0.07, [-0.9, 1.0], -0.001, [-0.005, 0.003]))
