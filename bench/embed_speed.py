"""Document-embedding speed vs retrieval quality for variants of the ONNX encoder (never in CI).

    .venv/bin/python bench/embed_speed.py --index bench-data/scale-index --chunks 3000 \
        --json bench/results/embed-speed.json

Indexing is ~90% document embedding (a profile of ``Indexer.add_many`` on 324 corpus chunks: 11.5 of
12.7 s in the encoder), so this measures the encoder alone, on the first ``--chunks`` chunks of a
built index (the evaluation sample's articles come first in the bench corpus, so their chunks are
among them), for each variant:

- the encoder in fp32 and with int8 weights (dynamic quantisation, per channel), each reading at
  most 256 tokens (sentence-transformers' setting for this model) or 128 (the length it was
  trained at);
- throughput (chunks/s, batches of 32 sorted by length, as the indexer embeds);
- agreement with the fp32 vectors (cosine, mean and minimum);
- dense retrieval over those chunks for the sample's answerable questions (query vectors from the
  fp32 encoder, as the product embeds queries): recall@5 (a gold answer inside one of the top 5)
  and overlap of the top 10 with fp32's.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qa  # noqa: E402,F401  (offline environment)
from qa import paths  # noqa: E402
from qa.onnx_embedders import _OnnxEncoder  # noqa: E402
from qa.onnx_export import ensure_onnx, open_session, quantize_model  # noqa: E402


def sample_questions() -> list[tuple[str, list[str]]]:
    data = json.loads((paths.SHARED_DATA_DIR / "squad2-dev-sample.json").read_text())["data"]
    return [(q["question"], [a["text"] for a in q["answers"]])
            for article in data for p in article["paragraphs"] for q in p["qas"] if q["answers"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default=str(ROOT / "bench-data" / "scale-index"))
    parser.add_argument("--chunks", type=int, default=3000)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()

    with sqlite3.connect(Path(args.index) / "store.sqlite3") as db:
        texts = [r[0] for r in db.execute("SELECT content FROM documents ORDER BY rowid LIMIT ?", (args.chunks,))]
    questions = sample_questions()
    model_dir = str(paths.embedder_model_path())
    cache = str(paths.CACHE_DIR)
    fp32_file = ensure_onnx(model_dir, cache, kind="encoder")
    work = Path(tempfile.mkdtemp())
    int8_file = quantize_model(fp32_file, work / "int8.onnx")
    variants = [("fp32", fp32_file, 256), ("int8", int8_file, 256), ("fp32", fp32_file, 128), ("int8", int8_file, 128)]

    encoder = _OnnxEncoder(model_dir, cache, batch_size=32)
    query_vectors = np.stack([encoder.encode([q])[0] for q, _ in questions])
    lowered = [t.lower() for t in texts]
    results, reference = [], None
    for name, onnx_file, max_length in variants:
        encoder.session, encoder.max_length = open_session(onnx_file), max_length
        encoder.encode(texts[:64])  # warm-up
        began = time.perf_counter()
        vectors = encoder.encode(texts)
        seconds = time.perf_counter() - began
        scores = query_vectors @ vectors.T
        top10 = np.argsort(-scores, axis=1)[:, :10]
        if reference is None:
            reference = (vectors, top10)
        recall5 = np.mean([any(any(g.lower() in lowered[i] for g in golds) for i in top10[n, :5])
                           for n, (_, golds) in enumerate(questions)])
        cosine = np.sum(vectors * reference[0], axis=1)
        overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top10, reference[1])])
        row = {"variant": name, "max_tokens": max_length, "chunks": len(texts),
               "chunks_per_s": round(len(texts) / seconds, 1), "cosine_mean": round(float(cosine.mean()), 4),
               "cosine_min": round(float(cosine.min()), 4), "recall_at_5": round(float(recall5), 3),
               "top10_overlap": round(float(overlap), 3)}
        results.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"questions": len(questions), "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
