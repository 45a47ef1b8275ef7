"""Training throughput of the reader's own training step under each speed option, side by side.

Same data slice, same model, same step code as `qa train-reader` (qa.training.train_reader):
only the options under test differ. Run it on a quiet machine (pause any background training).

    python bench/train_speed.py --seconds 90 --output bench/results/train-speed.json
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from qa import paths
from qa.training.squad_data import build_training_mix, load_articles, split_articles
from qa.training.train_reader import TrainConfig, freeze, make_optimizer, make_training_windows, training_step

CONFIGS = {
    "today: full windows of 256": {},
    "windows of 192 cut around the answer": {"train_window_tokens": 192},
    "+ frozen word embeddings": {"train_window_tokens": 192, "freeze_embeddings": True},
    "+ frozen embeddings and 2 lowest layers": {"train_window_tokens": 192, "freeze_layers": 2},
    "+ frozen embeddings and 3 lowest layers": {"train_window_tokens": 192, "freeze_layers": 3},
}


def measure(cfg: TrainConfig, mix, seconds: float, warmup_steps: int = 2) -> dict:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.training.features import length_grouped_batches

    tokenizer = AutoTokenizer.from_pretrained(cfg.base_model)
    windows, _ = make_training_windows(tokenizer, mix, cfg)
    lengths = [len(w.window.input_ids) for w in windows]
    batches = length_grouped_batches(len(windows), lengths, cfg.batch_size, cfg.seed)
    model = AutoModelForQuestionAnswering.from_pretrained(cfg.base_model, dtype=torch.float32)
    trainable = freeze(model, cfg.freeze_embeddings, cfg.freeze_layers)
    optimizer = make_optimizer(model, cfg)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    model.train()
    step, seen, tokens, t0 = 0, 0, 0, None
    while True:
        if step == warmup_steps:
            t0 = time.perf_counter()
        items = [windows[i] for i in batches[step % len(batches)]]
        training_step(model, optimizer, scheduler, items, tokenizer.pad_token_id, "cpu")
        step += 1
        if t0 is not None:
            seen += len(items)
            tokens += sum(len(w.window.input_ids) for w in items)
            if time.perf_counter() - t0 > seconds:
                break
    elapsed = time.perf_counter() - t0
    return {
        "windows_per_s": round(seen / elapsed, 2),
        "tokens_per_s": round(tokens / elapsed),
        "examples_per_s": round(seen / elapsed * len(mix) / len(windows), 2),
        "mean_window_tokens": round(sum(lengths) / len(lengths), 1),
        "windows_per_example": round(len(windows) / len(mix), 3),
        "trainable_weights": trainable,
        "steps_timed": step - warmup_steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-model", default=str(paths.DEFAULT_READER_DIR))
    parser.add_argument("--examples", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", action="append", help="measure only these configurations (by name)")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    data = paths.SHARED_DATA_DIR
    tune_train, _ = split_articles(load_articles(data / "squad2-dev-tune.json.gz"), 5, 13)
    mix = build_training_mix(load_articles(data / "squad1.1-train.json.gz"), tune_train, args.examples, 2, 0.33, 7)
    base = TrainConfig(base_model=args.base_model, squad_train="", tune_file="", eval_file=None, output_dir="",
                       run_dir="", batch_size=32, max_length=256, seed=7)
    results = {}
    for name, options in CONFIGS.items():
        if args.only and name not in args.only:
            continue
        results[name] = measure(replace(base, **options), mix, args.seconds)
        print(f"{name:45s} {json.dumps(results[name])}", flush=True)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps({"command": "python bench/train_speed.py "
                                           f"--examples {args.examples} --seconds {args.seconds} --threads {args.threads}",
                                           "torch_threads": args.threads, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
