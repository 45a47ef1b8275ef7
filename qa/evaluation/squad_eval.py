"""SQuAD 2.0 evaluation of the system in two modes, with the official metric.

- reader mode: each question against its own paragraph (the reader alone);
- open mode: every paragraph of the file indexed as a document, each question asked against the
  whole index (retrieval + reader + abstention), plus retrieval recall@k of the gold paragraph.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from haystack import Document
from tqdm import tqdm

from qa.squad_metric import SquadScores
from qa.training.squad_data import examples_from, load_articles

RECALL_KS = (1, 3, 5)


def paragraph_name(title: str, index: int) -> str:
    return f"{title} #{index}"


def evaluate_reader_mode(reader, examples, progress: bool = True) -> dict:
    scores = SquadScores()
    t0 = time.time()
    for ex in tqdm(examples, desc="reader mode", disable=not progress, unit="q"):
        out = reader.run(query=ex.question, documents=[Document(content=ex.context)], top_k=1)
        prediction = "" if out["no_answer"] or not out["answers"] else out["answers"][0].data
        scores.add(list(ex.golds), prediction)
    return {**scores.summary(), "seconds": round(time.time() - t0, 1)}


def paragraph_store(index_dir: Path):
    """The throwaway index an evaluation builds: SQLite in ``index_dir`` whatever ``QA_STORE`` says,
    so that measuring a reader never writes SQuAD paragraphs into a shared PostgreSQL database."""
    from qa import paths
    from qa.models import EMBEDDING_DIM, EMBEDDING_MODEL_NAME
    from qa.store import SQLiteDocumentStore

    return SQLiteDocumentStore(str(index_dir), EMBEDDING_MODEL_NAME, EMBEDDING_DIM, vector_index=paths.VECTOR_INDEX)


def index_paragraphs(articles: list[dict], index_dir: Path) -> dict[str, str]:
    """Index each paragraph as its own document (in ``paragraph_store(index_dir)``); returns
    context -> source id."""
    from qa.ingest.indexer import Indexer

    indexer = Indexer(paragraph_store(index_dir))
    by_context = {}
    for article in articles:
        for i, paragraph in enumerate(article["paragraphs"]):
            name = paragraph_name(article["title"], i)
            result = indexer.add_bytes(f"{name}.txt", paragraph["context"].encode("utf-8"), key=f"squad:{name}")
            if result.status == "failed":
                raise RuntimeError(f"could not index {name}: {result.error}")
            by_context.setdefault(paragraph["context"], result.source_id)
    indexer.finish()
    return by_context


@contextmanager
def paragraph_service(articles: list[dict], reader_model: str | None = None):
    """``(service, context -> source id)``: the product's QAService over a throwaway index of
    ``articles``' paragraphs (one document each, ``paragraph_store``), removed on exit. What the
    probes that ask questions through retrieval build."""
    from qa.pipeline import QAService

    with tempfile.TemporaryDirectory(prefix="qa-paragraphs-") as tmp:
        source_of = index_paragraphs(articles, Path(tmp))
        service = QAService(tmp, reader_model=reader_model, store=paragraph_store(Path(tmp)))
        try:
            yield service, source_of
        finally:
            service.store.close()


def evaluate_open_mode(service, examples, gold_source: dict[str, str], progress: bool = True) -> dict:
    scores = SquadScores()
    hits = {k: 0 for k in RECALL_KS}
    hits_answerable = {k: 0 for k in RECALL_KS}
    answerable = 0
    t0 = time.time()
    for ex in tqdm(examples, desc="open mode", disable=not progress, unit="q"):
        result, retrieved = service.ask_with_retrieved(ex.question, top_k=1)
        prediction = "" if result["no_answer"] or not result["answers"] else result["answers"][0]["answer"]
        scores.add(list(ex.golds), prediction)
        ranked_sources = [d.meta.get("source_id") for d in retrieved]
        answerable += bool(ex.golds)
        for k in RECALL_KS:
            found = gold_source[ex.context] in ranked_sources[:k]
            hits[k] += found
            hits_answerable[k] += found and bool(ex.golds)
    n = len(examples)
    return {
        **scores.summary(),
        "recall": {f"@{k}": round(hits[k] / n, 4) for k in RECALL_KS},
        "recall_answerable": {f"@{k}": round(hits_answerable[k] / max(1, answerable), 4) for k in RECALL_KS},
        "seconds": round(time.time() - t0, 1),
    }


def run_squad_eval(file: Path, modes: tuple[str, ...], work_dir: Path, limit: int | None = None,
                   reader_model: str | None = None, progress: bool = True) -> dict:
    from qa.pipeline import QAService
    from qa.reading.reader import SpanReader

    articles = load_articles(file)
    examples = examples_from(articles)[:limit] if limit else examples_from(articles)
    report = {"file": Path(file).name, "questions": len(examples),
              "unanswerable": sum(1 for e in examples if not e.golds), "modes": {}}
    if "reader" in modes:
        reader = SpanReader(model=reader_model)
        reader.warm_up()
        report["modes"]["reader"] = evaluate_reader_mode(reader, examples, progress)
    if "open" in modes:
        t0 = time.time()
        gold_source = index_paragraphs(articles, work_dir)
        report["index_seconds"] = round(time.time() - t0, 1)
        report["paragraphs"] = len(gold_source)
        service = QAService(work_dir, reader_model=reader_model, store=paragraph_store(work_dir))
        service.warm_up()
        report["modes"]["open"] = evaluate_open_mode(service, examples, gold_source, progress)
    return report


def markdown_table(report: dict) -> str:
    lines = ["| mode | overall EM | overall F1 | HasAns F1 | NoAns F1 | recall@1 | recall@3 | recall@5 | seconds |",
             "|---|---|---|---|---|---|---|---|---|"]
    for mode, r in report["modes"].items():
        rec = r.get("recall", {})
        lines.append(
            f"| {mode} | {r['overall']['exact']:.1f} | {r['overall']['f1']:.1f} | {r['HasAns']['f1']:.1f} | "
            f"{r['NoAns']['f1']:.1f} | {rec.get('@1', '–')} | {rec.get('@3', '–')} | {rec.get('@5', '–')} | {r['seconds']} |"
        )
    return "\n".join(lines)
