"""How much the retrieval rank should weigh against the reader's margin (``rank_penalty``), measured
in open mode on the held-out tune articles (never the evaluation sample).

    .venv/bin/python bench/rank_prior.py --json bench/results/rank-prior.json
    .venv/bin/python bench/rank_prior.py --reader-model train-runs/reader39-out --penalties 0,0.25,1

Indexes every paragraph of the held-out tune articles (the ones the reader's threshold was
chosen on: ``--heldout-seed`` as in training; ``qa.evaluation.squad_eval.paragraph_service``),
reads each question's fused passages once with ``--reader-model`` (the shipped reader by default),
then scores every penalty from the same reader outputs: the official SQuAD 2.0 metric with the
product's verdict (its threshold for that many passages), the cross-validated F1 (threshold chosen
with each article left out), span choice never abstaining, and how often the top answer comes from
the gold paragraph. A second table does the same for documents written from one template (many
reports of the same form: bench/load_mixed.py's), where the reader alone cannot tell the passages
apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import paths  # noqa: E402


def read_all(service, questions: list[str], k: int) -> list[tuple]:
    from tqdm import tqdm

    service.warm_up()
    reader = service.reader
    out = []
    for question in tqdm(questions, unit="q", desc="reading"):
        passages = service.retrieve(question, k)
        nulls, spans = reader._read(question, passages) if passages else ([], [])
        out.append((question, passages, nulls, spans))
    return out


def top_answer(reader, question, passages, nulls, spans, penalty: float):
    if not passages:
        return None
    reader.rank_penalty = penalty
    answers = reader._answers(question, passages, nulls, spans)
    return max(answers, key=lambda a: a.meta["margin"]) if answers else None


def sweep_squad(service, articles, penalties, k: int) -> list[dict]:
    """Per penalty, from one reading pass: the official metric with the product's own verdict (the
    best unpenalised margin against the threshold for that many passages), the same with the
    threshold chosen with each article left out (``cv_*``: only the span shown moves with the
    penalty), span choice alone (never abstaining) and how often the top answer is the gold paragraph's."""
    from bench.heldout import cross_validated_row
    from qa.squad_metric import SquadScores, best_over_golds
    from qa.training.squad_data import examples_from

    examples = examples_from(articles)
    outputs = read_all(service, [e.question for e in examples], k)
    reader = service.reader
    # answer or abstain does not depend on the penalty: the best unpenalised margin against the threshold
    margins, answers = {}, {}
    for example, (question, passages, nulls, spans) in zip(examples, outputs):
        raw = top_answer(reader, question, passages, nulls, spans, 0.0)
        margins[example.qid] = raw.meta["reader_margin"] if raw else -1e4
        answers[example.qid] = margins[example.qid] > reader.verdict_rule(len(passages))[0]
    rows = []
    for penalty in penalties:
        scores, from_gold, span_f1, texts = SquadScores(), [], [], {}
        for example, (question, passages, nulls, spans) in zip(examples, outputs):
            best = top_answer(reader, question, passages, nulls, spans, penalty)
            texts[example.qid] = best.data if best else ""
            scores.add(list(example.golds), texts[example.qid] if answers[example.qid] else "")
            if example.golds:
                from_gold.append(best is not None and best.document.content in example.context)
                span_f1.append(best_over_golds(list(example.golds), texts[example.qid])[1])
        summary = scores.summary()
        cv = cross_validated_row(examples, texts, margins)
        rows.append({"rank_penalty": penalty, "f1": round(summary["overall"]["f1"], 2),
                     "exact": round(summary["overall"]["exact"], 2),
                     "has_ans_f1": round(summary["HasAns"]["f1"], 2), "no_ans": round(summary["NoAns"]["f1"], 2),
                     "never_abstain_has_ans_f1": round(100 * sum(span_f1) / max(1, len(span_f1)), 2),
                     "cv_f1": cv["cv_f1"], "cv_has_ans_f1": cv["hasans_f1"], "cv_no_ans": cv["noans_f1"],
                     "top_from_gold_paragraph": round(sum(from_gold) / max(1, len(from_gold)), 4)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def sweep_template(penalties, k: int, reader_model: str | None) -> list[dict]:
    from bench.load_mixed import document, keeper_question
    from qa.ingest.indexer import Indexer, IndexItem
    from qa.pipeline import QAService, open_store

    docs = [document(c, n) for c in range(8) for n in range(5)]
    with tempfile.TemporaryDirectory(prefix="qa-rank-prior-") as tmp:
        store = open_store(Path(tmp))
        try:
            indexer = Indexer(store)
            indexer.add_many([IndexItem(f"log-{i}.txt", text.encode()) for i, (text, _, _) in enumerate(docs)])
            indexer.finish()
            service = QAService(tmp, reader_model=reader_model, store=store)
            outputs = read_all(service, [keeper_question(place) for _, _, place in docs], k)
        finally:
            store.close()
    rows = []
    for penalty in penalties:
        right = sum(keeper in getattr(top_answer(service.reader, *o, penalty), "data", "")
                    for (_, keeper, _), o in zip(docs, outputs))
        rows.append({"rank_penalty": penalty, "right": right, "questions": len(docs)})
    return rows


def main() -> None:
    from qa.evaluation.squad_eval import paragraph_service
    from qa.pipeline import READ_K
    from qa.training.squad_data import load_articles, split_articles

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reader-model", help="reader folder [the shipped one]")
    parser.add_argument("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"))
    parser.add_argument("--heldout-articles", type=int, default=5)
    parser.add_argument("--heldout-seed", type=int, default=13)
    parser.add_argument("--penalties", default="0,0.25,0.5,0.75,1,1.5,2,3")
    parser.add_argument("--read-k", type=int, default=READ_K)
    parser.add_argument("--report-on", metavar="FILE",
                        help="score the given penalties on every article of FILE instead (e.g. the evaluation "
                             "sample, to report a penalty chosen on the tune articles; never to choose one)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    penalties = [float(p) for p in args.penalties.split(",")]

    if args.report_on:
        heldout = load_articles(args.report_on)
    else:
        _, heldout = split_articles(load_articles(args.tune_file), args.heldout_articles, args.heldout_seed)
    with paragraph_service(heldout, args.reader_model) as (service, _):
        result = {
            "reader": str(service.reader.model), "file": Path(args.report_on or args.tune_file).name,
            "articles": [a["title"] for a in heldout], "read_k": args.read_k,
            "squad_open_mode": sweep_squad(service, heldout, penalties, args.read_k),
        }
    result["one_template"] = sweep_template(penalties, args.read_k, args.reader_model)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
