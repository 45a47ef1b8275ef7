"""Two writers at once: two ``qa index`` processes (with a folder in common) and the server taking
uploads, all on one index at the same time. Nothing is lost, nothing is doubled, the index checks
sound, and the running server answers from documents the other processes wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

import pytest

from tests.conftest import PROJECT_ROOT, run_qa
from tests.live import kill_server, request_json, start_server

FILES_EACH = 10
MIN_UPLOADS = 12


def _write_corpus(folder, tag: str, count: int) -> dict[str, str]:
    """``count`` files, each naming a keeper with a made-up word found nowhere else: {word: path}."""
    folder.mkdir(parents=True)
    words = {}
    for i in range(count):
        word = f"Keeper{tag}x{i}z"
        path = folder / f"{tag}-{i:02d}.txt"
        path.write_text(f"Report {tag} {i}. " + f"The tower on hill {tag}{i} is kept by {word}. " * 3
                        + "The weather was mild and the roads were open. " * (5 + 7 * i))
        words[word] = str(path.resolve())
    return words




@pytest.mark.timeout(600)
def test_two_indexers_and_the_server_write_at_once(sample_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    first = _write_corpus(tmp_path / "first", "A", FILES_EACH)
    second = _write_corpus(tmp_path / "second", "B", FILES_EACH)
    common = _write_corpus(tmp_path / "common", "C", 4)  # both indexers index these same files

    env = {"QA_SESSIONS_DB": str(tmp_path / "sessions.sqlite3"), "QA_ASK_RATE_LIMIT": ""}
    proc, url = start_server(index, workers=1, env=env, log_path=tmp_path / "server.log")
    try:
        uploaded: dict[str, str] = {}
        failures: list = []

        def upload_stream():  # until both indexers are done (and at least MIN_UPLOADS), bounded
            i = 0
            while (i < MIN_UPLOADS or any(p.poll() is None for p in indexers)) and i < 2000:
                word = f"KeeperUx{i}z"
                status, body = request_json(url, "POST", "/api/documents",
                                            {"name": f"upload-{i}.txt", "text": f"The gate {i} is kept by {word}."})
                if status != 201:
                    failures.append((status, body))
                    return
                uploaded[word] = body["id"]
                i += 1

        indexers = [
            subprocess.Popen([sys.executable, "-m", "qa.cli", "index", str(folder), str(tmp_path / "common"),
                              "--index", str(index), "--no-progress"],
                             cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for folder in (tmp_path / "first", tmp_path / "second")
        ]
        uploader = threading.Thread(target=upload_stream)
        uploader.start()
        outputs = [p.communicate(timeout=300)[0] for p in indexers]
        uploader.join(timeout=300)
        assert not uploader.is_alive() and not failures, failures
        for p, output in zip(indexers, outputs):
            assert p.returncode == 0, output

        # The running server answers from what the indexers wrote (it applies their vector changes).
        status, result = request_json(url, "POST", "/api/ask",
                                      {"question": "Who keeps the tower on hill A3?", "top_k": 5})
        assert status == 200, result
        assert any(a["document_name"] == "A-03.txt" for a in result["answers"]), result
    finally:
        kill_server(proc)

    check = run_qa("check", "--index", str(index))
    assert check.returncode == 0, check.stdout + check.stderr

    from qa.pipeline import open_store

    store = open_store(index)
    sources = store.list_sources()
    assert len(sources) == 1 + 2 * FILES_EACH + len(common) + len(uploaded)  # the sample article, each file once
    assert len({s.id for s in sources}) == len(sources)
    assert store.count_documents() == sum(s.chunks for s in sources)
    expected = {word: ("path", path) for word, path in {**first, **second, **common}.items()}
    expected |= {word: ("id", doc_id) for word, doc_id in uploaded.items()}
    by_id = {s.id: s for s in sources}
    # The writes really overlapped: each indexer's files were stored while uploads were stored.
    upload_times = [by_id[doc_id].created_at for doc_id in uploaded.values()]
    for corpus in (first, second):
        times = [s.created_at for s in sources if s.path in corpus.values()]
        assert min(upload_times) < max(times) and min(times) < max(upload_times)
    for word, (kind, value) in expected.items():  # each findable by its own word, in the right document
        found = store.bm25_retrieval(word, top_k=1)
        assert found, word
        source = by_id[found[0].meta["source_id"]]
        assert (source.path if kind == "path" else source.id) == value, word
