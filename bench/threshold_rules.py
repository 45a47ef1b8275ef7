"""Which rule for the no-answer threshold holds up on an article it was not chosen on?

    .venv/bin/python bench/threshold_rules.py --model models/candidates/reader-stage26 \
        --model train-runs/reader28-out --output bench/results/threshold-rules.json

Training picked the threshold that maximises F1 on the held-out tune articles (the official
script's sweep) until this probe. Where F1 is flat over a range of margins that argmax jumps: stage
28's five leave-one-article-out thresholds were 7.38, 4.18, 7.38, 7.78, 7.38. Each rule below is fit on
four of the 5 held-out articles (``--heldout-seed`` 13, never trained on) and judged on the fifth,
in turn; the pooled out-of-fold F1 decides:

- ``best cut`` (the old rule): the F1-maximising cut (``qa.squad_metric.best_cut``);
- ``expected gain``: answering a question earns its span's F1, abstaining earns 1 if it has no
  answer; a logistic fit of that gain (scaled to 0–1) on the margin gives the margin where
  answering starts to pay on average — one smooth curve instead of a step function's argmax
  (``qa.training.calibration.expected_gain_threshold``, the rule training now uses);
- ``bagged cut``: the median of the best cut over 200 bootstrap resamples of the questions.

The reader's margins are computed once per model (cached with ``--cache``). With ``--eval-file``
the evaluation sample is scored at each rule's threshold fit on all 5 articles: reported, never
used to choose.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_margin_probe_options, heldout_articles
from qa.training.calibration import earnings, expected_gain_threshold, leave_one_article_out


def cached_margins(model_dir: str, cache: Path | None, part: str, compute) -> tuple[dict, dict]:
    """``compute()``'s (texts, margins), kept in ``cache`` under the model's resolved path and ``part``."""
    name = Path(model_dir).resolve().as_posix().strip("/").replace("/", "__")
    cached = cache / f"{name}.{part}.json" if cache else None
    if cached and cached.exists():
        data = json.loads(cached.read_text())
        return data["texts"], data["margins"]
    texts, margins = compute()
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"texts": texts, "margins": margins}))
    return texts, margins


def margins_of(model_dir: str, examples, cache: Path | None, part: str = "heldout") -> tuple[dict, dict]:
    """The best span and its margin for every question, from the cache when it has them."""
    return cached_margins(model_dir, cache, part, lambda: _predict_margins(model_dir, examples))


def _predict_margins(model_dir: str, examples) -> tuple[dict, dict]:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.reading import READER_CONFIG
    from qa.training.evaluation import predict_margins

    config = json.loads((Path(model_dir) / READER_CONFIG).read_text())
    model = AutoModelForQuestionAnswering.from_pretrained(model_dir, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    return predict_margins(model, tokenizer, examples, config["max_length"], config["stride"])


def best_cut(margins: np.ndarray, answer: np.ndarray, abstain: np.ndarray) -> float:
    """The official sweep's F1-maximising cut (answer when margin > cut)."""
    from qa.squad_metric import best_cut as sweep

    return sweep(margins.tolist(), answer.tolist(), abstain.tolist())[0]


def bagged_cut(margins: np.ndarray, answer: np.ndarray, abstain: np.ndarray, rounds: int = 200) -> float:
    rng = np.random.default_rng(13)
    cuts = []
    for _ in range(rounds):
        i = rng.integers(0, len(margins), len(margins))
        cuts.append(best_cut(margins[i], answer[i], abstain[i]))
    return float(np.median(cuts))


RULES = {"best cut": best_cut, "expected gain": expected_gain_threshold, "bagged cut": bagged_cut}


def judge(examples, texts: dict[str, str], margins: dict[str, float]) -> dict:
    """Out-of-fold F1 of each rule, each held-out article left out in turn."""
    m = np.array([margins[e.qid] for e in examples])
    answer, abstain = earnings(examples, texts)
    has = abstain == 0
    titles = np.array([e.title for e in examples])
    rows = {}
    for name, rule in RULES.items():
        earned = np.zeros(len(examples))
        folds = []
        for _title, held, cut in leave_one_article_out(titles, m, answer, abstain, rule):
            earned[held] = np.where(m[held] > cut, answer[held], abstain[held])
            folds.append(round(cut, 2))
        rows[name] = {"cv_f1": round(100 * earned.mean(), 2), "hasans_f1": round(100 * earned[has].mean(), 2),
                      "noans_f1": round(100 * earned[~has].mean(), 2), "fold_thresholds": folds,
                      "threshold_all": round(rule(m, answer, abstain), 3)}
    return rows


def sample(model: str, rows: dict, eval_file: str, cache: Path | None) -> None:
    """The evaluation sample scored at each rule's all-articles threshold (a report, not a choice)."""
    from qa.training.evaluation import score
    from qa.training.squad_data import load_articles
    from qa.training.train_reader import examples_from

    examples = examples_from(load_articles(eval_file))
    texts, margins = margins_of(model, examples, cache, part=Path(eval_file).stem)
    for row in rows.values():
        scores = score(texts, margins, examples, row["threshold_all"])
        row["sample"] = {"f1": round(scores["overall"]["f1"], 2), "hasans_f1": round(scores["HasAns"]["f1"], 2),
                         "noans_f1": round(scores["NoAns"]["f1"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    add_margin_probe_options(parser, "also score this SQuAD 2.0 file at each rule's threshold (report only)")
    args = parser.parse_args()

    from qa.training.train_reader import examples_from

    examples = examples_from(heldout_articles(parser, args.tune_file, args.heldout_seed))
    cache = Path(args.cache) if args.cache else None
    report = {"command": ["python", "bench/threshold_rules.py", *sys.argv[1:]], "questions": len(examples),
              "models": {}}
    for model in args.model:
        texts, margins = margins_of(model, examples, cache)
        report["models"][model] = judge(examples, texts, margins)
        if args.eval_file:
            sample(model, report["models"][model], args.eval_file, cache)
        print(f"\n{model}")
        print("| rule | CV F1 | HasAns | NoAns | thresholds (left-out folds) | threshold (all 5) | sample F1 (HasAns, NoAns) |")
        print("|---|---|---|---|---|---|---|")
        for name, row in report["models"][model].items():
            on_sample = row.get("sample")
            shown = f"{on_sample['f1']} ({on_sample['hasans_f1']}, {on_sample['noans_f1']})" if on_sample else "–"
            print(f"| {name} | {row['cv_f1']} | {row['hasans_f1']} | {row['noans_f1']} | "
                  f"{', '.join(map(str, row['fold_thresholds']))} | {row['threshold_all']} | {shown} |")
    if args.output:
        Path(args.output).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
