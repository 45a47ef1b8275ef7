"""Our models exported to ONNX (the reader, the embedding encoder), keyed by a hash of their weights.

ONNX Runtime computes the same outputs as torch (max |diff| ~1e-5 in fp32) with less overhead per
call (a window at batch 1: 61 vs 85 ms on two cores; a query embedding: ~16 ms). The export is a
cache, never a second source of truth: its file name holds the SHA-256 of the model's config and
weights, so a retrained reader never runs a stale export. It is built on first load (on a fresh
clone, by ``quickstart.sh``'s first ``qa index`` and ``qa ask``), under a file lock so that several
workers starting together export once, and written atomically (``qa.atomic_files``) so that a
crash mid-export leaves no half file behind.
"""

from __future__ import annotations

import hashlib
import logging
import time
import warnings
from pathlib import Path

from qa.atomic_files import atomic_path

log = logging.getLogger(__name__)

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUTS = {"reader": ("start_logits", "end_logits"), "encoder": ("last_hidden_state",)}
OPSET = 17
_HASHED_FILES = ("config.json", "*.safetensors")


def weights_fingerprint(model_dir: str | Path) -> str:
    """SHA-256 over the model's config and weight files (names and bytes), in a stable order."""
    folder = Path(model_dir)
    digest = hashlib.sha256()
    for pattern in _HASHED_FILES:
        for path in sorted(folder.glob(pattern)):
            digest.update(path.name.encode() + b"\0")
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def onnx_path(model_dir: str | Path, cache_dir: str | Path, quantized: bool = False, kind: str = "reader") -> Path:
    """Where the export of these weights lives (it may not exist yet)."""
    suffix = "-int8" if quantized else ""
    return Path(cache_dir) / "onnx" / f"{kind}-{weights_fingerprint(model_dir)[:24]}{suffix}.onnx"


def export_model(model_dir: str | Path, target: str | Path, kind: str = "reader") -> Path:
    """Export the model's forward pass (dynamic batch and length) to ``target``, atomically:
    the QA head's start/end logits (``reader``) or the encoder's token states (``encoder``)."""
    import torch
    from transformers import AutoModel, AutoModelForQuestionAnswering

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    loader = AutoModelForQuestionAnswering if kind == "reader" else AutoModel
    model = loader.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    output_names = OUTPUTS[kind]

    class ByName(torch.nn.Module):
        """Positional inputs in, named outputs out: the model is called by keyword, so the
        export's input order can never silently differ from the model's."""

        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return tuple(out[name] for name in output_names)

    example = torch.ones((2, 16), dtype=torch.long)
    dynamic = {name: {0: "batch", 1: "length"} for name in INPUT_NAMES + output_names}
    with atomic_path(target) as partial:
        # The tracer warns about shape checks it records as constants; tests/test_onnx_reader.py
        # checks the export against torch at several lengths and paddings instead.
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                ByName().eval(), (example, example, torch.zeros_like(example)), str(partial),
                input_names=list(INPUT_NAMES), output_names=list(output_names), dynamic_axes=dynamic,
                opset_version=OPSET, dynamo=False,
            )
    return target


def quantize_model(fp32_file: str | Path, target: str | Path) -> Path:
    """Dynamic int8 quantisation of the export's matrix multiplications (weights per channel),
    atomically. Faster on CPU, but it moves the outputs: judged by F1 or recall, not assumed."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = Path(target)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # its advice to pre-process (on the root logger) is for static quantisation
    try:
        with atomic_path(target) as partial:
            quantize_dynamic(str(fp32_file), str(partial), op_types_to_quantize=["MatMul"], per_channel=True,
                             weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    return target


def open_session(onnx_file: str | Path):
    """An ONNX Runtime session on the CPU with the process's thread setting (torch's, which a
    server worker's ``--threads`` sets), so both runtimes share the cores alike."""
    import onnxruntime as ort
    import torch

    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    # Its worker threads would otherwise spin after each run, starving what comes next on the same
    # cores: FAISS search right after the query embedding took 35 ms instead of 15 at 100k chunks.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])


def ensure_onnx(model_dir: str | Path, cache_dir: str | Path, quantized: bool = False, kind: str = "reader") -> Path:
    """The export of these weights, made now if it is missing (once, however many processes ask)."""
    from filelock import FileLock

    target = onnx_path(model_dir, cache_dir, quantized, kind)
    if target.exists():
        return target
    fp32 = ensure_onnx(model_dir, cache_dir, kind=kind) if quantized else None
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock", timeout=600):
        if not target.exists():  # another process may have finished it while we waited
            began = time.perf_counter()
            if quantized:
                quantize_model(fp32, target)
            else:
                export_model(model_dir, target, kind)
            log.info("exported the %s to %s in %.1fs", kind, target, time.perf_counter() - began)
    return target
