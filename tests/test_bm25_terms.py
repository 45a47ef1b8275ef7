"""The BM25 query: user text never becomes FTS5 syntax, and function words do not flood it."""

from haystack import Document

from qa.store.document_store import SQLiteDocumentStore, search_words


def test_function_words_are_left_out_unless_nothing_else_is_asked():
    assert search_words("When did the fighting start?") == ["fighting", "start"]
    assert search_words("Who was it?") == ["who", "was", "it"]  # nothing but function words: keep them
    assert search_words("start START start") == ["start"]


def test_fts_syntax_in_a_question_is_only_text(tmp_path):
    store = SQLiteDocumentStore(str(tmp_path))
    store.write_documents([Document(id="a", content="NEAR the river AND the OR bridge"),
                           Document(id="b", content="A bridge over the river")])
    found = store.bm25_retrieval('bridge" OR NEAR(river) -- *', top_k=5)
    assert {d.id for d in found} == {"a", "b"}
    assert store.bm25_retrieval("the of and", top_k=5)  # all function words still match something
