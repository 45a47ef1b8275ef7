"""How long a training run spends before its first step: making the mix and tokenising it.

A lent GPU gives a session 15 minutes, and until `--prep-workers` the GPU machine spent minutes of
them on one CPU core making the mix (the rule-made generators go over all 87,599 SQuAD 1.1
questions whatever the mix size) and cutting it into windows. This times both steps in one
process and in ``--workers`` processes, with the GPU recipe's rates (scripts/train-on-gpu.sh),
and checks that the mix and the windows come out the same.

    .venv/bin/python bench/prep_speed.py --workers 2 --examples 60000 --output bench/results/prep-speed.json

Run it when nothing else is running: a paused training run (kill -STOP) still spends its time budget.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from qa import paths
from qa.training.features import training_windows
from qa.training.squad_data import build_training_mix, load_articles, split_articles

GPU_RECIPE = dict(tune_repeats=4, negative_rate=0.33, hard_kinds=(
    "entity_swap", "negation", "antonym", "sibling_paragraph", "answer_sentence_removed"), hard_rate=0.25,
    distractor_rate=0.5, word_distractor_rate=0.5, predicate_distractor_rate=1.0, modifier_distractor_rate=1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--examples", type=int, default=60000,
                        help="mix size (above the 35,248 tune examples, so the generators' output is in it)")
    parser.add_argument("--max-length", type=int, default=384)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    from transformers import AutoTokenizer

    data = paths.SHARED_DATA_DIR
    tune_train, _ = split_articles(load_articles(data / "squad2-dev-tune.json.gz"), 5, 13)
    squad = load_articles(data / "squad1.1-train.json.gz")
    tokenizer = AutoTokenizer.from_pretrained(paths.DEFAULT_READER_DIR)
    results, made = {}, {}
    for workers in (1, args.workers):
        t0 = time.perf_counter()
        mix = build_training_mix(squad, tune_train, args.examples, seed=53, workers=workers, **GPU_RECIPE)
        t1 = time.perf_counter()
        windows = training_windows(tokenizer, mix, args.max_length, 128, workers=workers, keep_offsets=False)
        t2 = time.perf_counter()
        made[workers] = (mix, [(w.window.pair_index, w.window.input_ids.tolist(), None if w.window.token_type_ids is None
                                 else w.window.token_type_ids.tolist(), w.start, w.end) for w in windows])
        results[f"workers={workers}"] = {"mix_seconds": round(t1 - t0, 1), "tokenise_seconds": round(t2 - t1, 1),
                                         "examples": len(mix), "windows": len(windows)}
        print(workers, json.dumps(results[f"workers={workers}"]), flush=True)
    same = made[1] == made[args.workers]
    print("same mix and windows:", same)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps({
            "command": f"python bench/prep_speed.py --workers {args.workers} --examples {args.examples} "
                       f"--max-length {args.max_length}",
            "cores": os.cpu_count(), "same_mix_and_windows": same, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
