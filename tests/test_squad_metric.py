from qa.squad_metric import SquadScores, best_over_golds, best_threshold, normalize_answer


def test_normalisation_drops_case_punctuation_and_articles():
    assert normalize_answer("The  Morning, of September 27!") == "morning of september 27"


def test_partial_overlap_scores_f1_but_not_em():
    em, f1 = best_over_golds(["the morning of September 27"], "September 27")
    assert em == 0.0
    assert abs(f1 - 2 * (2 / 2) * (2 / 4) / (1 + 2 / 4)) < 1e-9


def test_unanswerable_is_right_only_when_abstaining():
    assert best_over_golds([], "") == (1.0, 1.0)
    assert best_over_golds([], "anything") == (0.0, 0.0)
    assert best_over_golds(["Paris"], "") == (0.0, 0.0)


def test_summary_splits_has_and_no_answer():
    scores = SquadScores()
    scores.add(["Paris"], "Paris")
    scores.add([], "")
    scores.add([], "London")
    summary = scores.summary()
    assert summary["HasAns"] == {"count": 1, "exact": 100.0, "f1": 100.0}
    assert summary["NoAns"]["f1"] == 50.0
    assert round(summary["overall"]["f1"], 6) == round(200 / 3, 6)


def test_threshold_separates_confident_answers_from_abstentions():
    golds = {"a": ["x"], "b": ["y"], "c": [], "d": []}
    texts = {"a": "x", "b": "y", "c": "z", "d": "w"}
    margins = {"a": 5.0, "b": 3.0, "c": 1.0, "d": -2.0}
    threshold, f1 = best_threshold(margins, texts, golds)
    assert 1.0 < threshold < 3.0
    assert f1 == 100.0
