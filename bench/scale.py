"""Cost as the corpus grows, and ours vs Haystack's stock pipeline at the largest size (never in CI).

    .venv/bin/python bench/build_corpus.py --chunks 106000            # once: bench-data/corpus.jsonl
    .venv/bin/python bench/scale.py build --json bench/results/scale-build.json
    .venv/bin/python bench/scale.py measure --json bench/results/scale.json

``build`` grows one index in ``bench-data/scale-index`` from the corpus, in batches through the
product's own ``Indexer`` (chunking, embedding, SQLite, FAISS), reporting the indexing throughput
(chunks/s) up to each size (1k, 10k, 100k chunks) and keeping a copy of the index at each smaller
size. ``measure`` then measures at each size:

- the index's size on disk;
- one write as a server worker does it: add a ~150-word document, bring the FAISS index up to
  date, and delete it again (ms);
- questions from the evaluation sample (its 3 articles come first in the corpus, so they are in
  the index at every size): latency per question end to end (p50, p95) with a profile of the
  stages (query embedding, dense search, BM25, fusion, reader, answer assembly), open-mode F1;
- a fresh process that opens the index and answers one question: seconds to the first answer
  and its memory (RSS), i.e. a server worker's start.

At the largest size the same questions also go, in the same run and alternating question by
question, through Haystack's stock extractive pipeline with our reader's weights
(``FAISSDocumentStore`` + ``SentenceTransformersTextEmbedder`` + ``FAISSEmbeddingRetriever``
top_k 10 + ``TransformersExtractiveReader`` defaults) over the same chunks and embeddings, and
through our pipeline as it was before this work (torch embedder and reader, 6 chunks read).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qa  # noqa: E402,F401  (offline environment)
from qa.paths import SHARED_DATA_DIR  # noqa: E402
from qa.squad_metric import best_over_golds  # noqa: E402

WRITE_TEXT = ("The harbour bridge was closed for repairs in March after inspectors found cracks in two of its "
              "steel cables. ") * 8


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def sample_questions(every: int) -> list[tuple[str, list[str]]]:
    data = json.loads((SHARED_DATA_DIR / "squad2-dev-sample.json").read_text())["data"]
    questions = []
    for article in data:
        for paragraph in article["paragraphs"]:
            for qa_item in paragraph["qas"]:
                golds = [] if qa_item.get("is_impossible") else [a["text"] for a in qa_item["answers"]]
                questions.append((qa_item["question"], golds))
    return questions[::every]


def corpus_batches(path: Path, batch_files: int):
    from qa.ingest.indexer import IndexItem

    batch = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            doc = json.loads(line)
            batch.append(IndexItem(f"{doc['name'][:80]}.txt", doc["text"].encode("utf-8"), key=f"corpus:{n}"))
            if len(batch) == batch_files:
                yield batch
                batch = []
    if batch:
        yield batch


def disk_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def profiled_ask(service, question: str) -> tuple[str, dict]:
    """One question through the service's own components, timing each stage (ms)."""
    p = service.pipeline
    times, t = {}, time.perf_counter()

    def lap(name):
        nonlocal t
        now = time.perf_counter()
        times[name] = (now - t) * 1000
        t = now

    embedding = p.get_component("embedder").run(text=question)["embedding"]
    lap("embed")
    dense = p.get_component("dense").run(query_embedding=embedding)["documents"]
    lap("dense")
    bm25 = p.get_component("bm25").run(query=question)["documents"]
    lap("bm25")
    fused = p.get_component("fusion").run(documents=[dense, bm25])["documents"]
    lap("fusion")
    read = p.get_component("reader").run(query=question, documents=fused, top_k=15)
    lap("reader")
    result = p.get_component("answers").run(query=question, answers=read["answers"], no_answer=read["no_answer"])
    lap("assembly")
    result = result["result"]
    answer = "" if result["no_answer"] or not result["answers"] else result["answers"][0]["answer"]
    times["total"] = sum(times.values())
    return answer, times


def measure_ours(service, questions) -> dict:
    latencies, stages, f1 = [], {}, 0.0
    for question, golds in questions:
        answer, times = profiled_ask(service, question)
        latencies.append(times["total"])
        for k, v in times.items():
            stages.setdefault(k, []).append(v)
        f1 += best_over_golds(golds, answer)[1]
    return {"questions": len(questions), "p50_ms": round(percentile(latencies, 0.5), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1), "open_f1": round(100 * f1 / len(questions), 1),
            "stage_p50_ms": {k: round(statistics.median(v), 1) for k, v in stages.items()}}


