"""How well a reader's no-answer margin separates answerable from unanswerable questions.

    .venv/bin/python bench/reader_separation.py [--model models/reader] [--output bench/results/reader-separation.json]

A diagnosis, never a tuning step: on the evaluation sample it reports the ROC AUC of the margin
(best span score − no-answer score) for "answerable", the F1 at the shipped threshold, and the F1
that the best threshold *in hindsight* would reach. When the two F1s are close, the threshold is
not what holds the score down; the model's separation is.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import qa  # noqa: F401  (offline environment)
from qa import paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(paths.DEFAULT_READER_DIR))
    parser.add_argument("--eval-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-sample.json"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.reading import READER_CONFIG
    from qa.training.calibration import roc_auc
    from qa.training.evaluation import predict_margins, score, tune_threshold
    from qa.training.squad_data import examples_from, load_articles

    torch.set_num_threads(args.threads)
    folder = Path(args.model)
    config = json.loads((folder / READER_CONFIG).read_text())
    model = AutoModelForQuestionAnswering.from_pretrained(folder, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    examples = examples_from(load_articles(args.eval_file))
    texts, margins = predict_margins(model, tokenizer, examples, config["max_length"], config["stride"])
    answerable = np.array([bool(e.golds) for e in examples])
    hindsight_threshold, _ = tune_threshold(texts, margins, examples)
    result = {
        "model": str(folder),
        "eval_file": Path(args.eval_file).name,
        "auc_margin_for_answerable": round(roc_auc(np.array([margins[e.qid] for e in examples]), answerable), 4),
        "shipped_threshold": config["no_answer_threshold"],
        "at_shipped_threshold": score(texts, margins, examples, config["no_answer_threshold"]),
        "hindsight_threshold": hindsight_threshold,
        "at_hindsight_threshold": score(texts, margins, examples, hindsight_threshold),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")


if __name__ == "__main__":
    main()
