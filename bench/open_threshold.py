"""Does the no-answer threshold chosen one passage at a time hold when the reader reads several?

    .venv/bin/python bench/open_threshold.py --model train-runs/reader34-out \
        [--eval-file ../shared/data/squad2-dev-sample.json] [--output bench/results/open-threshold.json]

The threshold and calibration in ``reader_config.json`` are fit on held-out tune articles with each
question read against its own paragraph. The product reads the top ``READ_K`` chunks retrieval
finds, and weighs every span against the lowest no-answer score among them, so a question meets
more candidate spans and a lower null: its best margin is larger than its one-paragraph margin,
and a threshold fit one paragraph at a time answers more often than it should.

Here the five held-out articles' paragraphs are indexed as documents (as ``qa eval squad --mode
open`` does with the sample) and every held-out question is asked through the product's own
retrieval and reader. Each question's open margin is the best unpenalised margin among the spans
the reader returns (what decides answer or abstain), its text the top answer. With each article
left out in turn (``qa.training.calibration.leave_one_article_out``), the out-of-fold F1 in open
mode is scored at two thresholds: the one fit on the other articles' one-paragraph margins (what
ships today), and the one fit on their open margins. With ``--eval-file`` the sample is scored the
same way in open mode at both thresholds fit on all five articles (a report, never a choice).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_margin_probe_options, heldout_articles
from bench.threshold_rules import cached_margins, margins_of
from qa.training.calibration import earnings, expected_gain_threshold, leave_one_article_out


def cached_open_margins(model: str, articles: list[dict], examples, cache: Path | None,
                        part: str) -> tuple[dict, dict]:
    """qa.training.open_calibration.open_margins, kept in ``cache`` beside bench/threshold_rules.py's
    one-paragraph margins."""
    from qa.training.open_calibration import open_margins

    return cached_margins(model, cache, f"open-{part}", lambda: open_margins(model, articles, examples))


def judged(examples, texts: dict, margins: dict, thresholds: np.ndarray) -> dict:
    """F1 (×100) overall, answerable and unanswerable, answering where the margin passes the threshold."""
    margin = np.array([margins[e.qid] for e in examples])
    answer, abstain = earnings(examples, texts)
    earned = np.where(margin > thresholds, answer, abstain)
    has = abstain == 0
    return {"f1": round(100 * earned.mean(), 2), "hasans_f1": round(100 * earned[has].mean(), 2),
            "noans_f1": round(100 * earned[~has].mean(), 2), "answered": round(float((margin > thresholds).mean()), 3)}


def compare(examples, one_texts, one_margins, open_texts, open_margins_) -> dict:
    """Open-mode out-of-fold F1, and the reliability of the confidence shown, at the threshold and
    calibration fit per fold on one-paragraph margins and on open margins."""
    from qa.reading.confidence import answer_confidence
    from qa.training.calibration import fit_calibration, is_right, reliability_table

    titles = np.array([e.title for e in examples])
    open_margin = np.array([open_margins_[e.qid] for e in examples])
    open_right = np.array([is_right(e, open_texts[e.qid]) for e in examples])

    def arrays(texts, margins):
        answer, abstain = earnings(examples, texts)
        return np.array([margins[e.qid] for e in examples]), answer, abstain

    one, opened = arrays(one_texts, one_margins), arrays(open_texts, open_margins_)
    one_right = np.array([is_right(e, one_texts[e.qid]) for e in examples])
    rows = {}
    for name, source, right in (("one-paragraph threshold", one, one_right),
                                ("open threshold", opened, open_right)):
        per_question, confidence, folds = np.zeros(len(examples)), np.zeros(len(examples)), []
        for _title, held, threshold in leave_one_article_out(titles, *source):
            calibration = fit_calibration(source[0][~held], right[~held], threshold)
            per_question[held] = threshold
            confidence[held] = [answer_confidence(m, threshold, calibration) for m in open_margin[held]]
            folds.append(round(threshold, 2))
        answered = open_margin > per_question
        table, ece_answered = reliability_table(confidence[answered], open_right[answered])
        threshold_all = expected_gain_threshold(*source)
        rows[name] = {**judged(examples, open_texts, open_margins_, per_question), "fold_thresholds": folds,
                      "threshold_all": round(threshold_all, 3),
                      "calibration_all": fit_calibration(source[0], right, threshold_all),
                      "ece_all": reliability_table(confidence, open_right)[1], "ece_answered": ece_answered,
                      "reliability_answered": table}
    return rows


def on_sample(examples, texts: dict, margins: dict, fitted: dict) -> dict:
    """The sample in open mode at a threshold and calibration fit on all five held-out articles."""
    from qa.reading.confidence import answer_confidence
    from qa.training.calibration import is_right, reliability_table

    threshold, calibration = fitted["threshold_all"], fitted["calibration_all"]
    margin = np.array([margins[e.qid] for e in examples])
    right = np.array([is_right(e, texts[e.qid]) for e in examples])
    confidence = np.array([answer_confidence(m, threshold, calibration) for m in margin])
    answered = margin > threshold
    table, ece = reliability_table(confidence[answered], right[answered])
    return {**judged(examples, texts, margins, np.full(len(examples), threshold)), "ece_answered": ece,
            "reliability_answered": table}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="reader folder")
    add_margin_probe_options(parser, "also score this SQuAD 2.0 file in open mode at both thresholds")
    args = parser.parse_args()

    from qa.training.squad_data import examples_from, load_articles

    articles = heldout_articles(parser, args.tune_file, args.heldout_seed)
    examples = examples_from(articles)
    cache = Path(args.cache) if args.cache else None
    one_texts, one_margins = margins_of(args.model, examples, cache)
    t0 = time.time()
    open_texts, open_m = cached_open_margins(args.model, articles, examples, cache, "heldout")
    report = {"command": ["python", "bench/open_threshold.py", *sys.argv[1:]], "model": args.model,
              "questions": len(examples), "open_seconds": round(time.time() - t0, 1),
              "heldout_out_of_fold": compare(examples, one_texts, one_margins, open_texts, open_m)}
    if args.eval_file:
        sample_articles = load_articles(args.eval_file)
        sample = examples_from(sample_articles)
        s_texts, s_margins = cached_open_margins(args.model, sample_articles, sample, cache, Path(args.eval_file).stem)
        report["sample_open"] = {name: on_sample(sample, s_texts, s_margins, row)
                                 for name, row in report["heldout_out_of_fold"].items()}
    print(json.dumps({k: v for k, v in report.items() if k != "command"}, indent=1))
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
