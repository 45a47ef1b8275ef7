"""One configuration, read the same way by the CLI, the app factory and gunicorn.

Sources, later winning: ``DEFAULTS`` below → the instance folder's ``config.py`` (upper-case
names, as Flask reads it) → environment variables prefixed ``QA_`` (values parsed as JSON when
they parse, as Flask's ``from_prefixed_env``, except ``TEXT_SETTINGS``, kept as text) → explicit
arguments (CLI flags,
the app factory's ``test_config``). The instance folder itself is ``QA_INSTANCE_DIR`` (default
``instance/`` in the project), since it cannot be set from inside itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("QA_INSTANCE_DIR", PROJECT_ROOT / "instance"))

DEFAULTS: dict[str, Any] = {
    # data and models
    "INDEX_DIR": str(PROJECT_ROOT / "index"),
    "READER_MODEL": None,  # None: the shipped models/reader
    "SESSIONS_DB": None,  # None: <instance folder>/sessions.sqlite3
    "CACHE_DIR": str(PROJECT_ROOT / ".cache"),  # derived files (ONNX exports): safe to delete
    # runtimes (see qa.paths for what each value means)
    "READER_BACKEND": "auto",
    "EMBEDDER_BACKEND": "onnx-int8",
    "DOCUMENT_EMBEDDING_TOKENS": 128,
    "VECTOR_INDEX": "auto",
    # None: SQLite in INDEX_DIR; "postgresql://user@host/db": that database, shared by replicas
    # (each keeps its FAISS file in its INDEX_DIR)
    "STORE": None,
    # the web app
    "API_KEY": None,  # set: writes need "Authorization: Bearer <key>"; unset: writes from loopback only
    "READS_NEED_KEY": False,  # true: questions and listings need the key too (health and metrics stay open)
    # questions per client (/api/ask and /v1/chat/completions together, per worker); "" turns it off
    "ASK_RATE_LIMIT": "120 per minute; 10 per second",
    "MAX_CONTENT_LENGTH": 16 * 2**20,  # uploads; larger requests get a JSON 413
    "LOAD_IN_BACKGROUND": True,  # answer /health (503 "loading") while the models load
    "TORCH_THREADS": None,  # None: cores ÷ workers under gunicorn, torch's own choice otherwise
    # gunicorn (qa serve)
    "BIND": "127.0.0.1:8000",
    "WORKERS": 2,
    "THREADS": 4,
    "ACCESS_LOG": "-",
}


# Settings that are text whatever they look like: a key "1.50" or a folder "2024" must not turn
# into a number on the way in.
TEXT_SETTINGS = frozenset({"INDEX_DIR", "READER_MODEL", "SESSIONS_DB", "CACHE_DIR", "READER_BACKEND",
                           "EMBEDDER_BACKEND", "VECTOR_INDEX", "STORE", "API_KEY", "ASK_RATE_LIMIT", "BIND", "ACCESS_LOG"})


def _parse(name: str, value: str) -> Any:
    if name in TEXT_SETTINGS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def instance_settings(instance_dir: Path = INSTANCE_DIR) -> dict[str, Any]:
    """The upper-case names ``instance/config.py`` sets (nothing when it does not exist)."""
    path = Path(instance_dir) / "config.py"
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - the operator's own config file
    return {k: v for k, v in namespace.items() if k.isupper()}


def environment_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    return {key[3:]: _parse(key[3:], value) for key, value in environ.items() if key.startswith("QA_") and len(key) > 3}


def load(overrides: Mapping[str, Any] | None = None, instance_dir: Path = INSTANCE_DIR,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The merged settings: defaults → instance/config.py → QA_* environment → ``overrides``."""
    settings = dict(DEFAULTS)
    settings.update(instance_settings(instance_dir))
    settings.update(environment_settings(environ))
    settings.update({k: v for k, v in (overrides or {}).items()})
    if not settings.get("SESSIONS_DB"):
        settings["SESSIONS_DB"] = str(Path(instance_dir) / "sessions.sqlite3")
    return settings


SETTINGS = load()  # as this process started: what qa.paths and the CLI defaults read
