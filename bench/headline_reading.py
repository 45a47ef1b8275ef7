"""The demo question read through the product's retrieved chunks three ways: as the pipeline reads
them, with the headline line cut from the first chunk, and with the headline read as a passage of
its own. A diagnosis of the seed question's trap (never used to choose a threshold or a model).

    .venv/bin/python bench/headline_reading.py --model models/reader --model train-runs/reader20-out

Prints, per reader and way, whether it abstains and its best spans with their margins (after the
rank prior) and scores, then each passage's no-answer score.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import qa  # noqa: F401  (offline environment)
from haystack import Document

from qa.ingest.indexer import Indexer, expand_paths
from qa.pipeline import READ_K, QAService, open_store

DOCS = Path(__file__).resolve().parent.parent / "examples" / "docs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    parser.add_argument("--question", default="When did fighting start?")
    args = parser.parse_args()
    question = args.question
    with tempfile.TemporaryDirectory() as tmp:
        indexer = Indexer(open_store(tmp))
        for path in expand_paths([DOCS]):
            indexer.add_file(path)
        indexer.finish()
        for model in args.model:
            service = QAService(tmp, reader_model=model)
            service.warm_up()
            reader = service.reader
            chunks = service.retrieve(question, READ_K)
            print(f"## {model} (threshold {reader.no_answer_threshold:.2f}); chunks read: "
                  + ", ".join(str(c.meta["split_id"]) for c in chunks))
            first = next((c for c in chunks if c.meta["split_id"] == 0 and "\n" in c.content), None)
            headline, body = first.content.split("\n", 1) if first else ("", "")
            cut = [Document(content=body.lstrip(), meta=c.meta) if c is first else c for c in chunks]
            ways = {"as read": chunks, "headline cut": cut}
            if first:
                ways["headline apart"] = cut + [Document(content=headline, meta=first.meta)]
            for way, docs in ways.items():
                out = reader.run(query=question, documents=docs, top_k=4)
                spans = "; ".join(f"{a.data!r} {a.meta['margin']:.2f} ({a.score:.2f})" for a in out["answers"])
                print(f"- {way}: {'abstains' if out['no_answer'] else 'answers'}: {spans}")
            nulls = [reader._read(question, [doc])[0][0] for doc in ways.get("headline apart", chunks)]
            print("- no-answer score per passage (headline cut; the headline last): "
                  + ", ".join(f"{n:.2f}" for n in nulls))


if __name__ == "__main__":
    main()
