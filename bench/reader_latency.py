"""Reader latency per 256-token window, ONNX Runtime vs torch side by side in one run.

    .venv/bin/python bench/reader_latency.py [--threads 2] [--repeats 30]

Times the reader network's forward pass over full windows (question + context = 256 tokens) at
batch 1 and batch 8, after warm-up, for each backend in turn, alternating rounds so that machine
noise hits both alike; prints median and p95 in milliseconds per window, and the largest logit
difference between the backends.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import qa  # noqa: F401  (offline environment)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    import torch

    from qa import paths
    from qa.onnx_export import ensure_onnx
    from qa.reading.span_models import OnnxSpanModel, TorchSpanModel
    from qa.paths import reader_model_path

    torch.set_num_threads(args.threads)
    model_dir = reader_model_path(args.model)
    models = {"torch": TorchSpanModel(model_dir),
              "onnx": OnnxSpanModel(ensure_onnx(model_dir, paths.CACHE_DIR))}
    rng = np.random.default_rng(0)
    for batch in (1, 8):
        ids = rng.integers(1000, 20000, size=(batch, 256), dtype=np.int64)
        ids[:, 0] = 101
        inputs = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        outputs = {name: m.logits(inputs) for name, m in models.items()}  # warm-up, and the logits to compare
        diff = max(float(np.abs(a - b).max()) for a, b in zip(outputs["torch"], outputs["onnx"]))
        timings = {name: [] for name in models}
        for _ in range(args.repeats):
            for name, model in models.items():
                t0 = time.perf_counter()
                model.logits(inputs)
                timings[name].append((time.perf_counter() - t0) * 1000 / batch)
        for name, values in timings.items():
            values.sort()
            print(f"{name:5s} batch {batch}: {statistics.median(values):6.1f} ms per window (median), "
                  f"p95 {values[int(0.95 * (len(values) - 1))]:6.1f} ms, {args.threads} threads")
        print(f"      batch {batch}: largest logit difference onnx vs torch {diff:.1e}")


if __name__ == "__main__":
    main()
