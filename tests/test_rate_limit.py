"""Per-client rate limiting on the question endpoints: a JSON 429 with Retry-After, per client."""

from __future__ import annotations

import shutil

from tests.conftest import DEMO_QUESTION


def _client(sample_index, tmp_path, limit):
    from qa.web.app import create_app

    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    return create_app({"TESTING": True, "INDEX_DIR": str(index), "LOAD_IN_BACKGROUND": False,
                       "SESSIONS_DB": str(tmp_path / "s.sqlite3"), "ASK_RATE_LIMIT": limit}).test_client()


def test_one_client_over_the_limit_gets_429_and_others_do_not(sample_index, tmp_path):
    client = _client(sample_index, tmp_path, "3 per minute")
    ask = {"question": DEMO_QUESTION}
    chat = {"messages": [{"role": "user", "content": DEMO_QUESTION}]}
    statuses = [client.post("/api/ask", json=ask).status_code for _ in range(2)]
    statuses.append(client.post("/v1/chat/completions", json=chat).status_code)  # the same budget
    assert statuses == [200, 200, 200]
    over = client.post("/api/ask", json=ask)
    assert over.status_code == 429 and over.get_json()["error"]["code"] == "too_many_requests"
    assert int(over.headers["Retry-After"]) > 0
    openai_over = client.post("/v1/chat/completions", json=chat)
    assert openai_over.status_code == 429 and openai_over.get_json()["error"]["type"] == "rate_limit_error"
    other = client.post("/api/ask", json=ask, environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert other.status_code == 200  # another client keeps its own budget
    assert client.get("/api/documents").status_code == 200  # only questions are limited


def test_an_empty_setting_turns_limiting_off(sample_index, tmp_path):
    client = _client(sample_index, tmp_path, "")
    assert all(client.post("/api/ask", json={"question": DEMO_QUESTION}).status_code == 200 for _ in range(5))
