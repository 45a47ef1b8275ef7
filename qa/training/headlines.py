"""Training contexts that start with a headline, as a document's first chunk does.

SQuAD paragraphs never start with a title, but a file's first chunk here usually does ("Azerbaijan
and Armenia agree to a pause in fighting" above "The new deal, slated to begin at midnight ...").
A reader trained only on SQuAD takes a headline that shares the question's words as a pointer to
the sentence under it: the seed question's trap (bench/RESULTS.md, stages 12–13). Putting the
article's title above a share of the training paragraphs, with the answer where it was, teaches
that a headline names the topic, not the answer. Deterministic given the ``random.Random``.
"""

from __future__ import annotations

import dataclasses
import random

from qa.training.squad_data import QAExample


def headline(title: str) -> str:
    """A SQuAD article title as a headline ("University_of_Notre_Dame" → "University of Notre Dame")."""
    return title.replace("_", " ").strip()


def with_headline(example: QAExample) -> QAExample:
    """``example`` with its article's title above the paragraph; the answer keeps its text and moves."""
    line = headline(example.title)
    if not line:
        return example
    prefix = line + "\n\n"
    start = example.answer_start + len(prefix) if example.answer_text else example.answer_start
    return dataclasses.replace(example, context=prefix + example.context, answer_start=start)


def add_headlines(examples: list[QAExample], rate: float, rng: random.Random) -> list[QAExample]:
    """The examples, about ``rate`` of them with a headline above the paragraph, in the same order."""
    return [with_headline(e) if rng.random() < rate else e for e in examples]
