"""Answerable questions with a misleading sentence added, built from SQuAD 1.1 (AddSent-style).

A reader that answers by word match picks the sentence that shares most words with the question
even when it is about something else ("the deal was slated to begin at midnight" for "When did
fighting start?"). Jia and Liang (2017) showed such readers fall for an added sentence that looks
like the answer sentence but concerns another entity, and that training with such sentences helps.

The rule, per chosen question: copy the sentence that holds the answer, swap in it (a) a name,
number or year the question mentions for another of the same type from the same article that the
paragraph never mentions, and (b) every name, number or year of the answer likewise; insert the
copy at a seeded sentence boundary of the paragraph. The question still has one answer, in the
original sentence; the copy matches the question's wording almost as well but not its entity.
Questions whose answer holds no name, number or year, or whose words name nothing in the answer
sentence, are skipped. Deterministic: same articles, rate and seed → the same list.
"""

from __future__ import annotations

import random

from qa.training.hard_negatives import _article_entities, _contains, _mentions, _sentence_spans
from qa.training.squad_data import QAExample, sampled_answerable


def _swap(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) applied, right to left."""
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def distractor_example(example: QAExample, article_entities: dict[str, list[str]],
                       rng: random.Random) -> QAExample | None:
    """``example`` with a misleading copy of its answer sentence inserted, or None when the rule
    does not apply."""
    context, answer = example.context, example.answer_text
    answer_start, answer_end = example.answer_start, example.answer_start + len(answer)
    if context[answer_start:answer_end] != answer:
        return None
    sentences = _sentence_spans(context)
    holding = [(b, e) for b, e in sentences if b <= answer_start and answer_end <= e]
    if not holding:
        return None
    begin, end = holding[0]
    sentence = context[begin:end]
    context_lower = context.lower()

    def fresh(kind: str, used: set[str]) -> str | None:
        options = [e for e in article_entities.get(kind, ()) if e.lower() not in context_lower and e not in used]
        return rng.choice(options) if options else None

    used: set[str] = set()
    swaps: list[tuple[int, int, str]] = []
    local_start, local_end = answer_start - begin, answer_end - begin
    for kind, m in _mentions(sentence):  # in the sentence: a name that opens the answer is still a name
        if m.start() < local_start or m.end() > local_end:
            continue
        replacement = fresh(kind, used)
        if replacement is None:
            return None
        used.add(replacement)
        swaps.append((m.start(), m.end(), replacement))
    if not swaps:
        return None
    sentence_lower = sentence.lower()
    answer_lower = answer.lower()
    subjects = [(kind, m.group()) for kind, m in _mentions(example.question)
                if m.start() > 0 and m.group().lower() not in answer_lower and _contains(sentence_lower, m.group())]
    rng.shuffle(subjects)
    for kind, mention in subjects:
        replacement = fresh(kind, used)
        if replacement is None:
            continue
        where = sentence_lower.find(mention.lower())
        while where >= 0:
            inside_answer = where < local_end and local_start < where + len(mention)
            if not inside_answer:
                swaps.append((where, where + len(mention), replacement))
            where = sentence_lower.find(mention.lower(), where + len(mention))
        break
    else:
        return None  # the copy would still be about the question's subject: it would answer it too
    copy = _swap(sentence, swaps)
    if any(g and _contains(copy.lower(), g) for g in example.golds):
        return None
    boundaries = [b for b, _ in sentences] + [len(context)]
    at = rng.choice(boundaries)
    if at == len(context):
        new_context, shift = context.rstrip() + " " + copy, 0
    else:
        new_context, shift = context[:at] + copy + " " + context[at:], len(copy) + 1
    start = answer_start + (shift if at <= answer_start else 0)
    assert new_context[start:start + len(answer)] == answer
    return QAExample(qid=f"{example.qid}-distractor", title=example.title, question=example.question,
                     context=new_context, answer_text=answer, answer_start=start, golds=example.golds,
                     kind="distractor_sentence")


def distractor_examples(articles: list[dict], rate: float, seed: int) -> list[QAExample]:
    """Try the rule on about ``rate`` of the answerable questions; returns the examples made."""
    rng = random.Random(seed)
    made = []
    for article in articles:
        entities = _article_entities(article)
        for _, example in sampled_answerable(article, rate, rng):
            made_one = distractor_example(example, entities, rng)
            if made_one is not None:
                made.append(made_one)
    return made
