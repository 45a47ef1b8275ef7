"""Threshold by leave-one-article-out cross-validation, and a calibration that means what it says."""

import math
import random

import numpy as np
import pytest

from qa.reading.confidence import answer_confidence
from qa.squad_metric import best_cut
from qa.training.calibration import (cross_validate, earnings, expected_gain_threshold, fit_calibration,
                                       leave_one_article_out, reliability_table)
from qa.training.squad_data import QAExample


def _synthetic(seed=0, articles=4, per_article=300):
    """Answerable questions have higher margins; the span is right with a probability that rises
    with the margin as a known logistic curve."""
    rng = random.Random(seed)
    examples, texts, margins = [], {}, {}
    for a in range(articles):
        for i in range(per_article):
            qid = f"t{a}-{i}"
            answerable = rng.random() < 0.5
            margin = rng.gauss(3.0 if answerable else -1.0, 2.0)
            right = answerable and rng.random() < 1 / (1 + math.exp(-(margin - 1.0)))
            examples.append(QAExample(qid, f"title{a}", "q?", "gold text", "gold" if answerable else "",
                                      0 if answerable else -1, ("gold",) if answerable else ()))
            texts[qid] = "gold" if right else "something else"
            margins[qid] = margin
    return examples, texts, margins


def test_cross_validation_rotates_every_article_and_reports_out_of_fold_scores():
    examples, texts, margins = _synthetic()
    cv = cross_validate(examples, texts, margins)
    assert [f["held_out"] for f in cv["folds"]] == ["title0", "title1", "title2", "title3"]
    assert sum(f["questions"] for f in cv["folds"]) == len(examples)
    assert cv["out_of_fold"]["overall"]["count"] == len(examples)
    assert 0.75 < cv["auc_answerable"] <= 1.0
    # out-of-fold F1 does not beat the best F1 any threshold reaches on the same questions in hindsight
    from qa.training.evaluation import tune_threshold
    assert cv["out_of_fold"]["overall"]["f1"] <= tune_threshold(texts, margins, examples)[1] + 1e-9
    assert cv["threshold_rule"].startswith("expected gain")


def test_calibrated_confidence_matches_accuracy_on_held_out_folds():
    """Here the chance of a right span is exactly logistic in the margin, so a calibration fit on
    four articles must match the fifth's accuracy within sampling error (2.8 standard errors)."""
    rng = random.Random(1)
    examples, texts, margins = [], {}, {}
    for i in range(3000):
        qid, margin = f"q{i}", rng.gauss(1.0, 2.5)
        examples.append(QAExample(qid, f"title{i % 5}", "q?", "gold", "gold", 0, ("gold",)))
        texts[qid] = "gold" if rng.random() < 1 / (1 + math.exp(-1.5 * (margin - 1.0))) else "other"
        margins[qid] = margin
    cv = cross_validate(examples, texts, margins)
    assert cv["ece_out_of_fold"] < 0.04
    for row in cv["reliability_out_of_fold"]:
        if row["count"] >= 200:
            assert abs(row["mean_confidence"] - row["accuracy"]) < 0.1, row
    assert cv["calibration"]["scale"] > 0  # a larger margin means a likelier right answer


def test_reliability_table_bins_and_error():
    confidences = np.array([0.05, 0.15, 0.95, 0.95, 1.0])
    right = np.array([False, False, True, False, True])
    rows, ece = reliability_table(confidences, right)
    assert len(rows) == 10 and sum(r["count"] for r in rows) == 5
    assert rows[9] == {"bin": "0.9–1.0", "count": 3, "mean_confidence": 0.967, "accuracy": 0.667}
    assert ece == pytest.approx((0.05 + 0.15 + 3 * (2.9 / 3 - 2 / 3)) / 5, abs=1e-4)


def test_calibration_of_a_single_class_is_a_constant_rate():
    calibration = fit_calibration(np.array([1.0, 2.0, 3.0]), np.array([False, False, False]), 0.0)
    assert calibration["scale"] == 0.0 and answer_confidence(5.0, 0.0, calibration) < 0.01
    assert fit_calibration(np.array([]), np.array([], dtype=bool), 0.0) is None


