"""Would averaging the logits of several readers separate answerable from unanswerable better?

    .venv/bin/python bench/reader_ensemble.py --model train-runs/reader16-out --model train-runs/reader18-out

On the 5 held-out SQuAD 2.0 tune articles (heldout seed 13; never trained on): each reader alone,
then the mean of their start/end logits window by window (same tokenizer, so the same windows),
decoded as one reader (``qa.training.evaluation.predict_margins``). Reports the ROC AUC of the
margin and the F1 with the threshold chosen with each article left out in turn. A weight average
of stages 15–17 bought nothing (bench/RESULTS.md, stage 18); averaging outputs keeps each
reader's own function, at the cost of reading once per member. The evaluation sample is not touched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_tune_file_option, cross_validated_row, heldout_articles


class MeanOfLogits:
    """Span models whose start/end logits are averaged (any objects with ``logits(batch)``)."""

    backend = "ensemble"

    def __init__(self, members):
        self.members = members

    def logits(self, batch):
        outs = [m.logits(batch) for m in self.members]
        return np.mean([s for s, _ in outs], axis=0), np.mean([e for _, e in outs], axis=0)


def main() -> None:
    from qa.training.squad_data import examples_from

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable, ≥ 2)")
    add_tune_file_option(parser)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=Path("bench/results/reader-ensemble.json"))
    args = parser.parse_args()
    if len(args.model) < 2:
        parser.error("an ensemble needs two or more --model")
    examples = examples_from(heldout_articles(parser, args.tune_file))

    import torch
    from transformers import AutoTokenizer

    from qa.reading.span_models import TorchSpanModel
    from qa.training.evaluation import predict_margins

    torch.set_num_threads(args.threads)
    tokenizer = AutoTokenizer.from_pretrained(args.model[0])
    members = [TorchSpanModel(model_dir) for model_dir in args.model]
    runs = [(m, [model]) for m, model in zip(args.model, members)] + [(" + ".join(args.model), members)]
    results = {}
    print("| reader(s) | held-out AUC | CV F1 | HasAns F1 | NoAns F1 | ECE |")
    print("|---|---|---|---|---|---|")
    for name, group in runs:
        span_model = group[0] if len(group) == 1 else MeanOfLogits(group)
        texts, margins = predict_margins(span_model, tokenizer, examples, 256, 128)
        row = results[name] = cross_validated_row(examples, texts, margins)
        print(f"| {name} | {row['auc']} | {row['cv_f1']} | {row['hasans_f1']} | {row['noans_f1']} | {row['ece']} |",
              flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
