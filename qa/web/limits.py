"""Per-client rate limiting on the question endpoints (Flask-Limiter), so one client cannot starve the rest.

``ASK_RATE_LIMIT`` (``QA_ASK_RATE_LIMIT``, default "120 per minute; 10 per second") applies to
``/api/ask`` and ``/v1/chat/completions`` together, per client: the API key it sends, else its
address. Counts live in each worker's memory, so with N workers a client may get up to N times
the limit (a shared store would need a service this project does not run). Over the limit: a
JSON 429 with ``Retry-After``. An empty setting turns limiting off.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, request
from flask_limiter import Limiter, RateLimitExceeded

from qa.web.errors import error_body


def client_key() -> str:
    """Who is asking: a hash of the API key sent (never the key itself), else the address."""
    auth = request.headers.get("Authorization", "")
    if auth:
        return "key:" + hashlib.sha256(auth.encode()).hexdigest()[:16]
    return "addr:" + (request.remote_addr or "unknown")


def install_limits(app: Flask) -> Limiter:
    setting = app.config.get("ASK_RATE_LIMIT") or ""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # no X-RateLimit headers on every response (they would also replace a 503's own Retry-After)
    limiter = Limiter(client_key, app=app, enabled=bool(setting), headers_enabled=False)

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded):
        current = limiter.current_limit
        wait = max(1, math.ceil(current.reset_at - time.time())) if current else 1
        return error_body(429, exc.description), 429, {"Retry-After": str(wait)}

    if setting:
        ask_limit = limiter.shared_limit(
            setting, scope="ask",
            error_message=f"too many questions from this client (limit: {setting}); retry after the Retry-After seconds")
        for endpoint in ("api.ask", "openai.chat_completions"):
            app.view_functions[endpoint] = ask_limit(app.view_functions[endpoint])
    return limiter
