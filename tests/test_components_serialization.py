"""Our Haystack components round-trip through to_dict/from_dict (pipelines can be saved)."""

from haystack import Pipeline

from qa.answer.citations import CitedAnswerBuilder
from qa.ingest.chunker import SentenceChunker
from qa.ingest.writer import SourceWriter
from qa.pipeline import open_store
from qa.retrieve.retrievers import SQLiteBM25Retriever, SQLiteEmbeddingRetriever


def test_components_round_trip(tmp_path):
    store = open_store(tmp_path / "ix")
    for component in (SQLiteEmbeddingRetriever(store, top_k=7), SQLiteBM25Retriever(store, top_k=3),
                      CitedAnswerBuilder(store), SourceWriter(store), SentenceChunker(max_words=50, overlap_words=5)):
        data = component.to_dict()
        again = type(component).from_dict(data)
        assert again.to_dict() == data


def test_a_pipeline_of_our_components_serialises(tmp_path):
    store = open_store(tmp_path / "ix")
    pipeline = Pipeline()
    pipeline.add_component("bm25", SQLiteBM25Retriever(store))
    pipeline.add_component("answers", CitedAnswerBuilder(store))
    restored = Pipeline.loads(pipeline.dumps(), allowed_modules=["qa"])
    assert restored.get_component("bm25").document_store.index_dir == store.index_dir
