"""Reader latency per 256-token window on this machine (CPU threads as set by --threads).

    .venv/bin/python bench/reader_latency.py [--threads 2] [--repeats 30]

Times the reader model's forward pass over one full window (question + context = 256 tokens),
batch 1 and batch 8, after warm-up; prints median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time

import qa  # noqa: F401  (offline environment)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    import torch

    from qa.reading.reader import SpanReader

    torch.set_num_threads(args.threads)
    reader = SpanReader(model=args.model)
    reader.warm_up()
    model, tokenizer = reader._model, reader._tokenizer
    for batch in (1, 8):
        ids = torch.randint(1000, 20000, (batch, 256))
        ids[:, 0] = tokenizer.cls_token_id
        inputs = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "token_type_ids": torch.zeros_like(ids)}
        timings = []
        with torch.inference_mode():
            for i in range(args.repeats + 3):
                t0 = time.perf_counter()
                model(**inputs)
                if i >= 3:
                    timings.append((time.perf_counter() - t0) * 1000 / batch)
        timings.sort()
        print(f"batch {batch}: {statistics.median(timings):.1f} ms per 256-token window (median), "
              f"p95 {timings[int(0.95 * (len(timings) - 1))]:.1f} ms, {args.threads} threads")


if __name__ == "__main__":
    main()
