"""Two ``qa serve`` replicas on loopback sharing one PostgreSQL store (QA_STORE): an upload through
one is answerable through the other, a delete through one is gone from both, and killing one with
``kill -9`` in the middle of uploads loses nothing it acknowledged."""

from __future__ import annotations

import http.client
import signal
import threading
import time

import pytest

from tests.live import kill_server, request_json, start_server
from tests.postgres_server import server_binaries

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(server_binaries() is None,
                                reason="PostgreSQL's server binaries are not installed (apt-get install postgresql)")




def _replica(url: str, tmp_path, name: str):
    env = {"QA_STORE": url, "QA_SESSIONS_DB": str(tmp_path / f"{name}-sessions.sqlite3"), "QA_ASK_RATE_LIMIT": ""}
    return start_server(tmp_path / f"{name}-index", workers=1, env=env, log_path=tmp_path / f"{name}.log")


@pytest.mark.timeout(600)
def test_two_replicas_share_one_postgres_store(tmp_path):
    from tests.postgres_server import postgres_server

    with postgres_server() as url:
        first, first_url = _replica(url, tmp_path, "first")
        second, second_url = _replica(url, tmp_path, "second")
        try:
            text = "The lighthouse at Amber Heron Point is kept by Amara Albright since the spring of 1998."
            status, doc = request_json(first_url, "POST", "/api/documents", {"name": "lighthouse.txt", "text": text})
            assert status == 201, doc
            status, answer = request_json(second_url, "POST", "/api/ask",
                                          {"question": "Who keeps the lighthouse at Amber Heron Point?"})
            assert status == 200 and answer["answers"][0]["document_id"] == doc["id"], answer
            assert "Amara Albright" in answer["answers"][0]["answer"]
            assert request_json(second_url, "GET", f"/api/documents/{doc['id']}")[1]["text"] == text

            assert request_json(second_url, "DELETE", f"/api/documents/{doc['id']}")[0] == 204
            assert request_json(first_url, "GET", f"/api/documents/{doc['id']}")[0] == 404
            status, answer = request_json(first_url, "POST", "/api/ask",
                                          {"question": "Who keeps the lighthouse at Amber Heron Point?"})
            assert status == 200 and all(a["document_id"] != doc["id"] for a in answer["answers"])

            # kill -9 the first replica while it takes uploads: what it acknowledged is there, via the second
            acknowledged: dict[str, str] = {}

            def uploads():
                for n in range(10_000):
                    body = {"name": f"log-{n}.txt", "text": f"Entry {n}: the keeper of gate {n} is Vell{n}q."}
                    try:
                        status, out = request_json(first_url, "POST", "/api/documents", body, timeout=10)
                    except (OSError, http.client.HTTPException, ValueError):
                        return
                    if status == 201:
                        acknowledged[out["id"]] = body["text"]

            uploader = threading.Thread(target=uploads)
            uploader.start()
            time.sleep(3)
            kill_server(first, signal.SIGKILL)
            uploader.join(timeout=30)
            assert acknowledged, "no upload was acknowledged before the kill"
            for doc_id, body_text in acknowledged.items():
                status, stored = request_json(second_url, "GET", f"/api/documents/{doc_id}")
                assert status == 200 and stored["text"] == body_text
            some_id, some_text = next(iter(acknowledged.items()))
            gate = some_text.split("gate ")[1].split(" ")[0]
            status, answer = request_json(second_url, "POST", "/api/ask", {"question": f"Who is the keeper of gate {gate}?"})
            assert any(a["document_id"] == some_id for a in answer["answers"]), answer
        finally:
            kill_server(first, signal.SIGKILL)
            kill_server(second)
