"""Exact (flat) vs approximate (IVF) FAISS search on synthetic vectors: time per query and recall@10.

    .venv/bin/python bench/ann_recall.py --vectors 1000000 --json bench/results/ann-recall.json

Synthetic but not uniform: unit vectors drawn around 10,000 random centres with noise as large as
the centre (cosine to its centre ≈ 0.6, to a neighbour in its topic ≈ 0.4, about what
all-MiniLM-L6-v2 gives for related passages); uniform random vectors in 384 dimensions have no
neighbours worth the name, and tight clusters would make any index look perfect. For each size, 200 queries drawn the same way; recall@10 = the share of the exact
top 10 that the approximate search also returns. Decides past which size an IVF index is worth
offering. Never run in CI.

    .venv/bin/python bench/ann_recall.py --index bench-data/scale-index --json bench/results/ann-recall-real.json

With ``--index``: the real chunk embeddings of a built index (e.g. the 100k-chunk bench index)
and, as queries, 200 questions of the evaluation sample embedded as the service embeds them.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import faiss
import numpy as np

DIM = 384


def clustered(n: int, centres: np.ndarray, rng: np.random.Generator, spread: float = 1.2) -> np.ndarray:
    out = np.empty((n, DIM), dtype=np.float32)
    for begin in range(0, n, 100_000):
        end = min(n, begin + 100_000)
        picks = centres[rng.integers(0, len(centres), end - begin)]
        out[begin:end] = picks + spread * rng.standard_normal((end - begin, DIM), dtype=np.float32) / np.sqrt(DIM)
    faiss.normalize_L2(out)
    return out


def real_vectors(index: Path) -> tuple[np.ndarray, np.ndarray]:
    """A built index's chunk embeddings, and 200 evaluation-sample questions embedded as served."""
    import sqlite3
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from qa.models import text_embedder
    from qa.paths import SHARED_DATA_DIR

    with sqlite3.connect(index / "store.sqlite3") as db:
        rows = db.execute("SELECT embedding FROM documents WHERE embedding IS NOT NULL ORDER BY rowid").fetchall()
    data = np.vstack([np.frombuffer(r[0], dtype=np.float64) for r in rows]).astype(np.float32)
    faiss.normalize_L2(data)
    sample = json.loads((SHARED_DATA_DIR / "squad2-dev-sample.json").read_text())["data"]
    questions = [q["question"] for a in sample for p in a["paragraphs"] for q in p["qas"]][::4][:200]
    embedder = text_embedder()
    embedder.warm_up()
    queries = np.asarray([embedder.run(text=q)["embedding"] for q in questions], dtype=np.float32)
    faiss.normalize_L2(queries)
    return data, queries


def timed_search(index, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    ids = np.vstack([index.search(q[None, :], k)[1] for q in queries])  # one query at a time, as served
    return ids, (time.perf_counter() - t0) * 1000 / len(queries)


def recall(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(e)) / len(e) for f, e in zip(found, exact)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--nprobe", default="16,64,256,1024")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--index", type=Path, help="real embeddings from this index, sample questions as queries")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    faiss.omp_set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    if args.index:
        data, queries = real_vectors(args.index)
        args.vectors, args.sizes = len(data), str(len(data))
    else:
        centres = rng.standard_normal((10_000, DIM), dtype=np.float32)
        faiss.normalize_L2(centres)
        data = clustered(args.vectors, centres, rng)
        queries = clustered(200, centres, rng)
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if int(s) <= args.vectors]:
        part = data[:size]
        flat = faiss.IndexFlatIP(DIM)
        flat.add(part)
        exact, flat_ms = timed_search(flat, queries)
        nlist = int(4 * np.sqrt(size))
        quantizer = faiss.IndexFlatIP(DIM)
        ivf = faiss.IndexIVFFlat(quantizer, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
        t0 = time.perf_counter()
        ivf.train(part[rng.choice(size, min(size, 40 * nlist), replace=False)])
        ivf.add(part)
        build_s = time.perf_counter() - t0
        row = {"vectors": size, "flat_ms_per_query": round(flat_ms, 2), "ivf_nlist": nlist,
               "ivf_build_s": round(build_s, 1), "ivf": []}
        for nprobe in [int(p) for p in args.nprobe.split(",")]:
            ivf.nprobe = nprobe
            found, ms = timed_search(ivf, queries)
            row["ivf"].append({"nprobe": nprobe, "ms_per_query": round(ms, 2), "recall_at_10": round(recall(found, exact), 4)})
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps({"threads": args.threads, "queries": len(queries),
                                         "data": str(args.index) if args.index else "synthetic",
                                         "results": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
