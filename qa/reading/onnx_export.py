"""The reader exported to ONNX, derived from ``models/reader/`` and keyed by a hash of its weights.

ONNX Runtime computes the same logits as torch (max |diff| ~1e-5 in fp32) in about half the time
on two cores. The export is a cache, never a second source of truth: its file name holds the
SHA-256 of the model's config and weights, so a retrained reader never runs a stale export. It is
built by ``qa prepare`` (run by ``quickstart.sh``) or on first load, under a file lock so that
several workers starting together export once, and written atomically so that a crash mid-export
leaves no half file behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import warnings
from pathlib import Path

log = logging.getLogger(__name__)

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAMES = ("start_logits", "end_logits")
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


def onnx_path(model_dir: str | Path, cache_dir: str | Path, quantized: bool = False) -> Path:
    """Where the export of these weights lives (it may not exist yet)."""
    suffix = "-int8" if quantized else ""
    return Path(cache_dir) / "onnx" / f"reader-{weights_fingerprint(model_dir)[:24]}{suffix}.onnx"


def export_reader(model_dir: str | Path, target: str | Path) -> Path:
    """Export the QA model's forward pass (dynamic batch and length) to ``target``, atomically."""
    import torch
    from transformers import AutoModelForQuestionAnswering

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    model = AutoModelForQuestionAnswering.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    example = torch.ones((2, 16), dtype=torch.long)
    # Inputs are passed by name and listed in forward()'s order: a mismatched order exports
    # silently wrong logits.
    dynamic = {name: {0: "batch", 1: "length"} for name in INPUT_NAMES + OUTPUT_NAMES}
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        # The tracer warns about shape checks it records as constants; tests/test_onnx_reader.py
        # checks the export against torch at several lengths and paddings instead.
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model, (), str(partial), kwargs={"input_ids": example, "attention_mask": example,
                                                 "token_type_ids": torch.zeros_like(example)},
                input_names=list(INPUT_NAMES), output_names=list(OUTPUT_NAMES), dynamic_axes=dynamic,
                opset_version=OPSET, dynamo=False,
            )
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def quantize_reader(fp32_file: str | Path, target: str | Path) -> Path:
    """Dynamic int8 quantisation of the export's matrix multiplications (weights per channel),
    atomically. Faster on CPU, but it moves logits: judged by F1 on the sample, not assumed."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = Path(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        quantize_dynamic(str(fp32_file), str(partial), op_types_to_quantize=["MatMul"], per_channel=True,
                         weight_type=QuantType.QInt8)
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def ensure_onnx_reader(model_dir: str | Path, cache_dir: str | Path, quantized: bool = False) -> Path:
    """The export of these weights, made now if it is missing (once, however many processes ask)."""
    from filelock import FileLock

    target = onnx_path(model_dir, cache_dir, quantized)
    if target.exists():
        return target
    fp32 = ensure_onnx_reader(model_dir, cache_dir) if quantized else None
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock", timeout=600):
        if not target.exists():  # another process may have finished it while we waited
            began = time.perf_counter()
            if quantized:
                quantize_reader(fp32, target)
            else:
                export_reader(model_dir, target)
            log.info("exported the reader to %s in %.1fs", target, time.perf_counter() - began)
    return target
