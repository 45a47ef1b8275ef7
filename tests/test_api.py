"""The JSON API through Flask's test client: every endpoint and error path."""

from __future__ import annotations

import io

import pytest

from tests.conftest import DEMO_QUESTION, app_over_copy


@pytest.fixture(scope="module")
def app(sample_index, tmp_path_factory):
    return app_over_copy(sample_index, tmp_path_factory, "api")


@pytest.fixture
def client(app):
    return app.test_client()


def _error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]["message"]


def test_ask_answers_with_a_verifiable_citation(client):
    response = client.post("/api/ask", json={"question": DEMO_QUESTION})
    assert response.status_code == 200
    body = response.get_json()
    assert body["no_answer"] is False and body["took_ms"] > 0 and body["session_id"]
    best = body["answers"][0]
    assert "September 27" in best["answer"]
    doc = client.get(f"/api/documents/{best['document_id']}").get_json()
    assert doc["text"][best["start"]:best["end"]] == best["answer"]
    assert doc["text"][best["context_start"]:].startswith(best["context"])


def test_follow_up_uses_the_conversation_for_retrieval(client):
    first = client.post("/api/ask", json={"question": "How many civilians were killed in the Ganja attack?"}).get_json()
    assert first["is_followup"] is False
    follow = client.post("/api/ask", json={"question": "and how many were injured?",
                                           "session_id": first["session_id"]}).get_json()
    assert follow["is_followup"] is True and follow["session_id"] == first["session_id"]
    assert follow["reader_question"] == "How many were injured?"
    assert follow["retrieval_query"].startswith("How many civilians were killed in the Ganja attack?")
    session = client.get(f"/api/sessions/{first['session_id']}").get_json()
    assert [t["question"] for t in session["turns"]] == [
        "How many civilians were killed in the Ganja attack?", "and how many were injured?"]
    assert session["turns"][1]["result"]["answers"] == follow["answers"]
    # the same follow-up in a new session is searched as it is
    alone = client.post("/api/ask", json={"question": "and how many were injured?"}).get_json()
    assert alone["is_followup"] is False and alone["retrieval_query"] == "and how many were injured?"
    assert client.delete(f"/api/sessions/{first['session_id']}").status_code == 204
    _error(client.get(f"/api/sessions/{first['session_id']}"), 404, "not_found")
    _error(client.delete(f"/api/sessions/{first['session_id']}"), 404, "not_found")


def test_ask_errors(client):
    msg = _error(client.post("/api/ask", data="{not json", content_type="application/json"), 400, "bad_request")
    assert "not valid JSON" in msg
    assert "question" in _error(client.post("/api/ask", json={}), 400, "bad_request")
    _error(client.post("/api/ask", json={"question": "   "}), 400, "bad_request")
    _error(client.post("/api/ask", json={"question": 7}), 422, "invalid_fields")
    body = client.post("/api/ask", json={"question": "q", "top_k": 0}).get_json()
    assert body["error"]["code"] == "invalid_fields" and "top_k" in body["error"]["details"]["json"]
    _error(client.post("/api/ask", json={"question": "q", "top_k": "many"}), 422, "invalid_fields")
    _error(client.post("/api/ask", json={"question": "x" * 1001}), 422, "invalid_fields")
    _error(client.post("/api/ask", json={"question": "q", "session_id": "../../etc"}), 422, "invalid_fields")
    _error(client.post("/api/ask", json={"question": "q", "colour": "red"}), 422, "invalid_fields")
    _error(client.post("/api/ask", data="When?", content_type="text/plain"), 415, "unsupported_media_type")
    _error(client.get("/api/ask"), 405, "method_not_allowed")
    _error(client.get("/api/nowhere"), 404, "not_found")


def test_documents_lifecycle_through_the_api(client):
    text = "Field notes\n\nThe Quorran bridge opened to traffic on 4 March 1911 after six years of work.\n"
    added = client.post("/api/documents", json={"name": "field notes", "text": text})
    assert added.status_code == 201, added.get_data(as_text=True)
    doc = added.get_json()
    assert doc["name"] == "field notes.txt" and doc["chunks"] >= 1 and doc["status"] == "indexed"

    again = client.post("/api/documents", json={"name": "field notes", "text": text})
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"

    answer = client.post("/api/ask", json={"question": "When did the Quorran bridge open to traffic?"}).get_json()
    cited = [a for a in answer["answers"] if a["document_id"] == doc["id"]]
    assert cited and "1911" in cited[0]["answer"]
    stored = client.get(f"/api/documents/{doc['id']}").get_json()
    assert stored["text"][cited[0]["start"]:cited[0]["end"]] == cited[0]["answer"]

    listing = client.get("/api/documents?limit=1&offset=0").get_json()
    assert listing["total"] == 2 and len(listing["documents"]) == 1 and listing["limit"] == 1
    second = client.get("/api/documents?limit=1&offset=1").get_json()
    assert {listing["documents"][0]["id"], second["documents"][0]["id"]} >= {doc["id"]}
    assert "text" not in listing["documents"][0]
    _error(client.get("/api/documents?limit=0"), 422, "invalid_fields")
    _error(client.get("/api/documents?offset=-1"), 422, "invalid_fields")

    assert client.delete(f"/api/documents/{doc['id']}").status_code == 204
    _error(client.get(f"/api/documents/{doc['id']}"), 404, "not_found")
    _error(client.delete(f"/api/documents/{doc['id']}"), 404, "not_found")
    answer = client.post("/api/ask", json={"question": "When did the Quorran bridge open to traffic?"}).get_json()
    assert all(a["document_id"] != doc["id"] for a in answer["answers"])


