"""Where does the reader's "answerable?" judgement fail? Margins on the held-out tune articles by group.

    .venv/bin/python bench/answerability_groups.py --model train-runs/reader16-out --model train-runs/reader18-out

For each reader: its margin (best span − no answer, as the threshold reads it) on the 5 held-out
SQuAD 2.0 tune articles (heldout seed 13: never trained on), split two ways — by whether the
question's names and numbers all appear in the paragraph, and by the share of the question's
content words the paragraph holds — with the median margin of answerable and unanswerable
questions and the ROC AUC of the margin inside each group ("one missing": one or more of the
question's names and numbers absent from the paragraph). A group with an AUC near 0.5 is one the
reader cannot judge; margins that climb with the shared words in both classes show it leaning on
overlap. Scores held-out articles only; the evaluation sample is not touched.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_tune_file_option, heldout_articles

OVERLAP_BINS = [(0.0, 0.5, "< 50%"), (0.5, 0.75, "50–75%"), (0.75, 1.0, "75–99%"), (1.0, 1.01, "all")]
GROUP_ORDER = ["no name or number", "all in the paragraph", "one missing", *(name for _, _, name in OVERLAP_BINS)]


def auc(positives: list[float], negatives: list[float]) -> float | None:
    """The margin's ROC AUC for "answerable" (``qa.training.calibration.roc_auc``); None for a group
    missing one of the two classes."""
    import numpy as np

    from qa.training.calibration import roc_auc

    if not positives or not negatives:
        return None
    return roc_auc(np.array(positives + negatives), np.array([True] * len(positives) + [False] * len(negatives)))


def mention_group(example) -> str:
    from qa.training.hard_negatives import _contains, _mentions

    mentions = _mentions(example.question)
    if not mentions:
        return "no name or number"
    context = example.context.lower()
    return "all in the paragraph" if all(_contains(context, m.group()) for _, m in mentions) else "one missing"


def overlap_group(example) -> str:
    from qa.training.hard_negatives import _content_words

    words = _content_words(example.question)
    share = len(words & _content_words(example.context)) / max(1, len(words))
    return next(name for low, high, name in OVERLAP_BINS if low <= share < high)


def summarise(examples, margins: dict[str, float], grouping) -> dict[str, dict]:
    groups: dict[str, dict[str, list[float]]] = {}
    for e in examples:
        bucket = groups.setdefault(grouping(e), {"answerable": [], "unanswerable": []})
        bucket["answerable" if e.golds else "unanswerable"].append(margins[e.qid])
    out = {}
    for name, b in sorted(groups.items(), key=lambda item: GROUP_ORDER.index(item[0])):
        area = auc(b["answerable"], b["unanswerable"])
        out[name] = {
            "answerable": len(b["answerable"]), "unanswerable": len(b["unanswerable"]),
            "median_margin_answerable": round(statistics.median(b["answerable"]), 2) if b["answerable"] else None,
            "median_margin_unanswerable": round(statistics.median(b["unanswerable"]), 2) if b["unanswerable"] else None,
            "auc": None if area is None else round(area, 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    add_tune_file_option(parser)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", type=Path, default=Path("bench/results/answerability-groups.json"))
    args = parser.parse_args()
    heldout = heldout_articles(parser, args.tune_file)

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.training.evaluation import predict_margins
    from qa.training.squad_data import examples_from

    torch.set_num_threads(args.threads)
    examples = examples_from(heldout)
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    for model_dir in args.model:
        model = AutoModelForQuestionAnswering.from_pretrained(model_dir, dtype=torch.float32).eval()
        _, margins = predict_margins(model, AutoTokenizer.from_pretrained(model_dir), examples, 256, 128)
        answerable = [margins[e.qid] for e in examples if e.golds]
        unanswerable = [margins[e.qid] for e in examples if not e.golds]
        results[model_dir] = {"questions": len(examples), "auc": round(auc(answerable, unanswerable), 3),
                              "by_names_and_numbers": summarise(examples, margins, mention_group),
                              "by_shared_words": summarise(examples, margins, overlap_group)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    for model_dir in args.model:
        r = results[model_dir]
        print(f"\n{model_dir}: {r['questions']} held-out questions, AUC {r['auc']}")
        print("| group | answerable | unanswerable | median margin, answerable | median margin, unanswerable | AUC |")
        print("|---|---|---|---|---|---|")
        for title, key in (("names and numbers", "by_names_and_numbers"), ("shared content words", "by_shared_words")):
            for name, g in r[key].items():
                print(f"| {title}: {name} | {g['answerable']} | {g['unanswerable']} | {g['median_margin_answerable']} | "
                      f"{g['median_margin_unanswerable']} | {g['auc']} |")


if __name__ == "__main__":
    main()
