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
from pathlib import Path

import numpy as np

import qa  # noqa: F401  (offline environment)
from qa import paths


class MeanOfLogits:
    """Span models whose start/end logits are averaged (any objects with ``logits(batch)``)."""

    backend = "ensemble"

    def __init__(self, members):
        self.members = members

    def logits(self, batch):
        outs = [m.logits(batch) for m in self.members]
        return np.mean([s for s, _ in outs], axis=0), np.mean([e for _, e in outs], axis=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable, ≥ 2)")
    parser.add_argument("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=Path("bench/results/reader-ensemble.json"))
    args = parser.parse_args()
    if not Path(args.tune_file).exists():
        parser.exit(1, f"no tune file at {args.tune_file}: the held-out articles come from it\n")

    import torch
    from transformers import AutoTokenizer

    from qa.reading.span_models import TorchSpanModel
    from qa.training.calibration import cross_validate
    from qa.training.evaluation import predict_margins
    from qa.training.squad_data import examples_from, load_articles, split_articles

    torch.set_num_threads(args.threads)
    _, heldout = split_articles(load_articles(args.tune_file), 5, 13)
    examples = examples_from(heldout)
    tokenizer = AutoTokenizer.from_pretrained(args.model[0])
    members = [TorchSpanModel(model_dir) for model_dir in args.model]
    runs = [(m, [model]) for m, model in zip(args.model, members)] + [(" + ".join(args.model), members)]
    results = {}
    print("| reader(s) | held-out AUC | CV F1 | HasAns F1 | NoAns F1 | ECE |")
    print("|---|---|---|---|---|---|")
    for name, group in runs:
        span_model = group[0] if len(group) == 1 else MeanOfLogits(group)
        texts, margins = predict_margins(span_model, tokenizer, examples, 256, 128)
        cv = cross_validate(examples, texts, margins)
        oof = cv["out_of_fold"]
        row = results[name] = {"auc": cv["auc_answerable"], "cv_f1": round(oof["overall"]["f1"], 2),
                               "hasans_f1": round(oof["HasAns"]["f1"], 2), "noans_f1": round(oof["NoAns"]["f1"], 2),
                               "ece": cv["ece_out_of_fold"]}
        print(f"| {name} | {row['auc']} | {row['cv_f1']} | {row['hasans_f1']} | {row['noans_f1']} | {row['ece']} |",
              flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
