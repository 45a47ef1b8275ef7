"""The demo question and a handful of our own questions about the sample article.

    .venv/bin/python bench/sample_questions.py [--reader-model train-runs/reader12-out]

Builds a temporary index of examples/docs/, asks each question through the full pipeline and
prints a Markdown table (the last two questions are not answered by the article: the right
behaviour is to abstain).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import qa  # noqa: F401  (offline environment)
from qa.ingest.indexer import Indexer, expand_paths
from qa.pipeline import QAService, open_store
from qa.squad_metric import best_over_golds

DOCS = Path(__file__).resolve().parent.parent / "examples" / "docs"
QUESTIONS = [
    ("When did fighting start?", "the morning of September 27"),
    ("When was the new deal slated to begin?", "midnight local time"),
    ("Who is the Russian Foreign Minister?", "Sergei Lavrov"),
    ("How many civilians were killed in Ganja?", "at least 13"),
    ("How many people were injured in the attack on Ganja?", "more than 50"),
    ("What do the Armenians call Nagorno Karabakh?", "Artsakh"),
    ("When did the earlier conflict end in a shaky ceasefire?", "1994"),
    ("Who called the missile attack cowardly shelling?", "Ilham Aliyev"),
    ("What is the capital of Peru?", ""),
    ("Who won the 2018 football World Cup?", ""),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reader-model", default=None, help="reader folder [the shipped models/reader]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        indexer = Indexer(open_store(tmp))
        for path in expand_paths([DOCS]):
            indexer.add_file(path)
        indexer.finish()
        service = QAService(tmp, reader_model=args.reader_model)
        service.warm_up()
        print("| question | expected | answer (score) | F1 | ms |")
        print("|---|---|---|---|---|")
        total = 0.0
        for question, expected in QUESTIONS:
            t0 = time.perf_counter()
            result = service.ask(question, top_k=3)
            ms = (time.perf_counter() - t0) * 1000
            best = result["answers"][0] if result["answers"] else None
            given = "" if result["no_answer"] or best is None else best["answer"]
            f1 = best_over_golds([expected] if expected else [], given)[1]
            total += f1
            shown = f"**abstained**" if not given else f"{given} ({best['score']:.2f})"
            if result["no_answer"] and best is not None:
                shown += f"; maybe: {best['answer']} ({best['score']:.2f})"
            print(f"| {question} | {expected or '(not in the article)'} | {shown} | {f1:.2f} | {ms:.0f} |")
        print(f"\nmean F1 {total / len(QUESTIONS):.2f} over {len(QUESTIONS)} questions")


if __name__ == "__main__":
    main()
