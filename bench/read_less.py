"""How much reading the answers need: open-mode F1 and reader time by chunks read and by backend.

    .venv/bin/python bench/read_less.py --json bench/results/read-less.json

Indexes the evaluation sample's paragraphs once (open mode of ``qa eval squad``), then asks all
its questions with the reader reading the top 6, 4, 3 or 2 fused chunks, and with each reader
backend (torch, ONNX fp32, ONNX int8); reports the official metric (EM, F1, HasAns, NoAns), the
gold paragraph's recall among the chunks read, and the reader's median time per question. Also
the reader-mode F1 of each backend (each question against its own paragraph), which is what
decides whether int8 may ship: it must lose at most 0.5 F1.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qa  # noqa: E402,F401
from qa.paths import SHARED_DATA_DIR  # noqa: E402


class TimedReader:
    """Wraps the reader component's run to collect its time per question."""

    def __init__(self, reader):
        self.reader, self.ms = reader, []
        original = reader.run

        def run(*args, **kwargs):
            t0 = time.perf_counter()
            out = original(*args, **kwargs)
            self.ms.append((time.perf_counter() - t0) * 1000)
            return out

        reader.run = run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=SHARED_DATA_DIR / "squad2-dev-sample.json")
    parser.add_argument("--read-k", default="6,4,3,2")
    parser.add_argument("--read-first", default="6:2",
                        help="read_k:first pairs read in two rounds (the rest only below --stop-score)")
    parser.add_argument("--stop-score", type=float, default=0.9)
    parser.add_argument("--backends", default="onnx,onnx-int8,torch")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from qa.evaluation.squad_eval import evaluate_open_mode, evaluate_reader_mode, paragraph_service
    from qa.pipeline import build_query_pipeline
    from qa.reading.reader import SpanReader
    from qa.training.squad_data import examples_from, load_articles

    articles = load_articles(args.file)
    examples = examples_from(articles)[: args.limit] if args.limit else examples_from(articles)
    report = {"file": args.file.name, "questions": len(examples), "reader_mode": {}, "open_mode": []}
    with paragraph_service(articles) as (service, gold_source):
        service.warm_up()
        for backend in args.backends.split(","):
            reader = SpanReader(backend=backend)
            reader.warm_up()
            timed = TimedReader(reader)
            result = evaluate_reader_mode(reader, examples, progress=False)
            report["reader_mode"][backend] = {"f1": round(result["overall"]["f1"], 2),
                                              "exact": round(result["overall"]["exact"], 2),
                                              "reader_ms_p50": round(statistics.median(timed.ms), 1)}
            print(backend, "reader mode", report["reader_mode"][backend], flush=True)
            plans = [(int(k), None) for k in args.read_k.split(",")]
            plans += [tuple(int(x) for x in pair.split(":")) for pair in args.read_first.split(",") if pair]
            for read_k, read_first in plans:
                # a component belongs to one pipeline
                reader = SpanReader(backend=backend, read_first=read_first, stop_score=args.stop_score)
                timed = TimedReader(reader)
                service.reader = reader
                service.pipeline = build_query_pipeline(service.store, reader, read_k=read_k)
                service.pipeline.warm_up()
                r = evaluate_open_mode(service, examples, gold_source, progress=False)
                row = {"backend": backend, "read_k": read_k, "read_first": read_first, "exact": round(r["overall"]["exact"], 2),
                       "f1": round(r["overall"]["f1"], 2), "has_ans_f1": round(r["HasAns"]["f1"], 2),
                       "no_ans_f1": round(r["NoAns"]["f1"], 2),
                       "reader_ms_p50": round(statistics.median(timed.ms), 1),
                       "recall_answerable": r["recall_answerable"], "ask_s_total": r["seconds"]}
                print(json.dumps(row), flush=True)
                report["open_mode"].append(row)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
