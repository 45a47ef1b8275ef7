"""Would a second opinion on "answerable?" help? A verifier probe on held-out articles.

    .venv/bin/python bench/answerability_verifier.py --model train-runs/reader13-out \
        --output bench/results/answerability-verifier.json

The reader answers when its margin (best span − no-answer score) passes a threshold, and that
margin separates answerable from unanswerable questions poorly (held-out AUC ~0.69). SQuAD 2.0
systems often add a verifier; the cheapest kind is a logistic regression over the margin and a few
lexical facts the network may miss: how many of the question's content words the paragraph and the
answer's sentence hold, whether a name or number of the question is missing from the paragraph,
how much of the answer repeats the question. It is fit and judged on the 5 held-out tune articles
(``--heldout-seed 13``), each article left out in turn; the decision rule is the held-out
cross-validated AUC and F1. The evaluation sample is scored by the verifier fit on all 5 articles
and is reported, never used to choose.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import qa  # noqa: F401  (offline environment)
from qa import paths

WH_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how"}
LEXICAL = ("question_words_in_paragraph", "question_words_in_answer_sentence", "names_missing",
           "any_name_missing", "answer_words_in_question", "answer_words")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def stems(tokens) -> set[str]:
    return {t[:5] for t in tokens}  # crude, but "fight"/"fighting"/"fights" meet


def sentence_around(context: str, at: int) -> str:
    begin = max(context.rfind(mark, 0, at) for mark in (". ", "? ", "! "))
    ends = [i for i in (context.find(mark, at) for mark in (". ", "? ", "! ")) if i >= 0]
    return context[begin + 1:min(ends) if ends else len(context)]


def lexical_features(question: str, context: str, answer: str) -> dict[str, float]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    content = stems(w for w in words(question) if w not in ENGLISH_STOP_WORDS and w not in WH_WORDS) or {""}
    at = max(context.find(answer), 0) if answer else 0
    names = [w for i, w in enumerate(re.findall(r"[A-Za-z0-9]+", question)) if (i and w[0].isupper()) or w[0].isdigit()]
    missing = sum(n.lower() not in context.lower() for n in names)
    answer_words, question_words = words(answer), set(words(question))
    return {
        "question_words_in_paragraph": len(content & stems(words(context))) / len(content),
        "question_words_in_answer_sentence": len(content & stems(words(sentence_around(context, at)))) / len(content),
        "names_missing": float(missing),
        "any_name_missing": float(missing > 0),
        "answer_words_in_question": sum(w in question_words for w in answer_words) / len(answer_words) if answer_words else 0.0,
        "answer_words": float(min(len(answer_words), 15)),
    }


def judge(examples, texts, margins, sample, sample_texts, sample_margins, features: tuple[str, ...]) -> dict:
    """Held-out cross-validated AUC and best-threshold F1, and the sample scored by the fit on all."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from qa.squad_metric import SquadScores, best_threshold

    def matrix(exs, txts, mrg):
        rows = []
        for e in exs:
            lexical = lexical_features(e.question, e.context, txts[e.qid])
            rows.append([mrg[e.qid] if f == "margin" else lexical[f] for f in features])
        return np.array(rows)

    x, xs = matrix(examples, texts, margins), matrix(sample, sample_texts, sample_margins)
    mean, std = x.mean(0), x.std(0) + 1e-9
    y, ys = np.array([bool(e.golds) for e in examples]), np.array([bool(e.golds) for e in sample])
    titles = np.array([e.title for e in examples])
    out_of_fold = np.zeros(len(examples))
    for title in sorted(set(titles)):
        held = titles == title
        fit = LogisticRegression(max_iter=2000).fit((x[~held] - mean) / std, y[~held])
        out_of_fold[held] = fit.decision_function((x[held] - mean) / std)
    fit = LogisticRegression(max_iter=2000).fit((x - mean) / std, y)
    golds = {e.qid: list(e.golds) for e in examples + sample}
    _, oof_f1 = best_threshold({e.qid: v for e, v in zip(examples, out_of_fold)}, texts, golds)
    threshold, _ = best_threshold({e.qid: v for e, v in zip(examples, fit.decision_function((x - mean) / std))},
                                  texts, golds)
    sample_scores = fit.decision_function((xs - mean) / std)
    scores = SquadScores()
    for e, v in zip(sample, sample_scores):
        scores.add(list(e.golds), sample_texts[e.qid] if v > threshold else "")
    summary = scores.summary()
    return {
        "features": list(features),
        "heldout_auc_out_of_fold": round(float(roc_auc_score(y, out_of_fold)), 4),
        "heldout_f1_out_of_fold_best_threshold": round(oof_f1, 2),
        "sample_auc": round(float(roc_auc_score(ys, sample_scores)), 4),
        "sample": {part: round(summary[part]["f1"], 2) for part in ("overall", "HasAns", "NoAns")},
        "weights": dict(zip(features, [round(float(w), 3) for w in fit.coef_[0]])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    parser.add_argument("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"))
    parser.add_argument("--sample-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-sample.json"))
    parser.add_argument("--heldout-seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.training.evaluation import predict_margins
    from qa.training.squad_data import examples_from, load_articles, split_articles

    torch.set_num_threads(args.threads)
    _, heldout = split_articles(load_articles(args.tune_file), 5, args.heldout_seed)
    examples, sample = examples_from(heldout), examples_from(load_articles(args.sample_file))
    results = {"articles": sorted({e.title for e in examples}), "models": {}}
    for model_dir in args.model:
        model = AutoModelForQuestionAnswering.from_pretrained(model_dir, dtype=torch.float32).eval()
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        texts, margins = predict_margins(model, tokenizer, examples, 256, 128)
        sample_texts, sample_margins = predict_margins(model, tokenizer, sample, 256, 128)
        rows = {name: judge(examples, texts, margins, sample, sample_texts, sample_margins, features)
                for name, features in (("margin", ("margin",)), ("margin + lexical", ("margin",) + LEXICAL))}
        results["models"][model_dir] = rows
        for name, row in rows.items():
            print(f"{model_dir:28s} {name:17s} held-out AUC {row['heldout_auc_out_of_fold']:.3f} "
                  f"F1 {row['heldout_f1_out_of_fold_best_threshold']:.1f} | sample AUC {row['sample_auc']:.3f} "
                  f"F1 {row['sample']['overall']:.1f} (HasAns {row['sample']['HasAns']:.1f}, NoAns {row['sample']['NoAns']:.1f})")
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
