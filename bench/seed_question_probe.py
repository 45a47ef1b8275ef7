"""What pulls the seed question to "midnight local time"? The reader on short made-up contexts.

    .venv/bin/python bench/seed_question_probe.py --model models/reader --model train-runs/reader15-out

Each context holds the answer's sentence from the sample article ("... since fighting broke out
between the countries on the morning of September 27.") and one variant of what stands before it;
prints the span each reader picks for "When did fighting start?" and its margin over "no answer"
(``qa.training.evaluation.predict_margins``, as the training evaluation reads). A diagnosis, not a
benchmark: the rows were written to tell apart the headline, the verb and the subject word.
"""

from __future__ import annotations

import argparse

import qa  # noqa: F401  (offline environment)

QUESTION = "When did fighting start?"
HEADLINE = "Azerbaijan and Armenia agree to a pause in fighting"
FIRST = ("The new deal, slated to begin at midnight local time (4:00 p.m. ET Saturday), was announced earlier in "
         "the day after both sides accused each other of attacks in violation of the Moscow-brokered week-long "
         "peace agreement.")
ANSWER = ("France has been calling for \u201can immediate end to hostilities\u201d since fighting broke out between the "
          "countries on the morning of September 27.")
CONTEXTS = {
    "headline + first sentence + answer's sentence": f"{HEADLINE}\n\n{FIRST}\n\n{ANSWER}",
    "no headline": f"{FIRST}\n\n{ANSWER}",
    "headline \"Intro\" instead": f"Intro\n\n{FIRST}\n\n{ANSWER}",
    "\"set to take effect\" for \"slated to begin\"": f"{HEADLINE}\n\n{FIRST.replace('slated to begin', 'set to take effect')}\n\n{ANSWER}",
    "first sentence without its time clause": (
        f"{HEADLINE}\n\n{FIRST.replace('slated to begin at midnight local time (4:00 p.m. ET Saturday), ', '')}\n\n{ANSWER}"),
    "\"A pause in fighting started at midnight\"": f"A pause in fighting started at midnight local time. {ANSWER}",
    "\"Trade started at midnight\"": f"Trade started at midnight local time. {ANSWER}",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.training.evaluation import predict_margins
    from qa.training.squad_data import QAExample

    torch.set_num_threads(args.threads)
    examples = [QAExample(str(i), "", QUESTION, context, "", -1, ()) for i, context in enumerate(CONTEXTS.values())]
    found = {}
    for model_dir in args.model:
        model = AutoModelForQuestionAnswering.from_pretrained(model_dir, dtype=torch.float32).eval()
        found[model_dir] = predict_margins(model, AutoTokenizer.from_pretrained(model_dir), examples, 256, 128)
    print("| context | " + " | ".join(args.model) + " |")
    print("|---" * (len(args.model) + 1) + "|")
    for i, name in enumerate(CONTEXTS):
        cells = [f"{texts[str(i)]} ({margins[str(i)]:.1f})" for texts, margins in found.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
