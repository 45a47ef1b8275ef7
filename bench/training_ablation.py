"""Short training arms at the same CPU budget: what each kind of rule-made unanswerable adds, and
what the faster training loop buys in quality per CPU-minute.

Every arm continues from the same reader with the same seed for the same training minutes (the
learning rate decays to zero when they run out); only the options under test differ. Hard
negatives take their share of the mix from the SQuAD 1.1 positives and other-paragraph
negatives. Each arm is scored on the held-out tune articles (never the evaluation sample): F1 at
the threshold chosen there (in-sample and with each article left out in turn), HasAns F1 when
never abstaining, and the ROC AUC of the margin for "answerable". Run it on a quiet machine.

    python bench/training_ablation.py --base-model ../shared/checkpoints/reader-stage3b \
        --minutes 4 --output bench/results/training-ablation.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from qa import paths
from qa.training.train_reader import TrainConfig, train

FAST = {"train_window_tokens": 192, "freeze_layers": 2}
ALL_KINDS = ["entity_swap", "negation", "antonym", "sibling_paragraph"]
ARMS = {
    "today's loop (full 256-token windows, nothing frozen), other-paragraph negatives only": {},
    "fast loop, other-paragraph negatives only": {**FAST},
    "fast loop + sibling paragraph": {**FAST, "hard_negatives": ["sibling_paragraph"]},
    "fast loop + entity swap": {**FAST, "hard_negatives": ["entity_swap"]},
    "fast loop + negation and antonym": {**FAST, "hard_negatives": ["negation", "antonym"]},
    "fast loop + all four kinds": {**FAST, "hard_negatives": ALL_KINDS},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-model", required=True)
    parser.add_argument("--minutes", type=float, default=4.0, help="training minutes per arm")
    parser.add_argument("--steps", type=int, default=None,
                        help="train this many steps per arm instead of --minutes (equal windows whatever else runs)")
    parser.add_argument("--hard-rate", type=float, default=0.25)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", action="append", help="run only these arms (by name)")
    parser.add_argument("--work-dir", type=Path, default=paths.PROJECT_ROOT / "train-runs" / "ablation")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()

    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    data = paths.SHARED_DATA_DIR
    results = json.loads(args.output.read_text())["arms"] if args.output and args.output.exists() else {}
    for number, (name, options) in enumerate(ARMS.items(), 1):
        if args.only and name not in args.only:
            continue
        slug = f"arm{number}"
        t0 = time.time()
        report = train(TrainConfig(
            base_model=args.base_model, squad_train=str(data / "squad1.1-train.json.gz"),
            tune_file=str(data / "squad2-dev-tune.json.gz"), eval_file=None,
            output_dir=str(args.work_dir / slug / "out"), run_dir=str(args.work_dir / slug / "run"),
            max_examples=60000, max_steps=args.steps,  # the main run's mix; an arm sees its first windows
            time_budget_minutes=None if args.steps else args.minutes, batch_size=32,
            max_length=256, tune_repeats=2, negative_rate=0.25, hard_rate=args.hard_rate, threads=args.threads,
            seed=17, heldout_seed=13, checkpoint_minutes=1e9, command=["bench/training_ablation.py", name],
            **options,
        ))
        res = report["results"]
        results[name] = {
            "command": " ".join(["python", "bench/training_ablation.py", *sys.argv[1:]]),
            "options": options, "mix": report["progress"]["mix"], "windows_seen": report["progress"]["windows_seen"],
            "train_minutes": report["progress"]["train_minutes"],
            "budget": f"{args.steps} steps" if args.steps else f"{args.minutes} minutes",
            "heldout_f1": res["heldout_tune"]["overall"]["f1"],
            "heldout_f1_cross_validated": res["heldout_cross_validated"]["overall"]["f1"],
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
                "heldout": res["heldout_titles"], "arms": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
