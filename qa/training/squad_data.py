"""Read SQuAD files and build the reader's training mix.

SQuAD 1.1 has only answerable questions, so the mix adds two kinds of "no answer" examples:
real SQuAD 2.0 unanswerables (from the tune articles) and each question paired with another
paragraph of its own article — what the reader meets in open mode, where most retrieved chunks
do not hold the answer.
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class QAExample:
    qid: str
    title: str
    question: str
    context: str
    answer_text: str  # "" when unanswerable in this context
    answer_start: int  # -1 when unanswerable
    golds: tuple[str, ...]  # all gold answers, for evaluation (empty = unanswerable)
    kind: str = ""  # how a made-up "no answer" example was made ("" = as written in the file)


def load_articles(path: str | Path) -> list[dict]:
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)["data"]


def examples_from(articles: list[dict]) -> list[QAExample]:
    examples = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = [] if qa.get("is_impossible") else qa["answers"]
                first = answers[0] if answers else None
                examples.append(
                    QAExample(
                        qid=qa["id"],
                        title=article.get("title", ""),
                        question=qa["question"],
                        context=context,
                        answer_text=first["text"] if first else "",
                        answer_start=first["answer_start"] if first else -1,
                        golds=tuple(a["text"] for a in answers),
                    )
                )
    return examples


def sampled_answerable(article: dict, rate: float, rng: random.Random):
    """``(paragraph index, example)`` for about ``rate`` of the article's answerable questions, the
    first answer as the label; ``rng`` is drawn once per answerable question, in file order."""
    for index, example, draw in answerable_with_draws(article, rng):
        if draw < rate:
            yield index, example


def answerable_with_draws(article: dict, rng: random.Random):
    """``(paragraph index, example, draw)`` for every answerable question: one ``rng.random()``
    each, in file order, so callers can keep the questions under several rates from one draw."""
    for index, paragraph in enumerate(article["paragraphs"]):
        for qa in paragraph["qas"]:
            if qa.get("is_impossible") or not qa.get("answers"):
                continue
            draw = rng.random()
            first = qa["answers"][0]
            yield index, QAExample(qid=qa["id"], title=article.get("title", ""), question=qa["question"],
                                   context=paragraph["context"], answer_text=first["text"],
                                   answer_start=first["answer_start"],
                                   golds=tuple(a["text"] for a in qa["answers"])), draw


def other_paragraph_negatives(
    articles: list[dict], rate: float, rng: random.Random
) -> list[QAExample]:
    """Pair about ``rate`` of the questions with another paragraph of the same article.

    A paragraph that happens to contain the gold answer text is not used: it may well answer.
    """
    negatives = []
    for article in articles:
        paragraphs = article["paragraphs"]
        if len(paragraphs) < 2:
            continue
        for index, paragraph in enumerate(paragraphs):
            for qa in paragraph["qas"]:
                if rng.random() >= rate:
                    continue
                other = paragraphs[rng.choice([i for i in range(len(paragraphs)) if i != index])]
                golds = [a["text"].lower() for a in qa.get("answers", [])]
                if any(g and g in other["context"].lower() for g in golds):
                    continue
                negatives.append(
                    QAExample(
                        qid=qa["id"] + "-neg",
                        title=article.get("title", ""),
                        question=qa["question"],
                        context=other["context"],
                        answer_text="",
                        answer_start=-1,
                        golds=(),
                        kind="other_paragraph",
                    )
                )
    return negatives


def split_articles(
    articles: list[dict], heldout: int, seed: int
) -> tuple[list[dict], list[dict]]:
    """Split articles into (train, held-out) by a seeded choice of ``heldout`` titles."""
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    held = set(order[:heldout])
    return (
        [a for i, a in enumerate(articles) if i not in held],
        [a for i, a in enumerate(articles) if i in held],
    )


def build_training_mix(
    squad_train: list[dict],
    tune_train: list[dict],
    max_examples: int | None,
    tune_repeats: int,
    negative_rate: float,
    seed: int,
    hard_kinds: tuple[str, ...] = (),
    hard_rate: float = 0.0,
    distractor_rate: float = 0.0,
    word_distractor_rate: float = 0.0,
    predicate_distractor_rate: float = 0.0,
    headline_rate: float = 0.0,
    modifier_distractor_rate: float = 0.0,
    hard_kind_rates: dict[str, float] | None = None,
    workers: int = 1,
    answerable_rate: float = 1.0,
) -> list[QAExample]:
    """All tune-set examples (repeated), then SQuAD 1.1 questions, their other-paragraph
    negatives, their rule-made hard negatives (qa.training.hard_negatives) and their copies with a
    misleading sentence added (qa.training.distractors) in proportion, up to ``max_examples``;
    about ``headline_rate`` of them with their article's title above the paragraph
    (qa.training.headlines); shuffled with ``seed``. ``answerable_rate`` keeps that share of the
    training file's own questions (SQuAD 1.1's are all answerable) before the cap, so the cap leaves
    more room for the other parts; the negatives are still made from all of them. The generators, each seeded on its own, run
    in up to ``workers`` processes side by side: the same mix however many."""
    from qa.training.forked import forked_map
    from qa.training.headlines import add_headlines

    rng = random.Random(seed)
    tune = examples_from(tune_train) * tune_repeats
    positives = examples_from(squad_train)
    negatives = other_paragraph_negatives(squad_train, negative_rate, rng)
    rng.shuffle(positives)
    rng.shuffle(negatives)
    positives = positives[: round(len(positives) * answerable_rate)]
    pools = [positives, negatives]
    jobs = [("hard", (hard_kinds, hard_rate, seed, hard_kind_rates))] if hard_kinds else []
    for subject, rate in (("entity", distractor_rate), ("word", word_distractor_rate),
                          ("predicate", predicate_distractor_rate), ("modifier", modifier_distractor_rate)):
        if rate > 0:
            jobs.append(("distractor", (rate, seed, subject)))
    for (job, _), made in zip(jobs, forked_map(_run_generator, jobs, workers, squad_train)):
        if job == "hard":
            for kind in hard_kinds:
                rng.shuffle(made[kind])
                pools.append(made[kind])
        else:
            rng.shuffle(made)
            pools.append(made)
    if max_examples is not None:
        room = max(0, max_examples - len(tune))
        total = sum(len(pool) for pool in pools)
        shares = [round(room * len(pool) / total) for pool in pools[1:]]
        pools = [pool[:n] for pool, n in zip(pools, [room - sum(shares), *shares])]
    mix = tune + [e for pool in pools for e in pool]
    if headline_rate > 0:
        mix = add_headlines(mix, headline_rate, random.Random(seed + 7))
    rng.shuffle(mix)
    return mix


def _run_generator(job: tuple[str, tuple]):
    from qa.training.distractors import distractor_examples
    from qa.training.forked import shared_state
    from qa.training.hard_negatives import hard_negatives

    name, args = job
    if name == "hard":
        return hard_negatives(shared_state(), *args)
    return distractor_examples(shared_state(), *args)


def mix_composition(mix: list[QAExample]) -> dict[str, int]:
    """How many examples of each kind a training mix holds (for logs and the model card)."""
    counts: dict[str, int] = {}
    for e in mix:
        kind = e.kind or ("answerable" if e.answer_text else "unanswerable (SQuAD 2.0)")
        counts[kind] = counts.get(kind, 0) + 1
    return counts
