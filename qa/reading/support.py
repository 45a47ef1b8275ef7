"""How closely the sentence around a candidate answer says what the question asks.

The reader matches words: asked "When did fighting start?", it takes "midnight local time" from
"Azerbaijan and Armenia agree to a pause in fighting. The new deal, slated to begin at midnight
..." over "September 27" from "... since fighting broke out between the countries on the morning
of September 27." The retriever's sentence encoder (all-MiniLM-L6-v2, trained on paraphrase pairs)
tells those sentences apart by meaning. ``SentenceSupport`` scores each candidate's sentence by
its cosine likeness to the question, so the reader can rank candidates by both
(``SpanReader``'s ``support_weight``; bench/sentence_support.py measures it on held-out articles).
"""

from __future__ import annotations

import numpy as np

from qa import paths


class SentenceSupport:
    """Cosine likeness of a question to texts, with the retriever's encoder (loaded on first use)."""

    def __init__(self, model: str | None = None, cache_dir: str | None = None, batch_size: int = 32):
        self.model = model or paths.embedder_model_path()
        self.cache_dir = cache_dir or str(paths.CACHE_DIR)
        self.batch_size = batch_size
        self._encoder = None

    def warm_up(self) -> None:
        if self._encoder is None:
            from qa.onnx_embedders import _OnnxEncoder

            self._encoder = _OnnxEncoder(self.model, self.cache_dir, self.batch_size)

    def likeness(self, question: str, texts: list[str]) -> list[float]:
        """Cosine of the question with each text (both L2-normalised), in the order given."""
        if not texts:
            return []
        self.warm_up()
        unique = sorted(set(texts))
        vectors = self._encoder.encode([question, *unique])
        by_text = dict(zip(unique, vectors[1:] @ vectors[0]))
        return [float(np.clip(by_text[t], -1.0, 1.0)) for t in texts]
