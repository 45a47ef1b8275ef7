"""OpenAI-compatible endpoints under /v1: chat completions (plain and streamed) and the model list.

Thin: the request is parsed and the reply shaped by ``qa.chat.openai_format``; the turn itself is
the conversation service's (``qa.chat.conversation``), the same as /api/ask. The conversation is
whatever the client sends in ``messages``, so nothing is stored server-side for these requests.
Errors here take OpenAI's shape (``qa.web.errors``).
"""

from __future__ import annotations

import json

from apiflask import APIBlueprint, abort
from flask import Response, current_app, request, stream_with_context

from qa.chat.openai_format import (
    ChatRequestError,
    completion,
    completion_chunks,
    models_list,
    parse_chat_request,
)
from qa.web.engine import NotReady

bp = APIBlueprint("openai", __name__, url_prefix="/v1", tag="OpenAI-compatible")
ANSWERS = 3  # the answer, and the "maybe" candidates of an abstention


@bp.get("/models")
@bp.doc(summary="The one model this service offers (OpenAI format)")
def list_models():
    return models_list()


@bp.post("/chat/completions")
@bp.doc(summary="Answer the last user message with cited spans (OpenAI chat-completions format)",
        description="Earlier user messages are the conversation (follow-ups are resolved with them). "
                    "`stream: true` sends server-sent events ending with `data: [DONE]`. The reply's "
                    "extra field `citations` lists each cited span: document id and name, start, end, "
                    "context, score. Other OpenAI fields (temperature, max_tokens, user...) are ignored.",
        responses={400: "Not the chat-completions format", 415: "Not JSON", 503: "Models still loading"})
def chat_completions():
    if request.mimetype != "application/json":
        abort(415, f"send the body as application/json (got {request.mimetype or 'no content type'})")
    payload = request.get_json(silent=True)
    if payload is None:
        abort(400, "the request body is not valid JSON")
    try:
        chat = parse_chat_request(payload)
    except ChatRequestError as exc:
        abort(400, str(exc), detail={"param": exc.param})
    try:
        turn = current_app.extensions["qa.conversations"].turn(
            chat.question, ANSWERS, earlier_questions=chat.earlier_questions)
    except NotReady as exc:
        abort(503, str(exc), headers={"Retry-After": "5"})
    if not chat.stream:
        return completion(turn, chat)

    def events():
        for chunk in completion_chunks(turn, chat):
            yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"

    return Response(stream_with_context(events()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
