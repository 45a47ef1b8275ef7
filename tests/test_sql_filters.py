"""Filters narrowed in SQL give exactly what Haystack's matcher gives over every document: the
same documents, and the same error when it raises one."""

import pytest
from haystack import Document
from haystack.errors import FilterError
from haystack.utils.filters import document_matches_filter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.store.document_store import SQLiteDocumentStore
from qa.store.sql_filters import prefilter

VALUES = st.sampled_from([0, 1, 2, 1.0, 2.5, True, False, "a", "b", "A", "", None,
                          "2024-01-01", "2024-01-01T00:00:00", "2024-01-01T00:00:00+00:00", ["a", 1]])
FIELDS = st.sampled_from(["meta.x", "meta.y", "meta.nested.k", "meta.missing", "id", "content", "meta"])
DOC_META = st.fixed_dictionaries({}, optional={"x": VALUES, "y": VALUES,
                                                "nested": st.fixed_dictionaries({}, optional={"k": VALUES})})


def _comparisons():
    value = st.one_of(VALUES, st.lists(VALUES, max_size=3), st.just("d1"), st.just("text a"))
    operator = st.sampled_from(["==", "in", "!=", "not in", ">", "<="])
    return st.builds(lambda f, o, v: {"field": f, "operator": o, "value": v}, FIELDS, operator, value)


FILTERS = st.recursive(
    _comparisons(),
    lambda inner: st.builds(lambda o, c: {"operator": o, "conditions": c},
                            st.sampled_from(["AND", "OR", "NOT"]), st.lists(inner, min_size=1, max_size=3)),
    max_leaves=6,
)


def _outcome(func):
    try:
        return sorted(d.id for d in func())
    except (FilterError, TypeError) as exc:  # Haystack's matcher raises both
        return type(exc).__name__


@pytest.fixture(scope="module")
def store_and_docs(tmp_path_factory):
    return SQLiteDocumentStore(str(tmp_path_factory.mktemp("filters"))), []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(metas=st.lists(DOC_META, min_size=1, max_size=6), filters=FILTERS)
def test_sql_narrowing_never_changes_the_result(store_and_docs, metas, filters):
    store, _ = store_and_docs
    store.delete_all_documents()
    docs = [Document(id=f"d{i}", content=f"text {'a' if i % 2 else 'b'}", meta=m) for i, m in enumerate(metas)]
    store.write_documents(docs)
    expected = _outcome(lambda: [d for d in store.filter_documents() if document_matches_filter(filters, d)])
    assert _outcome(lambda: store.filter_documents(filters)) == expected
    if isinstance(expected, list):
        assert store.count_documents_by_filter(filters) == len(expected)


def test_equality_and_membership_become_sql():
    sql, params = prefilter({"operator": "AND", "conditions": [
        {"field": "meta.lang", "operator": "==", "value": "en"},
        {"field": "meta.year", "operator": "in", "value": [2020, None]},
        {"field": "meta.year", "operator": ">", "value": 2000},  # left to Haystack
    ]})
    assert sql == "(json_extract(data, ?) = ?) AND (json_extract(data, ?) IN (?) OR json_extract(data, ?) IS NULL)"
    assert params == ['$.meta."lang"', "en", '$.meta."year"', 2020, '$.meta."year"']


def test_what_sql_cannot_decide_exactly_is_not_narrowed():
    assert prefilter({"operator": "NOT", "conditions": [{"field": "meta.a", "operator": "==", "value": 1}]}) is None
    assert prefilter({"field": "meta.when", "operator": "==", "value": "2024-01-01T00:00:00"}) is None
    assert prefilter({"operator": "OR", "conditions": [{"field": "meta.a", "operator": "==", "value": 1},
                                                       {"field": "meta.b", "operator": "<", "value": 1}]}) is None
    # a first condition that may raise leaves every document to Haystack
    assert prefilter({"operator": "AND", "conditions": [{"field": "meta.b", "operator": "<", "value": 1},
                                                        {"field": "meta.a", "operator": "==", "value": 1}]}) is None


def test_dates_written_differently_still_match(tmp_path):
    store = SQLiteDocumentStore(str(tmp_path))
    store.write_documents([Document(id="naive", content="x", meta={"when": "2024-01-01T00:00:00"}),
                           Document(id="other", content="y", meta={"when": "2023-05-01T00:00:00"})])
    for value in ("2024-01-01T00:00:00+00:00", ["2024-01-01T00:00:00+00:00"]):
        operator = "in" if isinstance(value, list) else "=="
        found = store.filter_documents({"field": "meta.when", "operator": operator, "value": value})
        assert [d.id for d in found] == ["naive"]
