"""OpenAI's chat-completions format, in and out, for the conversation service.

In: the request body (``messages``: the last user message is the question, the earlier user
messages are the conversation; ``stream``; fields clients commonly send such as ``temperature``
or ``max_tokens`` are accepted and ignored). Out: a ``chat.completion`` (or its ``chunk`` stream)
whose content is the answer followed by numbered sources, and whose extra top-level field
``citations`` holds each cited span (document id and name, start, end, context, score) so a
client can check ``document_text[start:end] == answer``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Iterator

from qa.answer.contract import CitedAnswer
from qa.answer.contract import fields as contract_fields
from qa.chat.conversation import MAX_QUESTION_CHARS, TurnResult

MODEL_ID = "offline-qa"
MAX_MESSAGES = 200
# the answer contract's span fields (qa.answer.contract), less the internal chunk id
CITATION_FIELDS = tuple(name for name in contract_fields(CitedAnswer) if name != "chunk_id")
NO_ANSWER = "I could not find the answer in the documents."


_TEXT_PART = {"type": "object", "required": ["type", "text"],
              "properties": {"type": {"type": "string", "enum": ["text"]}, "text": {"type": "string"}}}
# The request body as the OpenAPI spec states it. Rules JSON Schema cannot state (the last message
# is the user's question, and it is not blank) are checked by parse_chat_request: a 400 then.
REQUEST_SCHEMA = {
    "type": "object", "required": ["messages"], "additionalProperties": True,
    "properties": {
        "model": {"type": "string"},
        "messages": {"type": "array", "minItems": 1, "maxItems": MAX_MESSAGES, "items": {
            "type": "object", "required": ["role", "content"], "properties": {
                "role": {"type": "string", "enum": ["system", "developer", "user", "assistant"]},
                "content": {"oneOf": [{"type": "string", "maxLength": MAX_QUESTION_CHARS},
                                      {"type": "array", "items": _TEXT_PART, "maxItems": 20}]}}}},
        "stream": {"type": "boolean"},
        "n": {"type": "integer", "enum": [1]},
        "temperature": {"type": "number"}, "max_tokens": {"type": "integer"}, "user": {"type": "string"},
    },
}


ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["message", "type"], "properties": {
        "message": {"type": "string"}, "type": {"type": "string"},
        "param": {"type": "string", "nullable": True}, "code": {"type": "string", "nullable": True}}}}}


class ChatRequestError(ValueError):
    """The request does not follow the chat-completions format; ``param`` names the field."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class ChatRequest:
    question: str
    earlier_questions: list[str]
    stream: bool
    model: str


def _text(content, where: str) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise ChatRequestError("only text content parts are supported", where)
            parts.append(part["text"])
        return "\n".join(parts)
    if content is None:
        return ""
    raise ChatRequestError("content must be a string or a list of text parts", where)


def parse_chat_request(payload) -> ChatRequest:
    if not isinstance(payload, dict):
        raise ChatRequestError("the request body must be a JSON object")
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ChatRequestError("messages must be a non-empty list", "messages")
    if len(messages) > MAX_MESSAGES:
        raise ChatRequestError(f"at most {MAX_MESSAGES} messages", "messages")
    questions = []
    for n, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise ChatRequestError("each message needs a role", f"messages[{n}]")
        if message["role"] not in ("system", "developer", "user", "assistant", "tool", "function"):
            raise ChatRequestError(f"unknown role {message['role']!r}", f"messages[{n}].role")
        text = _text(message.get("content"), f"messages[{n}].content")
        if message["role"] == "user":
            questions.append((n, text))
    if not questions or questions[-1][0] != len(messages) - 1:
        raise ChatRequestError("the last message must be the user's question", "messages")
    question = questions[-1][1].strip()
    if not question:
        raise ChatRequestError("the question (the last user message) is empty", f"messages[{len(messages) - 1}].content")
    if len(question) > MAX_QUESTION_CHARS:
        raise ChatRequestError(f"the question is longer than {MAX_QUESTION_CHARS} characters",
                               f"messages[{len(messages) - 1}].content")
    n = payload.get("n", 1)
    if n not in (1, None):
        raise ChatRequestError("only n=1 is supported", "n")
    stream = payload.get("stream", False)
    if not isinstance(stream, bool) and stream is not None:
        raise ChatRequestError("stream must be true or false", "stream")
    model = payload.get("model") or MODEL_ID
    if not isinstance(model, str):
        raise ChatRequestError("model must be a string", "model")
    return ChatRequest(question, [t for _, t in questions[:-1]], bool(stream), model)


def citations(turn: TurnResult) -> list[dict]:
    return [{k: a.get(k) for k in CITATION_FIELDS} for a in turn.result.get("answers", [])]


def reply_text(turn: TurnResult) -> str:
    """The answer with its source numbered, or an abstention with the "maybe" candidates."""
    cited = citations(turn)
    if turn.result.get("no_answer") or not cited:
        if not cited:
            return NO_ANSWER
        maybes = "\n".join(f"[{i}] “{c['answer']}” ({c['document_name']}, confidence {c['score']:.2f})"
                           for i, c in enumerate(cited, 1))
        return f"{NO_ANSWER}\n\nMaybe:\n{maybes}"
    top = cited[0]
    return (f"{top['answer']} [1]\n\nSources:\n[1] {top['document_name']}, characters {top['start']}–{top['end']} "
            f"(confidence {top['score']:.2f}): “{top['context']}”")


def _usage(request: ChatRequest, content: str) -> dict:
    """Whitespace-separated words, not model tokens: this service has no generator to bill."""
    prompt = len(" ".join([*request.earlier_questions, request.question]).split())
    completion_words = len(content.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion_words, "total_tokens": prompt + completion_words}


def completion(turn: TurnResult, request: ChatRequest) -> dict:
    content = reply_text(turn)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
        "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage(request, content),
        "citations": citations(turn), "no_answer": bool(turn.result.get("no_answer")),
    }


def completion_chunks(turn: TurnResult, request: ChatRequest) -> Iterator[dict]:
    """The same reply as ``chat.completion.chunk`` objects: the role, the content line by line,
    then an empty delta with the finish reason, the usage and the citations."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": MODEL_ID}
    content = reply_text(turn)
    yield {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None,
                                "finish_reason": None}]}
    for piece in content.splitlines(keepends=True):
        yield {**base, "choices": [{"index": 0, "delta": {"content": piece}, "logprobs": None, "finish_reason": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}],
           "usage": _usage(request, content), "citations": citations(turn),
           "no_answer": bool(turn.result.get("no_answer"))}


def models_list() -> dict:
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "offline-qa"}]}
