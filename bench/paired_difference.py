"""Is one reader better than another on the held-out articles, or is the difference noise? A paired bootstrap.

    .venv/bin/python bench/paired_difference.py --base train-runs/reader28-out --model train-runs/reader33-out \
        [--rounds 2000] [--output bench/results/paired-difference.json]

Both readers answer the same 1,654 held-out tune questions (``--heldout-seed`` 13, never trained
on). Per question, the out-of-fold F1 is what the reader earns at the expected-gain threshold fit on
the other four articles (as ``qa.training.calibration.cross_validate`` scores it: its mean is the
CV F1 of the training report). Resampling the questions with replacement, the same draw for both
readers, gives a 95% interval for the difference in CV F1 and in margin AUC for "answerable", and
the share of draws in which the model is ahead. Margins come from ``bench/threshold_rules.py``'s
cache (computed once per model). Thresholds are not refit per draw: the interval is for these
readers at these thresholds.

Each comparison ends in a ``verdict`` (``replaces``): the rule by which a stage takes over
``models/candidates/`` from the reader it is compared with (decided 2026-12-07, fifth session).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_tune_file_option, heldout_articles
from bench.threshold_rules import margins_of


def out_of_fold_f1(examples, texts: dict[str, str], margins: dict[str, float]) -> np.ndarray:
    """Each question's F1 at the expected-gain threshold fit on the other articles."""
    from qa.training.calibration import earnings, leave_one_article_out

    titles = np.array([e.title for e in examples])
    margin = np.array([margins[e.qid] for e in examples])
    answer_f1, abstain_f1 = earnings(examples, texts)
    earned = np.zeros(len(examples))
    for _title, held, threshold in leave_one_article_out(titles, margin, answer_f1, abstain_f1):
        earned[held] = np.where(margin[held] > threshold, answer_f1[held], abstain_f1[held])
    return earned


def paired_bootstrap(base_f1, model_f1, base_margin, model_margin, answerable, rounds: int, seed: int) -> dict:
    """Differences (model − base) in mean F1 (×100) and AUC, with 95% intervals over resampled questions."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    n = len(base_f1)
    f1_diffs, auc_diffs = [], []
    for _ in range(rounds):
        pick = rng.integers(0, n, n)
        f1_diffs.append(100 * (model_f1[pick].mean() - base_f1[pick].mean()))
        labels = answerable[pick]
        auc_diffs.append(roc_auc_score(labels, model_margin[pick]) - roc_auc_score(labels, base_margin[pick]))

    def summary(observed: float, diffs: list[float]) -> dict:
        low, high = np.percentile(diffs, [2.5, 97.5])
        return {"difference": round(observed, 4), "interval_95": [round(low, 4), round(high, 4)],
                "share_ahead": round(float(np.mean(np.array(diffs) > 0)), 4)}

    return {"questions": n, "cv_f1": summary(100 * (model_f1.mean() - base_f1.mean()), f1_diffs),
            "auc": summary(roc_auc_score(answerable, model_margin) - roc_auc_score(answerable, base_margin), auc_diffs)}


def replaces(comparison: dict) -> bool:
    """Does the model take the base's place as the candidate to continue?

    Neither CV F1 nor AUC may be surely worse (each interval must reach above zero), and one of them must
    be ahead: CV F1 by its point estimate (the bar as it always was), or AUC surely (its whole interval
    above zero). The threshold-free AUC is the network's separation, what has limited F1 since stage 4;
    a sure gain there with F1 within noise is progress the threshold rule can cash later, while a higher
    CV F1 bought with surely worse separation is not. A tie keeps the incumbent (decided 2026-12-07,
    seventh session, before stage 40 was measured): "ahead" in CV F1 means by at least one question's
    worth (100 / questions points, 0.06 on 1,654), not by a rounding error.
    """
    f1, auc = comparison["cv_f1"], comparison["auc"]
    neither_surely_worse = f1["interval_95"][1] > 0 and auc["interval_95"][1] > 0
    f1_ahead = f1["difference"] >= 100 / comparison["questions"]
    return bool(neither_surely_worse and (f1_ahead or auc["interval_95"][0] > 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the reader to beat (folder)")
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cache", type=Path, default=Path("train-runs/threshold-rules-cache"),
                        help="margins per model and part, shared with bench/threshold_rules.py")
    parser.add_argument("--output", type=Path, default=Path("bench/results/paired-difference.json"))
    add_tune_file_option(parser)
    args = parser.parse_args()

    from qa.training.squad_data import examples_from

    examples = examples_from(heldout_articles(parser, args.tune_file))
    answerable = np.array([bool(e.golds) for e in examples]).astype(int)

    def read(model):
        texts, margins = margins_of(model, examples, args.cache)
        return out_of_fold_f1(examples, texts, margins), np.array([margins[e.qid] for e in examples])

    base_f1, base_margin = read(args.base)
    rows = json.loads(args.output.read_text()) if args.output.exists() else {}
    for model in args.model:
        f1, margin = read(model)
        row = {"base": args.base, "rounds": args.rounds,
               "base_cv_f1": round(100 * base_f1.mean(), 2), "model_cv_f1": round(100 * f1.mean(), 2),
               **paired_bootstrap(base_f1, f1, base_margin, margin, answerable, args.rounds, args.seed)}
        row["replaces"] = replaces(row)
        rows[f"{model} vs {args.base}"] = row
        print(model, "vs", args.base, json.dumps(row))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
