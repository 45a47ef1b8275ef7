"""Average the weights of readers of one lineage (a "model soup") and evaluate the result the
way training does: threshold and calibration on the held-out tune articles, then the evaluation
sample scored once.

    .venv/bin/python scripts/average_readers.py models/reader train-runs/reader4-out \
        --weight 0.7 --output train-runs/soup-0.7
    .venv/bin/python scripts/average_readers.py train-runs/reader34-out train-runs/reader37-out \
        train-runs/reader38-out --output train-runs/soup-34-37-38

``--weight`` is the share of the second of two readers; without it every reader counts the same.
The tokenizer and reader config come from the last reader. Readers fine-tuned from one another stay in one
basin of the loss, so their average is a working model that often keeps most of both; it is a
candidate like any trained stage and ships only under the same rule.
"""

from __future__ import annotations

import argparse
import functools
import json
import operator
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa import paths  # noqa: E402
from qa.reading import READER_CONFIG  # noqa: E402
from qa.training.squad_data import load_articles, split_articles  # noqa: E402
from qa.training.train_reader import evaluate_reader  # noqa: E402


def average_weights(states: list[dict], shares: list[float]) -> dict:
    """Each tensor as the share-weighted sum of the readers' (shares add up to 1). The sum starts
    from the first term, not 0, so a tensor all readers share keeps its bits (0 + -0.0 is +0.0),
    and the soup's delta on their common base leaves it out."""
    def mean(name):
        terms = [share * state[name] for share, state in zip(shares, states)]
        return functools.reduce(operator.add, terms[1:], terms[0])

    return {name: mean(name) for name in states[0]}


def soup_card(report: dict) -> str:
    """The averaged reader's model card: what was averaged, its threshold, and its scores (the
    readers' own cards say how each was trained; ``qa calibrate-open`` adds its section)."""
    soup, res = report["soup"], report["results"]

    def rows(part_scores: dict) -> list[str]:
        return [f"| {part} | {p['count']} | {p['exact']:.1f} | {p['f1']:.1f} |" for part, p in part_scores.items()]

    return "\n".join([
        "# Reader model card (an average of readers)", "",
        "Extractive question-answering reader of this project: the element-wise mean of the weights of "
        + ", ".join(f"`{r}` ({share:.2f})" for r, share in zip(soup["readers"], soup["shares"]))
        + ", readers of one lineage (each one's card says how it was trained). No training of its own.", "",
        f"- **No-answer threshold:** {res['threshold']:.3f}, chosen on the held-out tune articles "
        f"({', '.join(res['heldout_titles'])}) as training chooses it.",
        f"- **Made by:** `{' '.join(report['command'])}`", "",
        f"## Evaluation on `{res['eval_file']}` (official SQuAD 2.0 metric; never trained or tuned on)", "",
        "| part | questions | EM | F1 |", "|---|---|---|---|", *rows(res["eval"]), "",
        "## Held-out tune articles, each left out in turn to choose the threshold for it", "",
        "| part | questions | EM | F1 |", "|---|---|---|---|", *rows(res["heldout_cross_validated"]), "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("readers", nargs="+", metavar="reader")
    parser.add_argument("--weight", type=float, help="share of the second of two readers, 0-1 [equal shares]")
    parser.add_argument("--output", required=True)
    parser.add_argument("--heldout-seed", type=int, default=13)
    parser.add_argument("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"))
    parser.add_argument("--eval-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-sample.json"))
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if len(args.readers) < 2:
        sys.exit("give at least two readers to average")
    if args.weight is not None and (len(args.readers) != 2 or not 0.0 <= args.weight <= 1.0):
        sys.exit("--weight is the share of the second of two readers: between 0 and 1")
    shares = [1 - args.weight, args.weight] if args.weight is not None else [1 / len(args.readers)] * len(args.readers)

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    if args.threads:
        torch.set_num_threads(args.threads)
    models = [AutoModelForQuestionAnswering.from_pretrained(r, dtype=torch.float32) for r in args.readers]
    first = models[0]  # takes the average (computed in full before it is loaded)
    first.load_state_dict(average_weights([m.state_dict() for m in models], shares))
    tokenizer = AutoTokenizer.from_pretrained(args.readers[-1])
    config = json.loads((Path(args.readers[-1]) / READER_CONFIG).read_text())
    _, heldout = split_articles(load_articles(args.tune_file), 5, args.heldout_seed)
    results = evaluate_reader(first, tokenizer, heldout, args.eval_file, config["max_length"], config["stride"])

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    first.half().save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    config.update(no_answer_threshold=results["threshold"], calibration=results["calibration"])
    config.pop("int8_check", None)  # measured for other weights: `qa check-int8` measures these
    config.pop("several_passages", None)  # likewise: `qa calibrate-open` fits it for these
    (out / READER_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
    report = {"soup": {"readers": args.readers, "shares": shares},
              "command": ["python", "scripts/average_readers.py", *sys.argv[1:]], "results": results}
    (out / "soup_report.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "MODEL_CARD.md").write_text(soup_card(report))
    print(json.dumps({k: results[k] for k in ("threshold", "heldout_tune", "heldout_cross_validated", "eval")}))


if __name__ == "__main__":
    main()
