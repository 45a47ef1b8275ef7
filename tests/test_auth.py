"""Who may write: the API key on writes (and reads when configured); loopback only without a key."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import DEMO_QUESTION

KEY = "s3cret-key-for-tests"


def _app(sample_index, tmp_path, **config):
    import shutil

    from qa.web.app import create_app

    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    return create_app({"TESTING": True, "INDEX_DIR": str(index), "LOAD_IN_BACKGROUND": False,
                       "SESSIONS_DB": str(tmp_path / "s.sqlite3"), **config})


def _upload(client, **kwargs):
    return client.post("/api/documents", json={"name": "ferry", "text": "The Tervani ferry is green."}, **kwargs)


def test_with_a_key_writes_need_it_and_reads_stay_open(sample_index, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    client = _app(sample_index, tmp_path, API_KEY=KEY).test_client()
    missing = _upload(client)
    assert missing.status_code == 401 and missing.get_json()["error"]["code"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = _upload(client, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "not valid" in wrong.get_json()["error"]["message"]
    added = _upload(client, headers={"Authorization": f"Bearer {KEY}"})
    assert added.status_code == 201
    doc_id = added.get_json()["id"]
    assert client.delete(f"/api/documents/{doc_id}").status_code == 401
    assert client.delete(f"/api/sessions/{'a' * 32}").status_code == 401
    assert client.post("/api/ask", json={"question": DEMO_QUESTION}).status_code == 200
    assert client.get("/api/documents").status_code == 200
    assert client.delete(f"/api/documents/{doc_id}", headers={"Authorization": f"bearer {KEY}"}).status_code == 204
    assert KEY not in caplog.text


def test_reads_can_need_the_key_too_and_v1_answers_in_openai_shape(sample_index, tmp_path):
    client = _app(sample_index, tmp_path, API_KEY=KEY, READS_NEED_KEY=True).test_client()
    assert client.post("/api/ask", json={"question": DEMO_QUESTION}).status_code == 401
    denied = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": DEMO_QUESTION}]})
    assert denied.status_code == 401 and denied.get_json()["error"]["type"] == "authentication_error"
    allowed = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": DEMO_QUESTION}]},
                          headers={"Authorization": f"Bearer {KEY}"})
    assert allowed.status_code == 200
    assert client.get("/health").status_code == 200 and client.get("/metrics").status_code == 200
    assert client.get("/").status_code == 200  # the page itself loads; it asks for the key when needed


@pytest.mark.parametrize("address, status", [("10.1.2.3", 403), ("192.168.0.7", 403), ("::1", 201),
                                              ("127.0.0.1", 201)])
def test_without_a_key_only_this_machine_may_write(sample_index, tmp_path, address, status):
    client = _app(sample_index, tmp_path).test_client()
    response = _upload(client, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    if status == 403:
        assert "QA_API_KEY" in response.get_json()["error"]["message"]
        assert client.post("/api/ask", json={"question": DEMO_QUESTION},
                           environ_base={"REMOTE_ADDR": address}).status_code == 200
