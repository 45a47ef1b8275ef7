"""all-MiniLM-L6-v2 on ONNX Runtime, as Haystack embedder components.

The same computation as sentence-transformers' pipeline for this model (BERT encoder, mean of the
token states under the attention mask, L2 normalisation, at most 256 tokens) with the encoder
exported to ONNX (``qa.onnx_export``, keyed by the weights' hash): the same vectors (max |diff|
~1e-6); a query embeds in a fraction of sentence-transformers' time (the per-call overhead goes).
Batched documents cost about the same in fp32 (the matrix work dominates), so the document
embedder can use int8 weights and read fewer tokens (bench/embed_speed.py: 3x the chunks/s at the
same recall@5).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from haystack import Document, component, default_from_dict, default_to_dict


class _OnnxEncoder:
    """Tokenise, run the exported encoder, mean-pool and normalise; batches of similar length."""

    def __init__(self, model_dir: str, cache_dir: str, batch_size: int, quantized: bool = False,
                 max_tokens: int | None = None):
        from transformers import AutoTokenizer

        from qa.onnx_export import ensure_onnx, open_session

        config = Path(model_dir) / "sentence_bert_config.json"
        self.max_length = json.loads(config.read_text()).get("max_seq_length", 256) if config.exists() else 256
        if max_tokens:
            self.max_length = min(self.max_length, max_tokens)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.session = open_session(ensure_onnx(model_dir, cache_dir, quantized=quantized, kind="encoder"))
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows: dict[int, np.ndarray] = {}
        for begin in range(0, len(order), self.batch_size):
            part = order[begin : begin + self.batch_size]
            batch = self.tokenizer([texts[i] for i in part], truncation=True, max_length=self.max_length,
                                   padding=True, return_tensors="np")
            feed = {k: batch[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")
                    if k in batch}
            if "token_type_ids" not in feed:
                feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
            states = self.session.run(["last_hidden_state"], feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (states * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            rows.update(zip(part, pooled))
        return np.stack([rows[i] for i in range(len(texts))])


@component
class OnnxDocumentEmbedder:
    """Embeds each document's content (sentence-transformers' defaults: no prefix, no meta);
    optionally with int8 weights (``quantized``) and reading at most ``max_tokens`` of each."""

    def __init__(self, model: str, cache_dir: str, batch_size: int = 32, quantized: bool = False,
                 max_tokens: int | None = None):
        self.model, self.cache_dir, self.batch_size = model, cache_dir, batch_size
        self.quantized, self.max_tokens = quantized, max_tokens
        self._encoder: _OnnxEncoder | None = None

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, model=self.model, cache_dir=self.cache_dir, batch_size=self.batch_size,
                               quantized=self.quantized, max_tokens=self.max_tokens)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "OnnxDocumentEmbedder":
        return default_from_dict(cls, data)

    def warm_up(self) -> None:
        if self._encoder is None:
            self._encoder = _OnnxEncoder(self.model, self.cache_dir, self.batch_size, self.quantized, self.max_tokens)

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        if not isinstance(documents, list) or any(not isinstance(d, Document) for d in documents):
            raise TypeError("OnnxDocumentEmbedder expects a list of Documents.")
        self.warm_up()
        vectors = self._encoder.encode([d.content or "" for d in documents])
        return {"documents": [replace(d, embedding=v.tolist()) for d, v in zip(documents, vectors)]}


@component
class OnnxTextEmbedder:
    """Embeds one query string."""

    def __init__(self, model: str, cache_dir: str):
        self.model, self.cache_dir = model, cache_dir
        self._encoder: _OnnxEncoder | None = None

    def to_dict(self) -> dict[str, Any]:
        return default_to_dict(self, model=self.model, cache_dir=self.cache_dir)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "OnnxTextEmbedder":
        return default_from_dict(cls, data)

    def warm_up(self) -> None:
        if self._encoder is None:
            self._encoder = _OnnxEncoder(self.model, self.cache_dir, batch_size=1)

    @component.output_types(embedding=list[float])
    def run(self, text: str) -> dict[str, list[float]]:
        if not isinstance(text, str):
            raise TypeError("OnnxTextEmbedder expects a string.")
        self.warm_up()
        return {"embedding": self._encoder.encode([text])[0].tolist()}
