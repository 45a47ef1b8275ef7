"""Does another way of reading the same logits tell answerable from unanswerable better?

    .venv/bin/python bench/decoding_variants.py --model train-runs/reader18-out [--model ...]

For each reader, on the 5 held-out SQuAD 2.0 tune articles (heldout seed 13: never trained on),
the network runs once per window size; from the same start/end logits each variant scores a
question's answerability, and the table gives its ROC AUC and the F1 with the threshold chosen
with each article left out in turn (``qa.training.calibration.cross_validate``, as training reports):

- ``min null`` (as shipped): best span over all windows − lowest no-answer score over all windows;
- ``per window``: the best window's own margin (best span − that window's no-answer score);
- ``span mass``: per window, log of the summed exp-scores of its candidate spans − its no-answer
  score; the best window's.

Long paragraphs need more than one window at 256 tokens, so the variants differ there; the
384-token run shows what fewer, longer windows change. A diagnosis on held-out articles only; the
evaluation sample is not touched.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_tune_file_option, cross_validated_row, heldout_articles

VARIANTS = ("min null", "per window", "span mass")


def span_mass(start: np.ndarray, end: np.ndarray, offsets, max_tokens: int) -> float:
    """log Σ exp(start_i + end_j) over the window's context spans i ≤ j < i + max_tokens."""
    context = np.array([o is not None for o in offsets])
    s = np.where(context, start, -np.inf)
    e = np.where(context, end, -np.inf)
    n = len(s)
    i, j = np.triu_indices(n)
    keep = (j - i) < max_tokens
    scores = s[i[keep]] + e[j[keep]]
    scores = scores[np.isfinite(scores)]
    if scores.size == 0:
        return -math.inf
    top = scores.max()
    return float(top + np.log(np.exp(scores - top).sum()))


def variant_margins(model, tokenizer, examples, max_length: int, stride: int):
    from qa.reading.span_decoder import (
        MAX_ANSWER_TOKENS,
        best_spans,
        null_score,
        snap_to_words,
    )
    from qa.reading.span_models import TorchSpanModel, span_logits
    from qa.reading.windows import make_windows

    windows = make_windows(tokenizer, [e.question for e in examples], [e.context for e in examples],
                           max_length, stride)
    per_q: dict[int, list[tuple[float, float, float, str]]] = {}
    for w, s, e in span_logits(TorchSpanModel(model=model), windows, tokenizer.pad_token_id, 64):
        spans = best_spans(s, e, w.offsets)
        if not spans:
            continue
        context = examples[w.pair_index].context
        start, end = snap_to_words(context, spans[0].char_start, spans[0].char_end)
        per_q.setdefault(w.pair_index, []).append(
            (spans[0].score, null_score(s, e), span_mass(s, e, w.offsets, MAX_ANSWER_TOKENS), context[start:end]))
    out = {v: ({}, {}) for v in VARIANTS}
    for idx, ex in enumerate(examples):
        rows = per_q.get(idx, [])
        if not rows:
            for texts, margins in out.values():
                texts[ex.qid], margins[ex.qid] = "", -1e4
            continue
        best = max(rows, key=lambda r: r[0])
        out["min null"][0][ex.qid] = best[3]
        out["min null"][1][ex.qid] = best[0] - min(r[1] for r in rows)
        by_window = max(rows, key=lambda r: r[0] - r[1])
        out["per window"][0][ex.qid] = by_window[3]
        out["per window"][1][ex.qid] = by_window[0] - by_window[1]
        by_mass = max(rows, key=lambda r: r[2] - r[1])
        out["span mass"][0][ex.qid] = by_mass[3]
        out["span mass"][1][ex.qid] = by_mass[2] - by_mass[1]
    return out, len(windows)


def main() -> None:
    from qa.training.squad_data import examples_from

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    add_tune_file_option(parser)
    parser.add_argument("--lengths", default="256:128,384:128", help="max_length:stride pairs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", type=Path, default=Path("bench/results/decoding-variants.json"))
    args = parser.parse_args()
    examples = examples_from(heldout_articles(parser, args.tune_file))

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    torch.set_num_threads(args.threads)
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    print("| reader | window (stride) | windows | variant | AUC | CV F1 | HasAns | NoAns |")
    print("|---|---|---|---|---|---|---|---|")
    for model_dir in args.model:
        model = AutoModelForQuestionAnswering.from_pretrained(model_dir, dtype=torch.float32).eval()
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        rows = results.setdefault(model_dir, {})
        for pair in args.lengths.split(","):
            max_length, stride = (int(x) for x in pair.split(":"))
            variants, n_windows = variant_margins(model, tokenizer, examples, max_length, stride)
            for name, (texts, margins) in variants.items():
                row = {"windows": n_windows, **cross_validated_row(examples, texts, margins)}
                rows[f"{max_length}:{stride} {name}"] = row
                print(f"| {model_dir} | {max_length} ({stride}) | {n_windows} | {name} | {row['auc']} | "
                      f"{row['cv_f1']} | {row['hasans_f1']} | {row['noans_f1']} |", flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