def test_a_calibration_never_lowers_confidence_as_the_margin_grows():
    # right answers at low margins only: a logistic fit would slope downwards
    calibration = fit_calibration(np.array([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0]),
                                  np.array([True, True, False, False, False, False]), 0.0)
    assert calibration["scale"] == 0.0
    assert answer_confidence(-3.0, 0.0, calibration) == answer_confidence(3.0, 0.0, calibration) == pytest.approx(1 / 3)


def test_one_article_chooses_a_threshold_but_judges_nothing():
    examples, texts, margins = _synthetic(articles=1)
    cv = cross_validate(examples, texts, margins)
    assert cv["folds"] == [] and cv["out_of_fold"] == {} and cv["reliability_out_of_fold"] == []
    assert cv["calibration"]["scale"] > 0


def test_each_article_is_left_out_once_with_a_threshold_fit_on_the_others():
    examples, texts, margins = _synthetic(articles=3, per_article=80)
    titles = np.array([e.title for e in examples])
    margin = np.array([margins[e.qid] for e in examples])
    answer_f1, abstain_f1 = earnings(examples, texts)
    folds = list(leave_one_article_out(titles, margin, answer_f1, abstain_f1))
    assert [title for title, _, _ in folds] == ["title0", "title1", "title2"]
    assert sum(held.astype(int) for _, held, _ in folds).tolist() == [1] * len(examples)
    for title, held, threshold in folds:
        assert set(titles[held]) == {title}
        assert threshold == expected_gain_threshold(margin[~held], answer_f1[~held], abstain_f1[~held])
    one = titles == "title0"
    assert list(leave_one_article_out(titles[one], margin[one], answer_f1[one], abstain_f1[one])) == []


def _gains(seed, n, centre, spread=1.0):
    """Answerable with probability sigmoid((margin - centre) / spread), its span then right:
    answering pays 2 * that - 1 on average, which is 0 exactly at ``centre``."""
    rng = np.random.default_rng(seed)
    margins = rng.uniform(centre - 8, centre + 8, n)
    answerable = rng.random(n) < 1 / (1 + np.exp(-(margins - centre) / spread))
    return margins, answerable.astype(float), (~answerable).astype(float)


def test_the_expected_gain_threshold_is_where_answering_starts_to_pay():
    for centre in (-2.0, 0.0, 3.5):
        margins, answer, abstain = _gains(0, 4000, centre)
        assert expected_gain_threshold(margins, answer, abstain) == pytest.approx(centre, abs=0.3)


def test_the_expected_gain_threshold_moves_less_than_the_best_cut_between_samples():
    """The argmax of a step function jumps where F1 is flat (a gain that rises slowly with the
    margin, as a reader's does); the smooth fit moves less. Same samples for both rules."""
    smooth, cut = [], []
    for seed in range(20):
        margins, answer, abstain = _gains(seed, 300, 1.0, spread=3.0)
        smooth.append(expected_gain_threshold(margins, answer, abstain))
        cut.append(best_cut(margins.tolist(), answer.tolist(), abstain.tolist())[0])
    assert np.std(smooth) < 0.8 * np.std(cut)
    assert abs(np.mean(smooth) - 1.0) < 0.3


def test_an_uninformative_margin_answers_all_or_nothing():
    margins = np.array([1.0, 2.0, 3.0, 4.0])
    assert expected_gain_threshold(margins, np.zeros(4), np.ones(4)) > 4.0  # nothing answerable: abstain on all
    assert expected_gain_threshold(margins, np.ones(4), np.zeros(4)) < 1.0  # every span right: answer all
    # answering pays less as the margin grows: a margin that says nothing useful, answer nothing
    assert expected_gain_threshold(margins, np.array([1.0, 1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0, 1.0])) > 4.0
    assert expected_gain_threshold(np.array([]), np.array([]), np.array([])) == 0.0


def test_questions_without_a_span_do_not_bend_the_threshold():
    margins, answer, abstain = _gains(0, 4000, 1.0)
    clean = expected_gain_threshold(margins, answer, abstain)
    # no candidate span: the margin is the clip value and answering earns nothing
    with_none = expected_gain_threshold(np.append(margins, [-1e4] * 40), np.append(answer, [0.0] * 40),
                                        np.append(abstain, [0.0] * 40))
    assert with_none == pytest.approx(clean)
