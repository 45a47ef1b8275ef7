"""The reader's network behind one interface, run by ONNX Runtime or by torch.

Both take a padded batch of numpy arrays (``input_ids``, ``attention_mask``, ``token_type_ids``)
and return numpy start and end logits, so the span decoding above them does not know which one
ran. ONNX Runtime runs it (same logits as torch; 61 vs 85 ms a window at batch 1, even at batch 8,
bench/RESULTS.md); ``onnx-int8`` is the export with int8 matrix multiplications (faster again,
slightly different logits), which ``auto`` (the default) picks only for a reader whose recorded
check says it loses at most 0.5 F1 (``qa.reading.int8_check``); torch stays
selectable (``QA_READER_BACKEND=torch``) for comparison, and is what the reader falls back to
when no export can be made.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

BACKENDS = ("auto", "onnx", "onnx-int8", "torch")


def resolve_backend(model_dir: str | Path, backend: str) -> str:
    """``auto``: int8 when the reader's recorded check allows it (``qa.reading.int8_check``),
    else fp32 ONNX; any other backend as named."""
    if backend != "auto":
        return backend
    import json

    from qa.reading import READER_CONFIG
    from qa.reading.int8_check import passes

    config_file = Path(model_dir) / READER_CONFIG
    config = json.loads(config_file.read_text()) if config_file.exists() else {}
    return "onnx-int8" if passes(config) else "onnx"


class TorchSpanModel:
    backend = "torch"

    def __init__(self, model_dir: str | Path | None = None, device: str = "cpu", model=None):
        """From a model folder, or around a model already in memory (``model``: the one being
        trained, evaluated as it is)."""
        if model is None:
            import torch
            from transformers import AutoModelForQuestionAnswering

            # Shipped in fp16 to halve the repository size; computed in fp32 (fast on CPUs).
            model = AutoModelForQuestionAnswering.from_pretrained(str(model_dir), dtype=torch.float32)
            model.to(device)
        self._model = model.eval()
        self._device = device

    def logits(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        import torch

        with torch.inference_mode():
            out = self._model(**{k: torch.from_numpy(v).to(self._device) for k, v in batch.items()})
        return out.start_logits.float().cpu().numpy(), out.end_logits.float().cpu().numpy()


class OnnxSpanModel:
    def __init__(self, onnx_file: str | Path, backend: str = "onnx"):
        from qa.onnx_export import open_session

        self.backend = backend
        self._session = open_session(onnx_file)
        self._inputs = {i.name for i in self._session.get_inputs()}

    def logits(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        feed = {k: v.astype(np.int64, copy=False) for k, v in batch.items() if k in self._inputs}
        if "token_type_ids" in self._inputs and "token_type_ids" not in feed:
            feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        start, end = self._session.run(["start_logits", "end_logits"], feed)
        return start, end


def load_span_model(model_dir: str | Path, backend: str, cache_dir: str | Path):
    """The reader's network for ``backend``; ONNX falls back to torch (with a warning) when the
    export cannot be made or loaded, so a service still answers, only slower."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown reader backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    backend = resolve_backend(model_dir, backend)
    if backend.startswith("onnx"):
        try:
            from qa.onnx_export import ensure_onnx

            return OnnxSpanModel(ensure_onnx(model_dir, cache_dir, quantized=backend == "onnx-int8"), backend=backend)
        except Exception as exc:  # noqa: BLE001 - any export/runtime failure means "use torch"
            log.warning("ONNX reader unavailable (%s: %s); running the reader with torch", type(exc).__name__, exc)
    return TorchSpanModel(model_dir)


def pad_windows(windows, pad_token_id: int) -> dict[str, np.ndarray]:
    """Pad windows to the longest one (dynamic padding) as int64 numpy arrays."""
    width = max(len(w.input_ids) for w in windows)
    ids = np.full((len(windows), width), pad_token_id, dtype=np.int64)
    mask = np.zeros((len(windows), width), dtype=np.int64)
    types = np.zeros((len(windows), width), dtype=np.int64)
    for row, w in enumerate(windows):
        n = len(w.input_ids)
        ids[row, :n] = w.input_ids
        mask[row, :n] = 1
        if w.token_type_ids is not None:
            types[row, :n] = w.token_type_ids
    batch = {"input_ids": ids, "attention_mask": mask}
    if windows[0].token_type_ids is not None:
        batch["token_type_ids"] = types
    return batch


def span_logits(span_model, windows, pad_token_id: int, batch_size: int = 16):
    """Run the network over windows; yield ``(window, start_logits, end_logits)`` per window.

    Windows of similar length are batched together so padding stays small; the logits are cut
    to the window's own length.
    """
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
    for begin in range(0, len(order), batch_size):
        part = [windows[i] for i in order[begin : begin + batch_size]]
        starts, ends = span_model.logits(pad_windows(part, pad_token_id))
        for row, window in enumerate(part):
            n = len(window.input_ids)
            yield window, starts[row, :n], ends[row, :n]
