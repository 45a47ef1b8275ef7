"""Re-choose a trained reader's no-answer threshold on named held-out tune articles, and re-score
the evaluation sample with it; updates the reader's reader_config.json and training_report.json.

    .venv/bin/python scripts/retune_threshold.py models/reader --title Jacksonville,_Florida

Used when a reader was trained in stages whose held-out articles differed: only articles that no
stage trained on may choose the threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa import paths  # noqa: E402
from qa.reading import READER_CONFIG  # noqa: E402
from qa.training.squad_data import load_articles  # noqa: E402
from qa.training.train_reader import evaluate_reader  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir")
    parser.add_argument("--title", dest="titles", action="append", required=True,
                        help="a held-out tune article title (repeat the option for several)")
    parser.add_argument("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"))
    parser.add_argument("--eval-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-sample.json"))
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    if args.threads:
        torch.set_num_threads(args.threads)
    folder = Path(args.model_dir)
    titles = args.titles
    articles = [a for a in load_articles(args.tune_file) if a["title"] in titles]
    if len(articles) != len(titles):
        sys.exit(f"not all of {titles} are in {args.tune_file}")
    config = json.loads((folder / READER_CONFIG).read_text())
    model = AutoModelForQuestionAnswering.from_pretrained(folder, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    results = evaluate_reader(model, tokenizer, articles, args.eval_file, config["max_length"], config["stride"])
    config["no_answer_threshold"] = results["threshold"]
    config["calibration"] = results["calibration"]
    (folder / READER_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    report_path = folder / "training_report.json"
    report = json.loads(report_path.read_text())
    # the training run's own results are kept once; a second re-tune must not overwrite them
    report.setdefault("results_before_retune", report["results"])
    report["results"] = results
    report["retune_command"] = ["python", "scripts/retune_threshold.py", *sys.argv[1:]]
    report_path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
