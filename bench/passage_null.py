"""Across retrieved passages, should a span be weighed against the lowest no-answer score of all
passages read (as shipped) or against its own passage's? Open mode, held-out tune articles.

    .venv/bin/python bench/passage_null.py --reader-model train-runs/reader18-out [--json FILE]

Indexes every paragraph of the 5 held-out tune articles (``--heldout-seed`` as in training; never
trained on), reads each question's fused passages once, and scores two ways of turning the same
reader outputs into an answer and an answer/abstain margin:

- ``shared null`` (as shipped, the SQuAD 2.0 recipe for the windows of one document): every span's
  margin is its score − the lowest no-answer score among all passages read;
- ``own null``: a span's margin is its score − its own passage's no-answer score, so a passage that
  plainly holds no answer cannot lend its neighbours confidence.

Both keep the retrieval-rank prior (``rank_penalty``) for choosing the span. The threshold is
chosen with each article left out in turn (``qa.training.calibration.cross_validate``), so the
two are compared at their own best thresholds, not at one tuned for the first. The evaluation
sample is not touched.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.heldout import add_tune_file_option, cross_validated_row, heldout_articles

VARIANTS = ("shared null", "own null")


def decide(reader, passages, nulls, spans, variant: str) -> tuple[str, float]:
    """(top answer text, answer/abstain margin) for one question under ``variant``."""
    from qa.reading.reader import distinct_spans
    from qa.reading.span_decoder import snap_to_words

    if not passages:
        return "", -1e4
    shared = min(nulls)
    best_text, best_choice, best_margin = "", -math.inf, -math.inf
    for rank, (doc, found, own) in enumerate(zip(passages, spans, nulls)):
        null = shared if variant == "shared null" else own
        scored: dict[tuple[int, int], float] = {}
        for span in found:
            key = snap_to_words(doc.content, span.char_start, span.char_end)
            scored[key] = max(scored.get(key, -math.inf), span.score)
        for (start, end), score in distinct_spans(scored, 1):
            margin = score - null
            if margin - reader.rank_penalty * rank > best_choice:
                best_choice, best_text = margin - reader.rank_penalty * rank, doc.content[start:end]
            best_margin = max(best_margin, margin)
    return best_text, (best_margin if math.isfinite(best_margin) else -1e4)


def main() -> None:
    from bench.rank_prior import read_all
    from qa.evaluation.squad_eval import paragraph_service
    from qa.pipeline import READ_K
    from qa.training.squad_data import examples_from

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reader-model", action="append", required=True, help="reader folder (repeatable)")
    add_tune_file_option(parser)
    parser.add_argument("--heldout-seed", type=int, default=13)
    parser.add_argument("--read-k", type=int, default=READ_K)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    heldout = heldout_articles(parser, args.tune_file, args.heldout_seed)
    examples = examples_from(heldout)
    results = {"articles": [a["title"] for a in heldout], "read_k": args.read_k, "readers": {}}
    print("| reader | variant | held-out AUC | CV F1 | HasAns F1 | NoAns F1 | ECE |")
    print("|---|---|---|---|---|---|---|")
    for model in args.reader_model:
        with paragraph_service(heldout, model) as (service, _):
            outputs = read_all(service, [e.question for e in examples], args.read_k)
        rows = {}
        for variant in VARIANTS:
            texts, margins = {}, {}
            for example, (question, passages, nulls, spans) in zip(examples, outputs):
                texts[example.qid], margins[example.qid] = decide(service.reader, passages, nulls, spans, variant)
            r = rows[variant] = cross_validated_row(examples, texts, margins)
            print(f"| {model} | {variant} | {r['auc']} | {r['cv_f1']} | {r['hasans_f1']} | {r['noans_f1']} | "
                  f"{r['ece']} |", flush=True)
        results["readers"][model] = rows
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
