"""The embedding model, as Haystack components, from the packaged all-MiniLM-L6-v2.

ONNX Runtime by default (``qa.onnx_embedders``: a query embedded in a fraction of the time, documents
with int8 weights and at most ``paths.DOCUMENT_EMBEDDING_TOKENS`` tokens, ~3x faster at the same
recall); sentence-transformers' own components with ``QA_EMBEDDER_BACKEND=torch``.
"""

from __future__ import annotations

from haystack.utils import ComponentDevice

from qa import paths
from qa.paths import embedder_model_path

EMBEDDING_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_DIM = 384


def document_embedder(batch_size: int = 32):
    if paths.EMBEDDER_BACKEND in ("onnx", "onnx-int8"):
        from qa.onnx_embedders import OnnxDocumentEmbedder

        return OnnxDocumentEmbedder(model=embedder_model_path(), cache_dir=str(paths.CACHE_DIR), batch_size=batch_size,
                                    quantized=paths.EMBEDDER_BACKEND == "onnx-int8",
                                    max_tokens=paths.DOCUMENT_EMBEDDING_TOKENS)
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
    )

    return SentenceTransformersDocumentEmbedder(
        model=embedder_model_path(), device=ComponentDevice.from_str("cpu"), local_files_only=True,
        normalize_embeddings=True, progress_bar=False, batch_size=batch_size,
    )


def text_embedder():
    if paths.EMBEDDER_BACKEND in ("onnx", "onnx-int8"):
        from qa.onnx_embedders import OnnxTextEmbedder

        return OnnxTextEmbedder(model=embedder_model_path(), cache_dir=str(paths.CACHE_DIR))
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersTextEmbedder,
    )

    return SentenceTransformersTextEmbedder(
        model=embedder_model_path(), device=ComponentDevice.from_str("cpu"), local_files_only=True,
        normalize_embeddings=True, progress_bar=False,
    )
