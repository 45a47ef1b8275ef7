"""How much of a reader's abstention is memory: its scores on tune articles it trained on vs held-out ones.

    .venv/bin/python bench/seen_vs_unseen.py --model train-runs/reader26-out \
        [--model ...] [--seen-articles 5] [--output bench/results/seen-vs-unseen.json]

Every stage trains on the 25 tune articles that ``--heldout-seed 13`` leaves in (``--tune-repeats``
times a stage), and those ~4,400 questions are the only real SQuAD 2.0 unanswerables it has. The
same measures (margin AUC for "answerable", out-of-fold F1 with the threshold chosen by expected
gain on the other articles, never-abstain HasAns F1) on a few of those *seen* articles beside the 5
held-out ones show how far the reader has learned those questions by heart rather than learned to
abstain. A diagnosis: nothing here chooses a threshold or a reader.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_tune_file_option, cross_validated_row, tune_split
from bench.threshold_rules import margins_of


def never_abstain_hasans_f1(examples, texts: dict[str, str], margins: dict[str, float]) -> float:
    """F1 of the best span on the answerable questions: span quality with abstention set aside
    (the threshold training's report uses for its never-abstain rows)."""
    from qa.training.evaluation import score

    return round(score(texts, margins, examples, -1e9)["HasAns"]["f1"], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    parser.add_argument("--seen-articles", type=int, default=5,
                        help="how many of the training tune articles to score (the first of the seeded split)")
    parser.add_argument("--cache", type=Path, default=Path("train-runs/threshold-rules-cache"),
                        help="margins per model and part, shared with bench/threshold_rules.py (seed-13 split)")
    parser.add_argument("--output", type=Path, default=Path("bench/results/seen-vs-unseen.json"))
    add_tune_file_option(parser)
    args = parser.parse_args()

    from qa.training.squad_data import examples_from

    seen, heldout = tune_split(parser, args.tune_file)  # the seed-13 split every stage trains with
    parts = {f"seen{args.seen_articles}": seen[: args.seen_articles], "heldout": heldout}
    rows = json.loads(args.output.read_text()) if args.output.exists() else {}
    for model in args.model:
        row = {}
        for part, articles in parts.items():
            examples = examples_from(articles)
            texts, margins = margins_of(model, examples, args.cache, part=part)
            row[part] = {"articles": [a["title"] for a in articles], "questions": len(examples),
                         **cross_validated_row(examples, texts, margins),
                         "never_abstain_hasans_f1": never_abstain_hasans_f1(examples, texts, margins)}
        rows[model] = row
        print(model, json.dumps({p: {k: v for k, v in r.items() if k != "articles"} for p, r in row.items()}))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
