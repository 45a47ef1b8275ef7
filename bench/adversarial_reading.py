"""Does a misleading sentence fool the reader? AddSent-style robustness on held-out articles.

    .venv/bin/python bench/adversarial_reading.py --model models/reader --model train-runs/reader9-out \
        --output bench/results/adversarial-reading.json

Takes the answerable questions of the 5 held-out tune articles (``--heldout-seed 13``: no stage
since stage 3b trained on them; never the evaluation sample), and for each one the rule of
``qa.training.distractors`` can apply to, asks it twice: of its own paragraph, and of the same
paragraph with a misleading copy of the answer sentence added (another name, number or year in
the entity variant; another common word in the word variant, "trade broke out on March 3" beside
"fighting broke out on September 27"; in the predicate variant the question is asked with a synonym of
the sentence's verb and the copy uses it, "trade started on March 3" for "When did fighting start?",
both paragraphs asked the reworded question). Reports F1 when never abstaining on both, the drop, and how
often the answer comes from the copy. Jia and Liang (2017) call the same measure AddSent; a drop
near zero means the reader binds the answer to the question's subject, not to its wording.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import qa  # noqa: F401  (offline environment)
from qa import paths

def from_copy(original_context: str, distracted_context: str, text: str) -> bool:
    """Whether ``text`` appears in the distracted paragraph but not in the original one."""
    return bool(text) and text in distracted_context and text not in original_context


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    parser.add_argument("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"))
    parser.add_argument("--heldout-seed", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.reading import READER_CONFIG
    from qa.squad_metric import SquadScores
    from qa.training.distractors import SUBJECTS, distractor_pairs
    from qa.training.evaluation import predict_margins
    from qa.training.squad_data import load_articles, split_articles

    torch.set_num_threads(args.threads)
    _, heldout = split_articles(load_articles(args.tune_file), 5, args.heldout_seed)
    sets = {subject: list(distractor_pairs(heldout, 1.0, args.seed, subject)) for subject in SUBJECTS}
    results = {"articles": [a["title"] for a in heldout], "models": {}}
    rows = []
    for model_dir in args.model:
        folder = Path(model_dir)
        config = json.loads((folder / READER_CONFIG).read_text())
        model = AutoModelForQuestionAnswering.from_pretrained(folder, dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(folder)
        per_model = {}
        for subject, pairs in sets.items():
            originals, distracted = [p[0] for p in pairs], [p[1] for p in pairs]
            clean_texts, _ = predict_margins(model, tokenizer, originals, config["max_length"], config["stride"])
            texts, _ = predict_margins(model, tokenizer, distracted, config["max_length"], config["stride"])
            clean, added = SquadScores(), SquadScores()
            fooled = 0
            for original, made in zip(originals, distracted):
                clean.add(list(original.golds), clean_texts[original.qid])
                added.add(list(made.golds), texts[made.qid])
                fooled += from_copy(original.context, made.context, texts[made.qid])
            clean_f1, added_f1 = clean.summary()["overall"]["f1"], added.summary()["overall"]["f1"]
            per_model[subject] = {"questions": len(pairs), "f1_own_paragraph": round(clean_f1, 1),
                                  "f1_with_copy_added": round(added_f1, 1), "drop": round(clean_f1 - added_f1, 1),
                                  "answer_from_the_copy": round(fooled / max(1, len(pairs)), 3)}
            rows.append(f"| {model_dir} | {subject} | {len(pairs)} | {clean_f1:.1f} | {added_f1:.1f} | "
                        f"{clean_f1 - added_f1:.1f} | {fooled / max(1, len(pairs)):.1%} |")
        results["models"][model_dir] = per_model
    print("| reader | copy swaps | questions | F1, own paragraph | F1, copy added | drop | answer taken from the copy |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
