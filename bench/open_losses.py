"""Where reading several passages loses answers: retrieval, or the comparison between passages?

    .venv/bin/python bench/open_losses.py --model train-runs/reader37-out --model train-runs/reader38-out \
        [--output bench/results/open-losses.json]

The product reads the top ``READ_K`` chunks retrieval finds and shows the best-scoring span among
them. On the five held-out tune articles (never trained on; their paragraphs indexed as documents,
as ``qa.training.open_calibration`` does), every answerable question's top answer is scored never
abstaining (span choice alone, so the threshold plays no part) two ways: reading its own paragraph
(``bench/threshold_rules.py``'s margins) and through retrieval (``bench/open_threshold.py``'s open
margins; both cached). A question answered right alone (F1 ≥ 0.5) but wrong through retrieval is
lost either because no passage read held its paragraph's answer (retrieval) or because a span of
another passage outscored it (the comparison between passages, what shared normalisation,
``qa.training.shared_norm``, trains for).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_margin_probe_options, heldout_articles
from bench.open_threshold import cached_open_margins
from bench.threshold_rules import margins_of


def gold_ranks(articles: list[dict], examples) -> dict[str, int]:
    """Each answerable question's rank (0 first) of the first passage retrieval reads from its own
    paragraph with a gold answer in it; −1 when none of the ``READ_K`` read holds one. Retrieval
    does not depend on the reader, so this is the same for every model."""
    from qa.evaluation.squad_eval import paragraph_service
    from qa.pipeline import READ_K

    ranks = {}
    with paragraph_service(articles) as (service, source_of):
        for e in examples:
            passages = service.retrieve(e.question, READ_K)
            ranks[e.qid] = next((rank for rank, p in enumerate(passages)
                                 if p.meta.get("source_id") == source_of[e.context]
                                 and any(g in p.content for g in e.golds)), -1)
    return ranks


def losses(examples, ranks: dict[str, int], alone: dict[str, str], opened: dict[str, str]) -> dict:
    """Never-abstain F1 (×100) alone and through retrieval, and the questions lost or won, by cause."""
    from qa.squad_metric import best_over_golds

    rank = np.array([ranks[e.qid] for e in examples])
    f1_alone = np.array([best_over_golds(list(e.golds), alone[e.qid])[1] for e in examples])
    f1_open = np.array([best_over_golds(list(e.golds), opened[e.qid])[1] for e in examples])
    read = rank >= 0
    lost, won = (f1_alone >= 0.5) & (f1_open < 0.5), (f1_alone < 0.5) & (f1_open >= 0.5)
    return {
        "answerable": len(examples),
        "f1_alone": round(100 * f1_alone.mean(), 2), "f1_open": round(100 * f1_open.mean(), 2),
        "gold_read": int(read.sum()),
        "f1_alone_where_gold_read": round(100 * f1_alone[read].mean(), 2),
        "f1_open_where_gold_read": round(100 * f1_open[read].mean(), 2),
        "lost": int(lost.sum()), "lost_gold_not_read": int((lost & ~read).sum()),
        "lost_to_another_passage_by_gold_rank": [int((lost & (rank == k)).sum()) for k in range(rank.max() + 1)],
        "won": int(won.sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    add_margin_probe_options(parser)
    args = parser.parse_args()

    from qa.training.squad_data import examples_from

    articles = heldout_articles(parser, args.tune_file, args.heldout_seed)
    examples = examples_from(articles)
    answerable = [e for e in examples if e.golds]
    cache = Path(args.cache) if args.cache else None
    ranks = gold_ranks(articles, answerable)
    read = np.array([ranks[e.qid] for e in answerable])
    report = {"command": ["python", "bench/open_losses.py", *sys.argv[1:]],
              "gold_read_share": round(float((read >= 0).mean()), 4),
              "gold_first_share": round(float((read == 0).mean()), 4), "models": {}}
    for model in args.model:
        alone, _ = margins_of(model, examples, cache)
        opened, _ = cached_open_margins(model, articles, examples, cache, "heldout")
        report["models"][model] = losses(answerable, ranks, alone, opened)
    print(json.dumps({k: v for k, v in report.items() if k != "command"}, indent=1))
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
