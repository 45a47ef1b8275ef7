"""The JSON API under /api: ask (with chat sessions), documents, sessions."""

from __future__ import annotations

from pathlib import Path

from apiflask import APIBlueprint, abort
from flask import current_app, request
from marshmallow import ValidationError

from qa.ingest.converter import ConversionError, check_type
from qa.web.engine import NotReady, text_upload_name
from qa.web.schemas import (
    AskIn,
    AskOut,
    DocumentAdded,
    DocumentDetailOut,
    DocumentIn,
    DocumentListOut,
    DocumentListQuery,
    SessionOut,
)

bp = APIBlueprint("api", __name__, url_prefix="/api", tag="API")

JSON = "application/json"
MULTIPART = "multipart/form-data"


def _engine():
    return current_app.extensions["qa.engine"]


def _sessions():
    return current_app.extensions["qa.sessions"]


def _conversations():
    return current_app.extensions["qa.conversations"]


def _require_body_type(*allowed: str) -> None:
    if request.mimetype not in allowed:
        abort(415, f"send the body as {' or '.join(allowed)} (got {request.mimetype or 'no content type'})")


def _unavailable(exc: NotReady):
    abort(503, str(exc), headers={"Retry-After": "5"})


@bp.before_request
def _check_content_type():
    if request.method == "POST" and request.endpoint == "api.ask":
        _require_body_type(JSON)
    elif request.method == "POST" and request.endpoint == "api.add_document":
        _require_body_type(JSON, MULTIPART)


@bp.post("/ask")
@bp.input(AskIn, arg_name="body", example={"question": "When did fighting start?"})
@bp.output(AskOut)
@bp.doc(summary="Answer a question with cited spans", responses={400: "Missing or empty question",
        415: "Not JSON", 422: "Invalid fields", 503: "Models still loading"})
def ask(body):
    """Answer a question from the indexed documents.

    Pass the ``session_id`` of earlier turns to ask follow-up questions: a short or referring
    question ("and how many were injured?") is searched for together with the question that set
    the topic (``retrieval_query`` in the response shows what was searched).
    """
    try:
        turn = _conversations().turn(body["question"], body["top_k"], session_id=body.get("session_id"))
    except NotReady as exc:
        _unavailable(exc)
    return turn.as_dict()


def _document_input() -> tuple[str, bytes]:
    """Validate either body form with the one ``DocumentIn`` schema; return (name, bytes)."""
    if request.mimetype == JSON:
        payload = request.get_json(silent=True)
        if payload is None:
            abort(400, "the request body is not valid JSON")
        if not isinstance(payload, dict):
            abort(422, "invalid fields in the request", detail={"json": {"_schema": ["expected a JSON object"]}})
        location = "json"
    else:
        payload = {**request.form.to_dict(), **request.files.to_dict()}
        location = "files"
    try:
        data = DocumentIn().load(payload)
    except ValidationError as exc:
        abort(422, "invalid fields in the request", detail={location: exc.messages})
    if "text" in data:
        name, content = text_upload_name(data["name"]), data["text"].encode("utf-8")
    else:
        name = Path(data.get("name") or data["file"].filename or "").name
        content = data["file"].read()
    try:
        check_type(name, content)  # the converter's own check (by name, then content): API and `qa index` agree
    except ConversionError as exc:
        abort(415, str(exc))
    return name, content


@bp.post("/documents")
@bp.output(DocumentAdded, status_code=201)
@bp.doc(summary="Add a document (multipart upload, or JSON name + text)",
        responses={200: "Same name and content as before: unchanged", 413: "Too large",
                   415: "Unsupported file type, or content not of the type its name says",
                   422: "Invalid fields or unreadable file",
                   503: "Models still loading", 507: "The disk is full: nothing was stored"})
def add_document():
    """Add (or replace: same name) a document; it is answerable by the next request.

    Send ``multipart/form-data`` with ``file`` (.txt .md .html .pdf) and optionally ``name``, or
    JSON ``{"name": ..., "text": ...}``.
    """
    name, data = _document_input()
    try:
        result = _engine().add_document(name, data)
    except NotReady as exc:
        _unavailable(exc)
    if result.status == "failed":
        abort(422, f"cannot read {name}: {result.error}")
    body = {"id": result.source_id, "name": name, "chunks": result.chunks, "status": result.status}
    return body, 201 if result.status == "indexed" else 200


@bp.get("/documents")
@bp.input(DocumentListQuery, location="query", arg_name="query")
@bp.output(DocumentListOut)
@bp.doc(summary="List documents (paged, by name)")
def list_documents(query):
    store = _engine().store
    records = store.list_sources(limit=query["limit"], offset=query["offset"])
    return {"documents": [r.as_dict() for r in records], "total": store.count_sources(),
            "limit": query["limit"], "offset": query["offset"]}


@bp.get("/documents/<document_id>")
@bp.output(DocumentDetailOut)
@bp.doc(summary="A document with its stored text (answer offsets index into it)", responses=[404])
def get_document(document_id):
    record = _engine().store.get_source(document_id)
    if record is None:
        abort(404, f"no document with id {document_id!r}")
    return record.as_dict(with_text=True)


@bp.delete("/documents/<document_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a document and its chunks", responses={404: "No such document",
        507: "The disk is full: nothing was deleted"})
def delete_document(document_id):
    if not _engine().delete_document(document_id):
        abort(404, f"no document with id {document_id!r}")
    return ""


@bp.get("/sessions/<session_id>")
@bp.output(SessionOut)
@bp.doc(summary="A chat session's turns, oldest first", responses=[404])
def get_session(session_id):
    turns = _sessions().history(session_id)
    if turns is None:
        abort(404, f"no session {session_id!r}")
    return {"session_id": session_id, "turns": turns}


@bp.delete("/sessions/<session_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Forget a chat session", responses=[404])
def delete_session(session_id):
    if not _sessions().delete(session_id):
        abort(404, f"no session {session_id!r}")
    return ""
