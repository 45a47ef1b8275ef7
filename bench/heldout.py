"""The held-out SQuAD 2.0 tune articles the reader probes score on, and their scores there.

Training holds out 5 tune articles with ``--heldout-seed`` (13 by default) and never trains on
them; the probes in bench/ judge a reader there (never on the evaluation sample), with the
threshold chosen with each article left out in turn, as the training report does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from qa import paths

TUNE_FILE = paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"


def add_tune_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tune-file", default=str(TUNE_FILE))


def add_margin_probe_options(parser: argparse.ArgumentParser, eval_help: str | None = None) -> None:
    """The options every probe over cached held-out margins shares: which articles, where the margins
    are kept (bench/threshold_rules.py's cache), the JSON output; with ``eval_help``, a report-only sample."""
    parser.add_argument("--heldout-seed", type=int, default=13)
    add_tune_file_option(parser)
    parser.add_argument("--cache", default="train-runs/threshold-rules-cache",
                        help="margins per model, keyed by its path: clear it when the weights change ('' for none)")
    if eval_help:
        parser.add_argument("--eval-file", help=eval_help)
    parser.add_argument("--output")


def tune_split(parser: argparse.ArgumentParser, tune_file: str, seed: int = 13) -> tuple[list[dict], list[dict]]:
    """(the tune articles training uses, the held-out ones), or a clean exit when the tune file is
    absent (a fresh clone)."""
    from qa.training.squad_data import load_articles, split_articles

    if not Path(tune_file).exists():
        parser.exit(1, f"no tune file at {tune_file}: the held-out articles come from it\n")
    return split_articles(load_articles(tune_file), 5, seed)


def heldout_articles(parser: argparse.ArgumentParser, tune_file: str, seed: int = 13) -> list[dict]:
    """The held-out articles, or a clean exit when the tune file is absent (a fresh clone)."""
    return tune_split(parser, tune_file, seed)[1]


def cross_validated_row(examples, texts: dict[str, str], margins: dict[str, float]) -> dict:
    """AUC of the margin for "answerable" and the out-of-fold F1 (threshold chosen per left-out article)."""
    from qa.training.calibration import cross_validate

    cv = cross_validate(examples, texts, margins)
    oof = cv["out_of_fold"]
    return {"auc": cv["auc_answerable"], "cv_f1": round(oof["overall"]["f1"], 2),
            "hasans_f1": round(oof["HasAns"]["f1"], 2), "noans_f1": round(oof["NoAns"]["f1"], 2),
            "ece": cv["ece_out_of_fold"], "threshold": round(cv["threshold"], 3)}
