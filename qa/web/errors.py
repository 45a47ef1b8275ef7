"""Every error is JSON ``{"error": {"code", "message"[, "details"]}}`` with its HTTP status (under
/v1, OpenAI's ``{"error": {"message", "type", "param", "code"}}``, which its clients parse).

Validation errors from the request schemas arrive here too: a missing or empty question is a
400 (the request cannot be understood), other invalid fields a 422 with per-field details.
"""

from __future__ import annotations

import logging

from apiflask import APIFlask, HTTPError
from flask import current_app, request
from werkzeug.exceptions import HTTPException

from qa.storage_errors import StorageError

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_fields", 429: "too_many_requests",
    500: "internal_error", 503: "unavailable", 507: "insufficient_storage",
}


OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 404: "not_found_error",
                429: "rate_limit_error", 500: "server_error", 503: "server_error", 507: "server_error"}


def error_body(status: int, message: str, details=None) -> dict:
    if request and request.path.startswith("/v1/"):
        return openai_error_body(status, message, details)
    body = {"code": CODES.get(status, f"http_{status}"), "message": message}
    if details:
        body["details"] = details
    return {"error": body}


def openai_error_body(status: int, message: str, details=None) -> dict:
    """OpenAI's error shape, for the /v1 endpoints its clients call."""
    param = details.get("param") if isinstance(details, dict) else None
    return {"error": {"message": message, "type": OPENAI_TYPES.get(status, "invalid_request_error"),
                      "param": param, "code": CODES.get(status, f"http_{status}")}}


def _question_missing(details) -> bool:
    if not isinstance(details, dict) or "question" not in details.get("json", {}):
        return False
    payload = request.get_json(silent=True)
    question = payload.get("question") if isinstance(payload, dict) else None
    return question is None or (isinstance(question, str) and not question.strip())


def register_error_handlers(app: APIFlask) -> None:
    @app.error_processor
    def api_error(error: HTTPError):
        status, message, details = error.status_code, error.message, error.detail
        if status == 422 and _question_missing(details):
            status, message = 400, "the question is missing or empty"
        elif status == 422 and message == current_app.config["VALIDATION_ERROR_DESCRIPTION"]:
            message = "invalid fields in the request"
        return error_body(status, message, details), status, error.headers

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = exc.description or exc.name
        data = getattr(exc, "data", None) or {}
        if status == 400 and data.get("messages", {}).get("json") == ["Invalid JSON body."]:
            message = "the request body is not valid JSON"
        elif status == 413:
            limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 2**20
            message = f"the request is larger than the limit of {limit_mb:g} MB"
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return error_body(status, message), status, headers

    @app.errorhandler(StorageError)
    def storage_refused(exc: StorageError):
        log.error("%s %s: %s", request.method, request.path, exc)  # the path on disk stays in the log
        return error_body(507, "the server could not store this: its disk is full or refused the write; "
                               "nothing was changed, try again later"), 507

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_body(500, "internal error; the server log has the details"), 500
