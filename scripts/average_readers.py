"""Average the weights of two readers of one lineage (a "model soup") and evaluate the result the
way training does: threshold and calibration on the held-out tune articles, then the evaluation
sample scored once.

    .venv/bin/python scripts/average_readers.py models/reader train-runs/reader4-out \
        --weight 0.7 --output train-runs/soup-0.7

``--weight`` is the share of the second reader. Readers fine-tuned from one another stay in one
basin of the loss, so their average is a working model that often keeps most of both; it is a
candidate like any trained stage and ships only under the same rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa import paths  # noqa: E402
from qa.reading import READER_CONFIG  # noqa: E402
from qa.training.squad_data import load_articles, split_articles  # noqa: E402
from qa.training.train_reader import evaluate_reader  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--weight", type=float, required=True, help="share of the second reader, 0-1")
    parser.add_argument("--output", required=True)
    parser.add_argument("--heldout-seed", type=int, default=13)
    parser.add_argument("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"))
    parser.add_argument("--eval-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-sample.json"))
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if not 0.0 <= args.weight <= 1.0:
        sys.exit("--weight must be between 0 and 1")

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    if args.threads:
        torch.set_num_threads(args.threads)
    first = AutoModelForQuestionAnswering.from_pretrained(args.first, dtype=torch.float32)
    second = AutoModelForQuestionAnswering.from_pretrained(args.second, dtype=torch.float32)
    other = second.state_dict()
    first.load_state_dict({k: (1 - args.weight) * v + args.weight * other[k] for k, v in first.state_dict().items()})
    tokenizer = AutoTokenizer.from_pretrained(args.second)
    config = json.loads((Path(args.second) / READER_CONFIG).read_text())
    _, heldout = split_articles(load_articles(args.tune_file), 5, args.heldout_seed)
    results = evaluate_reader(first, tokenizer, heldout, args.eval_file, config["max_length"], config["stride"])

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    first.half().save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    config.update(no_answer_threshold=results["threshold"], calibration=results["calibration"])
    config.pop("int8_check", None)  # measured for other weights: `qa check-int8` measures these
    (out / READER_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    report = {"soup": {"first": args.first, "second": args.second, "weight_of_second": args.weight},
              "command": ["python", "scripts/average_readers.py", *sys.argv[1:]], "results": results}
    (out / "soup_report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: results[k] for k in ("threshold", "heldout_tune", "heldout_cross_validated", "eval")}))


if __name__ == "__main__":
    main()