def measure_write(indexer, store) -> dict:
    indexer.pipeline.warm_up()  # a server worker loads its indexing models at start, not per write
    t0 = time.perf_counter()
    result = indexer.add_bytes("bench-write.txt", WRITE_TEXT.encode(), key="bench:write")
    store.persist_vectors()  # what a server worker does after a write: catch its FAISS index up
    added = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    store.delete_source(result.source_id)
    store.persist_vectors()
    deleted = (time.perf_counter() - t0) * 1000
    return {"add_ms": round(added, 1), "delete_ms": round(deleted, 1), "chunks": result.chunks}


def fresh_worker(index_dir: Path, question: str) -> dict:
    """A new process opens the index and answers one question, as a server worker starts."""
    code = (
        "import time; t=time.perf_counter()\n"
        "from qa.pipeline import QAService\n"
        f"s=QAService({str(index_dir)!r}); s.warm_up(); s.ask({question!r})\n"
        "rss=[l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]\n"
        "print(round(time.perf_counter()-t,2), round(int(rss)/1024))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)
    seconds, rss = out.stdout.split()[-2:]
    return {"start_to_first_answer_s": float(seconds), "rss_mb": int(rss)}


def haystack_reference(store, embeddings_dim: int):
    """Haystack's stock extractive pipeline, with our reader's weights, over our chunks and vectors."""
    from haystack import Document, Pipeline
    from haystack.utils import ComponentDevice
    from haystack_integrations.components.embedders.sentence_transformers import SentenceTransformersTextEmbedder
    from haystack_integrations.components.readers.transformers import TransformersExtractiveReader
    from haystack_integrations.components.retrievers.faiss import FAISSEmbeddingRetriever
    from haystack_integrations.document_stores.faiss import FAISSDocumentStore

    from qa.paths import embedder_model_path, reader_model_path

    reference_store = FAISSDocumentStore(embedding_dim=embeddings_dim)
    batch = []
    for doc in store.filter_documents():
        batch.append(Document(id=doc.id, content=doc.content, meta=doc.meta, embedding=doc.embedding))
        if len(batch) == 5000:
            reference_store.write_documents(batch)
            batch = []
    if batch:
        reference_store.write_documents(batch)
    pipeline = Pipeline()
    pipeline.add_component("embedder", SentenceTransformersTextEmbedder(
        model=embedder_model_path(), device=ComponentDevice.from_str("cpu"), local_files_only=True,
        progress_bar=False))
    pipeline.add_component("retriever", FAISSEmbeddingRetriever(document_store=reference_store, top_k=10))
    pipeline.add_component("reader", TransformersExtractiveReader(
        model=reader_model_path(), device=ComponentDevice.from_str("cpu")))
    pipeline.connect("embedder.embedding", "retriever.query_embedding")
    pipeline.connect("retriever.documents", "reader.documents")
    pipeline.warm_up()
    return pipeline


def reference_answer(pipeline, question: str) -> tuple[str, float]:
    t0 = time.perf_counter()
    out = pipeline.run({"embedder": {"text": question}, "reader": {"query": question}})
    ms = (time.perf_counter() - t0) * 1000
    answers = out["reader"]["answers"]
    best = answers[0] if answers else None
    return ("" if best is None or best.data is None else best.data), ms


def side_by_side(ours, torch_ours, reference, questions) -> dict:
    """The same questions through three pipelines, alternating question by question."""
    rows = {"ours (onnx, 3 chunks)": [], "ours before (torch, 6 chunks)": [], "haystack reference": []}
    f1 = {k: 0.0 for k in rows}
    for question, golds in questions:
        for name, ask in (("ours (onnx, 3 chunks)", lambda q: _timed(ours, q)),
                          ("ours before (torch, 6 chunks)", lambda q: _timed(torch_ours, q)),
                          ("haystack reference", lambda q: reference_answer(reference, q))):
            answer, ms = ask(question)
            rows[name].append(ms)
            f1[name] += best_over_golds(golds, answer)[1]
    return {name: {"p50_ms": round(percentile(ms, 0.5), 1), "p95_ms": round(percentile(ms, 0.95), 1),
                   "questions_per_s": round(1000 / statistics.mean(ms), 2),
                   "open_f1": round(100 * f1[name] / len(questions), 1)} for name, ms in rows.items()}


def _timed(service, question):
    t0 = time.perf_counter()
    result = service.ask(question)
    ms = (time.perf_counter() - t0) * 1000
    return ("" if result["no_answer"] or not result["answers"] else result["answers"][0]["answer"]), ms


def build(args) -> None:
    """Grow the index to each size; keep a copy of the index at every size but the last."""
    import shutil

    from qa.ingest.indexer import Indexer
    from qa.pipeline import open_store

    store = open_store(args.index)
    indexer = Indexer(store)
    batches = corpus_batches(args.corpus, args.batch_files)
    rows = []
    for size in args.sizes:
        t0, before = time.perf_counter(), store.count_documents()
        while store.count_documents() < size:
            batch = next(batches, None)
            if batch is None:
                break
            indexer.add_many(batch)
        store.persist_vectors(force=True)
        seconds, chunks = time.perf_counter() - t0, store.count_documents()
        row = {"chunks": chunks, "documents": store.count_sources(), "seconds": round(seconds, 1),
               "indexing_chunks_per_s": round((chunks - before) / seconds, 1) if chunks > before else None}
        if size != args.sizes[-1]:
            copy = sized_index(args.index, size)
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(args.index, copy)
        print(json.dumps(row), flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps({"corpus": str(args.corpus), "build": rows}, indent=1) + "\n")


def sized_index(index: Path, size: int) -> Path:
    return index.with_name(f"{index.name}-{size}")


def measure(args) -> None:
    """Write, question and start costs at each size; the side-by-side at the largest."""
    import torch

    torch.set_num_threads(args.threads)
    from qa.ingest.indexer import Indexer
    from qa.pipeline import QAService, build_query_pipeline, open_store
    from qa.reading.reader import SpanReader

    questions = sample_questions(args.every)
    report = {"threads": args.threads, "sizes": []}
    for size in args.sizes:
        folder = args.index if size == args.sizes[-1] else sized_index(args.index, size)
        store = open_store(folder)
        service = QAService(folder, store=store)
        service.warm_up()
        row = {"chunks": store.count_documents(), "documents": store.count_sources(), "disk_mb": disk_mb(folder),
               "write": measure_write(Indexer(store), store), "ask": measure_ours(service, questions),
               "fresh_worker": fresh_worker(folder, questions[0][0])}
        print(json.dumps(row), flush=True)
        report["sizes"].append(row)
    if args.reference_every:
        reference = haystack_reference(store, store.embedding_dim)
        # "before": torch for the embedder and the reader, 6 chunks read (the settings until 2026-11-29)
        from haystack.utils import ComponentDevice
        from haystack_integrations.components.embedders.sentence_transformers import (
            SentenceTransformersTextEmbedder,
        )

        from qa.paths import embedder_model_path

        torch_service = QAService(folder, store=store)
        torch_service.reader = SpanReader(backend="torch")
        torch_service.pipeline = build_query_pipeline(
            store, torch_service.reader, read_k=6,
            embedder=SentenceTransformersTextEmbedder(model=embedder_model_path(), device=ComponentDevice.from_str("cpu"),
                                                      local_files_only=True, normalize_embeddings=True,
                                                      progress_bar=False))
        torch_service.warm_up()
        asked = sample_questions(args.reference_every)
        report["side_by_side"] = {"chunks": store.count_documents(), "questions": len(asked),
                                  "results": side_by_side(service, torch_service, reference, asked)}
        print(json.dumps(report["side_by_side"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("phase", choices=["build", "measure"])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench-data" / "corpus.jsonl")
    parser.add_argument("--index", type=Path, default=ROOT / "bench-data" / "scale-index")
    parser.add_argument("--sizes", default="1000,10000,100000", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--every", type=int, default=10, help="ask every n-th sample question at each size")
    parser.add_argument("--reference-every", type=int, default=5, help="every n-th for the side-by-side (0: none)")
    parser.add_argument("--batch-files", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    build(args) if args.phase == "build" else measure(args)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
