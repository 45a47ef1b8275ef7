"""The OpenAI-compatible endpoints, driven by the official ``openai`` client (in-process over WSGI;
tests/test_live_server.py drives the real server): plain, streamed, a follow-up conversation, an
abstention, and bad requests in OpenAI's error shape."""

from __future__ import annotations


import httpx
import openai
import pytest

from tests.conftest import DEMO_QUESTION, app_over_copy


@pytest.fixture(scope="module")
def app(sample_index, tmp_path_factory):
    return app_over_copy(sample_index, tmp_path_factory, "openai")


@pytest.fixture(scope="module")
def client(app):
    transport = httpx.WSGITransport(app=app)
    return openai.OpenAI(base_url="http://testserver/v1", api_key="unused",
                         http_client=httpx.Client(transport=transport, base_url="http://testserver"), max_retries=0)


def _document_text(app, document_id: str) -> str:
    return app.test_client().get(f"/api/documents/{document_id}").get_json()["text"]


def test_models_lists_the_service(client):
    assert [m.id for m in client.models.list().data] == ["offline-qa"]


def test_a_plain_completion_answers_with_a_numbered_verifiable_source(client, app):
    reply = client.chat.completions.create(model="offline-qa", temperature=0.2, max_tokens=100, user="u1",
                                           messages=[{"role": "system", "content": "Be brief."},
                                                     {"role": "user", "content": DEMO_QUESTION}])
    content = reply.choices[0].message.content
    assert reply.choices[0].finish_reason == "stop" and reply.choices[0].message.role == "assistant"
    assert "September 27" in content.split("\n")[0] and content.split("\n")[0].endswith("[1]")
    assert "Sources:\n[1] azerbaijan-armenia-pause-in-fighting.txt" in content
    cited = reply.model_extra["citations"]
    best = cited[0]
    assert _document_text(app, best["document_id"])[best["start"]:best["end"]] == best["answer"]
    assert reply.model_extra["no_answer"] is False and reply.usage.total_tokens > 0


def test_streaming_sends_the_same_reply_in_chunks_ending_with_done(client):
    plain = client.chat.completions.create(model="offline-qa", messages=[{"role": "user", "content": DEMO_QUESTION}])
    chunks = list(client.chat.completions.create(model="offline-qa", stream=True,
                                                 messages=[{"role": "user", "content": DEMO_QUESTION}]))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == plain.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"] == plain.model_extra["citations"]
    assert len({c.id for c in chunks}) == 1


def test_the_done_marker_ends_the_event_stream(app):
    response = app.test_client().post("/v1/chat/completions", json={
        "stream": True, "messages": [{"role": "user", "content": DEMO_QUESTION}]})
    assert response.mimetype == "text/event-stream"
    events = [e for e in response.get_data(as_text=True).split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events) and events[-1] == "data: [DONE]"


def test_a_follow_up_is_resolved_with_the_earlier_messages(client):
    messages = [{"role": "user", "content": "How many civilians were killed in the Ganja attack?"},
                {"role": "assistant", "content": "at least 13 [1]"},
                {"role": "user", "content": [{"type": "text", "text": "and how many were injured?"}]}]
    follow = client.chat.completions.create(model="offline-qa", messages=messages)
    alone = client.chat.completions.create(model="offline-qa", messages=messages[-1:])
    assert "50" in follow.choices[0].message.content.split("\n")[0]
    assert follow.model_extra["citations"] != alone.model_extra["citations"]


def test_an_abstention_says_so_in_words(client):
    reply = client.chat.completions.create(model="offline-qa",
                                           messages=[{"role": "user", "content": "What is the capital of Peru?"}])
    content = reply.choices[0].message.content
    assert content.startswith("I could not find the answer in the documents.")
    assert reply.model_extra["no_answer"] is True
    if reply.model_extra["citations"]:
        assert "Maybe:\n[1]" in content


@pytest.mark.parametrize("messages, param", [
    ([], "messages"),
    ([{"role": "assistant", "content": "hi"}], "messages"),
    ([{"role": "user", "content": "   "}], "messages[0].content"),
    ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}], "messages[0].content"),
    ([{"role": "wizard", "content": "hi"}], "messages[0].role"),
])
def test_bad_requests_get_openai_errors(client, messages, param):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="offline-qa", messages=messages)
    error = caught.value.body
    assert caught.value.status_code == 400 and error["type"] == "invalid_request_error"
    assert error["param"] == param and error["message"]


def test_errors_outside_the_views_take_the_openai_shape_too(app):
    http = app.test_client()
    wrong_type = http.post("/v1/chat/completions", data="hello", content_type="text/plain")
    assert wrong_type.status_code == 415 and wrong_type.get_json()["error"]["type"] == "invalid_request_error"
    missing = http.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["type"] == "not_found_error"
    assert http.get("/api/nothing-here").get_json()["error"]["code"] == "not_found"  # /api keeps its own shape
