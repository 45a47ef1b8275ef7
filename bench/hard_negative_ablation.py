"""What each kind of rule-made unanswerable adds: short training arms at the same budget.

Every arm continues from the same reader with the same seed, the same number of steps and the
same mix size; only the kinds of hard negatives in the mix differ (they take their share of the
mix from the SQuAD 1.1 positives and other-paragraph negatives). Each arm is scored on the
held-out tune articles (never the evaluation sample): F1 at the best threshold there, HasAns F1
when never abstaining, and the ROC AUC of the margin for "answerable".

    python bench/hard_negative_ablation.py --base-model ../shared/checkpoints/reader-stage3b \
        --steps 100 --output bench/results/hard-negative-ablation.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from qa import paths
from qa.training.train_reader import TrainConfig, train

ARMS = {
    "other-paragraph negatives only (today)": [],
    "+ sibling paragraph": ["sibling_paragraph"],
    "+ entity swap": ["entity_swap"],
    "+ negation and antonym": ["negation", "antonym"],
    "+ all four kinds": ["entity_swap", "negation", "antonym", "sibling_paragraph"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-model", required=True)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--hard-rate", type=float, default=0.3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", action="append", help="run only these arms (by name)")
    parser.add_argument("--work-dir", type=Path, default=paths.PROJECT_ROOT / "train-runs" / "ablation")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    data = paths.SHARED_DATA_DIR
    results = json.loads(args.output.read_text())["arms"] if args.output and args.output.exists() else {}
    for name, kinds in ARMS.items():
        if args.only and name not in args.only:
            continue
        slug = "-".join(kinds) or "baseline"
        t0 = time.time()
        report = train(TrainConfig(
            base_model=args.base_model, squad_train=str(data / "squad1.1-train.json.gz"),
            tune_file=str(data / "squad2-dev-tune.json.gz"), eval_file=None,
            output_dir=str(args.work_dir / slug / "out"), run_dir=str(args.work_dir / slug / "run"),
            max_examples=args.steps * 32, max_steps=args.steps, batch_size=32, max_length=256,
            train_window_tokens=192, freeze_embeddings=True, tune_repeats=3, negative_rate=0.33,
            hard_negatives=kinds, hard_rate=args.hard_rate, threads=args.threads, seed=17, heldout_seed=13,
            checkpoint_minutes=1e9, command=["bench/hard_negative_ablation.py", name],
        ))
        res = report["results"]
        results[name] = {
            "kinds": kinds, "mix": report["progress"]["mix"], "windows_seen": report["progress"]["windows_seen"],
            "heldout_best_threshold_f1": res["heldout_tune"]["overall"]["f1"],
            "heldout_hasans_f1": res["heldout_tune"]["HasAns"]["f1"],
            "heldout_noans": res["heldout_tune"]["NoAns"]["f1"],
            "heldout_never_abstain_hasans_f1": res["heldout_never_abstain"]["HasAns"]["f1"],
            "heldout_auc_answerable": res["heldout_auc_answerable"],
            "minutes": round((time.time() - t0) / 60, 1),
        }
        print(name, json.dumps(results[name]), flush=True)
        if args.output:
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(json.dumps({
                "command": f"python bench/hard_negative_ablation.py --base-model {args.base_model} "
                           f"--steps {args.steps} --hard-rate {args.hard_rate}",
                "heldout": res["heldout_titles"], "arms": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