def test_multipart_upload_and_its_errors(app, client):
    md = b"# Orchard log\n\nThe first pears were picked on 12 August by Ilse.\n"
    response = client.post("/api/documents", data={"file": (io.BytesIO(md), "orchard.md")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    doc = response.get_json()
    assert doc["name"] == "orchard.md"
    assert "Orchard log" in client.get(f"/api/documents/{doc['id']}").get_json()["text"]
    assert client.delete(f"/api/documents/{doc['id']}").status_code == 204

    def upload(data: bytes, name: str):
        return client.post("/api/documents", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")

    assert ".exe" in _error(upload(b"MZ\x90\x00", "tool.exe"), 415, "unsupported_media_type")
    assert "binary" in _error(upload(b"\x00\x01\x02junk", "junk.txt"), 422, "invalid_fields")
    # the type is checked by content too: a renamed file is refused up front
    assert "not a PDF" in _error(upload(b"hello", "fake.pdf"), 415, "unsupported_media_type")
    assert "image/png" in _error(upload(b"\x89PNG\r\n\x1a\n" + bytes(40), "photo.txt"), 415, "unsupported_media_type")
    assert "PDF" in _error(client.post("/api/documents", json={"name": "r.txt", "text": "%PDF-1.4 ..."}),
                           415, "unsupported_media_type")
    _error(client.post("/api/documents", data={"name": "x"}, content_type="multipart/form-data"),
           422, "invalid_fields")
    _error(client.post("/api/documents", json={"text": "no name"}), 422, "invalid_fields")
    _error(client.post("/api/documents", json={"name": "empty", "text": " \n"}), 422, "invalid_fields")
    _error(client.post("/api/documents", json=["a", "list"]), 422, "invalid_fields")
    _error(client.post("/api/documents", data="{oops", content_type="application/json"), 400, "bad_request")
    _error(client.post("/api/documents", data="plain", content_type="text/plain"), 415, "unsupported_media_type")
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        assert "1024" not in _error(upload(b"a" * 4096, "big.txt"), 413, "too_large")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert client.get("/api/documents").get_json()["total"] == 1  # nothing half-written


def test_health_metrics_and_openapi(client):
    health = client.get("/health")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "ok" and body["models_loaded"] is True and body["index"]["documents"] >= 1
    client.post("/api/ask", json={"question": DEMO_QUESTION})
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.mimetype == "text/plain"
    text = metrics.get_data(as_text=True)
    assert 'qa_http_requests_total{endpoint="/api/ask",method="POST",status="200"}' in text
    assert 'qa_http_request_duration_seconds_bucket{endpoint="/api/ask"' in text
    assert "qa_index_documents " in text and "qa_index_chunks " in text

    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    ask = spec["paths"]["/api/ask"]["post"]
    ask_schema = spec["components"]["schemas"]["AskIn"]
    assert "question" in ask_schema["required"] and ask_schema["properties"]["top_k"]["maximum"] == 20
    assert ask["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/AskIn")
    upload = spec["paths"]["/api/documents"]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/json", "multipart/form-data"}
    assert {"/api/documents/{document_id}", "/api/sessions/{session_id}", "/health", "/metrics"} <= set(spec["paths"])
    not_found = spec["paths"]["/api/documents/{document_id}"]["get"]["responses"]["404"]
    assert not_found["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert ask["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_unexpected_errors_are_json_500(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.extensions["qa.conversations"], "ask", broken)
    message = _error(client.post("/api/ask", json={"question": DEMO_QUESTION}), 500, "internal_error")
    assert "boom" not in message


def test_503_while_the_models_load(sample_index, tmp_path, monkeypatch):
    from qa.web.engine import Engine
    from qa.web.app import create_app

    monkeypatch.setattr(Engine, "_load", lambda self: None)  # never finishes loading
    app = create_app({"INDEX_DIR": str(sample_index), "SESSIONS_DB": str(tmp_path / "s.sqlite3")})
    client = app.test_client()
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["status"] == "loading"
    response = client.post("/api/ask", json={"question": DEMO_QUESTION})
    _error(response, 503, "unavailable")
    assert response.headers["Retry-After"] == "5"
    _error(client.post("/api/documents", json={"name": "n", "text": "t"}), 503, "unavailable")
    assert client.get("/api/documents").status_code == 200  # reading documents needs no model


def test_chat_page_is_self_contained(client):
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]  # no inline or foreign script
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "http://" not in html and "https://" not in html  # no CDN: the service runs offline
    for asset in ("/assets/chat.js", "/assets/chat.css"):
        assert asset in html and client.get(asset).status_code == 200
    script = client.get("/assets/chat.js").get_data(as_text=True)
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_an_offset_past_what_sqlite_can_count_is_a_422_not_a_500(client):
    response = client.get("/api/documents?limit=100&offset=106063255028272681922380754321408")
    _error(response, 422, "invalid_fields")
    assert client.get("/api/documents?offset=1000000000").status_code == 200
