"""The embedding model, as Haystack components, from the packaged all-MiniLM-L6-v2."""

from __future__ import annotations

from haystack.utils import ComponentDevice

from qa.paths import embedder_model_path

EMBEDDING_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
EMBEDDING_DIM = 384


def document_embedder(batch_size: int = 32):
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
    )

    return SentenceTransformersDocumentEmbedder(
        model=embedder_model_path(), device=ComponentDevice.from_str("cpu"), local_files_only=True,
        normalize_embeddings=True, progress_bar=False, batch_size=batch_size,
    )


def text_embedder():
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersTextEmbedder,
    )

    return SentenceTransformersTextEmbedder(
        model=embedder_model_path(), device=ComponentDevice.from_str("cpu"), local_files_only=True,
        normalize_embeddings=True, progress_bar=False,
    )
