"""Shared fixtures: a small index of the sample article, built once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import qa  # noqa: F401  (offline settings, telemetry off, before any test module imports Haystack)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLE = PROJECT_ROOT / "examples" / "docs" / "azerbaijan-armenia-pause-in-fighting.txt"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
DEMO_QUESTION = "When did fighting start?"



def run_qa(*args: str, input: str | None = None, timeout: float = 300, env: dict | None = None):
    """Run the ``qa`` CLI in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], input=input, capture_output=True, text=True,
        timeout=timeout, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})},
    )


@pytest.fixture
def embedder():
    """A fresh embedder component (Haystack components belong to one pipeline each); the
    loaded model itself is cached by the sentence-transformers backend."""
    from qa.models import document_embedder

    return document_embedder()


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory):
    """An index holding the sample article; returns its folder."""
    from qa.ingest.indexer import Indexer
    from qa.pipeline import open_store

    folder = tmp_path_factory.mktemp("sample-index")
    indexer = Indexer(open_store(folder))
    result = indexer.add_file(SAMPLE_ARTICLE)
    assert result.status == "indexed", result
    indexer.finish()
    return folder


@pytest.fixture(scope="session")
def service(sample_index):
    from qa.pipeline import QAService

    svc = QAService(sample_index)
    svc.warm_up()
    return svc


def app_over_copy(sample_index, tmp_path_factory, name: str, **config):
    """The app over a copy of the sample index (tests may write to it), models loaded at once; no
    question rate limit (tests/test_rate_limit.py tests it), since these tests ask in bursts."""
    import shutil

    from qa.web.app import create_app

    index = tmp_path_factory.mktemp(f"{name}-index")
    shutil.copytree(sample_index, index, dirs_exist_ok=True)
    instance = tmp_path_factory.mktemp(f"{name}-instance")
    return create_app({"TESTING": True, "INDEX_DIR": str(index), "LOAD_IN_BACKGROUND": False,
                       "SESSIONS_DB": str(instance / "sessions.sqlite3"), "ASK_RATE_LIMIT": "", **config})
