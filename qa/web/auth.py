"""Who may write: an API key on the write endpoints (and on reads, if configured).

``API_KEY`` (``QA_API_KEY``) set: adding, replacing and deleting documents and deleting chat
sessions need ``Authorization: Bearer <key>`` (compared in constant time); a missing or wrong key
is a JSON 401 with ``WWW-Authenticate``. ``READS_NEED_KEY`` extends that to the questions and the
document listing (``/api/*`` and ``/v1/*``; health and metrics stay open). No key set: writes are
accepted from this machine only (loopback), and the server says so when it starts; behind a
reverse proxy every request looks local, so set a key there. The key is never logged.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Flask, current_app, request

from qa.web.errors import error_body

log = logging.getLogger(__name__)

WRITE_ENDPOINTS = {"api.add_document", "api.delete_document", "api.delete_session"}
KEYED_BLUEPRINTS = {"api", "openai"}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="offline-qa"'}


def _is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def _has_key(key: str) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), key.encode())


def install_auth(app: Flask) -> None:
    key = app.config.get("API_KEY") or None  # text, as qa.config reads it
    if key:
        log.info("writes%s need the API key (Authorization: Bearer ...)",
                 " and questions" if app.config.get("READS_NEED_KEY") else "")
    else:
        log.warning("no API key set (QA_API_KEY): documents can be added or deleted from this machine only")

    @app.before_request
    def require_key():
        is_write = request.endpoint in WRITE_ENDPOINTS
        is_keyed_read = (not is_write and request.blueprint in KEYED_BLUEPRINTS
                         and current_app.config.get("READS_NEED_KEY"))
        if not (is_write or is_keyed_read):
            return None
        if key:
            if _has_key(key):
                return None
            message = ("this server needs its API key for that: send Authorization: Bearer <key>"
                       if "Authorization" not in request.headers else "the API key is not valid")
            return error_body(401, message), 401, CHALLENGE
        if is_write and not _is_loopback(request.remote_addr):
            return error_body(403, "this server accepts changes from its own machine only: "
                                   "set QA_API_KEY to allow them from elsewhere"), 403
        return None
