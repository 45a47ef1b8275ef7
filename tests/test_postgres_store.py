"""The PostgreSQL store against a real server the tests start themselves (tests/postgres_server.py):
Haystack's conformance suite, SQL filter narrowing, keyword search, sources, and two stores (two
replicas) on one database seeing each other's writes through the vector change log."""

from __future__ import annotations

import threading

import pytest
from haystack import Document
from haystack.utils.filters import document_matches_filter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.postgres_server import server_binaries
from tests.store_contract import OurStoreContract

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(server_binaries() is None,
                                reason="PostgreSQL's server binaries are not installed (apt-get install postgresql)")


@pytest.fixture(scope="module")
def postgres_url():
    from tests.postgres_server import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture
def empty_database(postgres_url):
    """The module's database with nothing in it (faster than a new database per test)."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return postgres_url


def _store(url, **kwargs):
    from qa.store.postgres import PostgresDocumentStore

    return PostgresDocumentStore(url, **kwargs)


class TestPostgresDocumentStoreConformance(OurStoreContract):
    @pytest.fixture
    def document_store(self, empty_database):
        store = _store(empty_database)
        yield store
        store.close()

    def test_to_dict_from_dict(self, document_store):
        from qa.store.postgres import PostgresDocumentStore

        again = PostgresDocumentStore.from_dict(document_store.to_dict())
        assert again.url == document_store.url and again.count_documents() == document_store.count_documents()


def test_keyword_search_is_stemmed_and_never_parses_user_text(empty_database):
    store = _store(empty_database)
    store.write_documents([Document(id="a", content="The attacks on the river bridge"),
                           Document(id="b", content="A quiet market by the station")])
    assert [d.id for d in store.bm25_retrieval("attack bridge", top_k=5)] == ["a"]
    assert [d.id for d in store.bm25_retrieval("bridge' | !(:* & station) --", top_k=5)] != []
    assert store.bm25_retrieval("zebra", top_k=5) == []


def test_two_replicas_see_each_others_writes_without_a_rebuild(empty_database):
    first = _store(empty_database, embedding_dim=3)
    second = _store(empty_database, embedding_dim=3)
    first.write_documents([Document(id="x", content="x", embedding=[1.0, 0.0, 0.0])])
    assert [d.id for d in second.embedding_retrieval([1.0, 0.0, 0.0], top_k=1)] == ["x"]
    built = second.vector_index()
    second.write_documents([Document(id="y", content="y", embedding=[0.0, 1.0, 0.0])])
    assert [d.id for d in first.embedding_retrieval([0.0, 1.0, 0.0], top_k=1)] == ["y"]
    assert second.vector_index() is built  # caught up in place from the change log
    first.delete_documents(["y"])
    assert [d.id for d in second.embedding_retrieval([0.0, 1.0, 0.0], top_k=2)] == ["x"]


def test_sources_replace_and_delete_with_their_chunks(empty_database):
    from qa.store import SourceRecord

    store = _store(empty_database, embedding_dim=2)
    chunk = Document(id="c1", content="alpha", meta={"source_id": "s"}, embedding=[1.0, 0.0])
    store.replace_source(SourceRecord(id="s", name="a.txt", text="alpha beta", content_hash="h1"), [chunk])
    store.replace_source(SourceRecord(id="s", name="a.txt", text="alpha gamma", content_hash="h2"),
                         [Document(id="c2", content="gamma", meta={"source_id": "s"}, embedding=[0.0, 1.0])])
    assert store.source_hash("s") == "h2" and store.get_source("s").chunks == 1
    assert [s.name for s in store.list_sources()] == ["a.txt"] and store.count_documents() == 1
    assert store.delete_source("s") and store.count_sources() == 0 and store.count_documents() == 0
    assert store.embedding_retrieval([0.0, 1.0], top_k=3) == []


def test_concurrent_writers_lose_nothing(empty_database):
    stores = [_store(empty_database, embedding_dim=2) for _ in range(4)]
    errors = []

    def write(n):
        try:
            for i in range(25):
                stores[n].write_documents([Document(id=f"{n}-{i}", content=f"doc {n} {i}", embedding=[1.0, float(i)])])
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    reader = _store(empty_database, embedding_dim=2)
    assert reader.count_documents() == 100 and len(reader.vector_index()) == 100


VALUES = st.sampled_from([0, 1, 1.0, True, False, "a", "b", "", None, "2024-01-01", ["a", 1]])
FIELDS = st.sampled_from(["meta.x", "meta.nested.k", "meta.missing", "id", "content"])
DOC_META = st.fixed_dictionaries({}, optional={"x": VALUES, "nested": st.fixed_dictionaries({}, optional={"k": VALUES})})
COMPARISONS = st.builds(lambda f, o, v: {"field": f, "operator": o, "value": v}, FIELDS,
                        st.sampled_from(["==", "in", "!="]), st.one_of(VALUES, st.lists(VALUES, max_size=3)))
FILTERS = st.recursive(COMPARISONS, lambda inner: st.builds(
    lambda o, c: {"operator": o, "conditions": c}, st.sampled_from(["AND", "OR"]), st.lists(inner, min_size=1, max_size=3)),
    max_leaves=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(metas=st.lists(DOC_META, min_size=1, max_size=5), filters=FILTERS)
def test_sql_narrowing_never_changes_the_result(postgres_url, metas, filters):
    from haystack.errors import FilterError

    store = _store(postgres_url)
    store.delete_all_documents()
    store.write_documents([Document(id=f"d{i}", content=f"text {i}", meta=m) for i, m in enumerate(metas)])

    def outcome(func):
        try:
            return sorted(d.id for d in func())
        except (FilterError, TypeError) as exc:
            return type(exc).__name__

    expected = outcome(lambda: [d for d in store.filter_documents() if document_matches_filter(filters, d)])
    assert outcome(lambda: store.filter_documents(filters)) == expected
    store.close()


def test_a_dropped_connection_is_replaced(empty_database):
    store = _store(empty_database)
    store.write_documents([Document(id="a", content="kept")])
    with psycopg.connect(empty_database, autocommit=True) as admin:  # as a server restart would
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with pytest.raises(psycopg.OperationalError):
        store.count_documents()
    assert store.count_documents() == 1


def test_a_faiss_file_of_another_store_in_the_folder_is_never_used(empty_database, tmp_path):
    """The folder (a replica's QA_INDEX_DIR) may hold the SQLite index's own vectors.faiss."""
    from qa.store import SQLiteDocumentStore

    sqlite = SQLiteDocumentStore(str(tmp_path), embedding_dim=2)
    sqlite.write_documents([Document(id="s1", content="s", embedding=[1.0, 0.0]),
                            Document(id="s2", content="s", embedding=[1.0, 0.0])])
    sqlite.persist_vectors(force=True)
    store = _store(empty_database, embedding_dim=2, vectors_dir=str(tmp_path))
    store.write_documents([Document(id="pg-doc", content="p", embedding=[0.0, 1.0])])
    store.persist_vectors(force=True)
    fresh = _store(empty_database, embedding_dim=2, vectors_dir=str(tmp_path))
    assert len(fresh.vector_index()) == 1
    [hit] = fresh.embedding_retrieval([0.0, 1.0], top_k=5)
    assert hit.id == "pg-doc" and hit.score == pytest.approx(1.0)
    assert len(list(tmp_path.glob("vectors-*.faiss"))) == 1 and (tmp_path / "vectors.faiss").exists()
