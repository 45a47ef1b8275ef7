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

The word variant (``subject="word"``) swaps, instead of a name, one common word the question
shares with the answer sentence for a lower-case word of the same article that the paragraph never
uses ("fighting broke out on September 27" → "trade broke out on March 3" for "When did fighting
start?"). Most questions name their subject with a common noun, which the entity rule cannot touch; the copy
keeps the verb and the rest of the wording, so it teaches that a sentence sharing the question's
predicate but not its subject is not the answer, the confusion behind "midnight local time".

The predicate variant (``subject="predicate"``) aims at that confusion where the two variants above
miss it: there the question's verb is not the answer sentence's but a synonym of it ("start" vs
"broke out"), and the trap is another sentence using the question's own verb ("slated to begin").
When the question and the answer's sentence use verbs of one synonym group
(``qa.training.predicates``), the question is asked with a verb the sentence does not use, and the
copy (common word, else name, swapped as above) takes the question's verb: "trade started ... on
March 3" beside "fighting broke out ... on September 27" for "When did fighting start?". The copy
matches the question's wording better than the answer's sentence does; only its subject is wrong.

The modifier variant (``subject="modifier"``) keeps the question's subject word in the copy but
makes it the complement of another head noun: "a pause in fighting started at midnight" beside
"fighting broke out on September 27" for "When did fighting start?" (reworded as the predicate
variant when a synonym applies, else asked as written). The seed question's real trap is of this
kind ("... agree to a pause in fighting. The new deal, slated to begin at midnight ..."): a reader
that matches words takes any sentence naming the subject and the verb; one that reads the syntax
sees that the pause, not the fighting, started then.
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
from collections.abc import Iterator

from qa.training.hard_negatives import (_STOPWORDS, _article_entities, _contains, _content_words, _mentions,
                                       _sentence_spans)
from qa.training.predicates import paraphrase, verb_mentions
from qa.training.squad_data import QAExample, sampled_answerable

SUBJECTS = ("entity", "word", "predicate", "modifier")
_KINDS = {"entity": ("distractor", "distractor_sentence"), "word": ("distractor-word", "distractor_word"),
          "predicate": ("distractor-predicate", "distractor_predicate"),
          "modifier": ("distractor-modifier", "distractor_modifier")}  # qid suffix, kind

# Question words that name no subject: swapping them leaves a copy that still answers the question.
_GENERIC = {"year", "years", "name", "named", "called", "type", "kind", "number", "people", "percent",
            "percentage", "time", "date", "day", "century", "part", "used", "also", "first", "last", "term",
            "known", "long", "often"}  # besides hard_negatives._STOPWORDS, which _content_words drops

# Head nouns the modifier variant puts the subject word under ("fighting" → "a pause in fighting").
MODIFIER_HEADS = ("a pause in", "the end of", "a report on", "the anniversary of", "a debate about",
                  "a film about", "a study of", "the cost of", "a ban on", "talks on", "a museum of", "the history of")
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|its|their|his|her|this|that)\s+$", re.IGNORECASE)
# What may stand before a bare noun phrase ("since fighting broke out"): not an adjective of it.
_BARE_PHRASE_AFTER = re.compile(r"(?:^|[,;:(]\s*|\b(?:since|after|before|until|while|when|as|and|or|but|that|of|in|on|"
                                r"for|with|by|from|about)\s+)$", re.IGNORECASE)
# What may follow a noun phrase's last word ("the fighting in ...", "the deal, ..."): not another
# word of the phrase ("the older date" is no place for "a museum of older date").
_PHRASE_END_AFTER = re.compile(r"^(?:\s*[,.;:)!?]|\s+(?:of|in|on|at|to|for|with|by|from|and|or|was|were|is|are|has|"
                               r"had|have|that|which|who|will|would|could|can|may|did|does)\b)", re.IGNORECASE)


def _touches(swaps: list[tuple[int, int, str]], span: tuple[int, int, str]) -> bool:
    """Whether any of ``swaps`` overlaps ``span`` (two edits of the same words cannot both apply)."""
    return any(b < span[1] and span[0] < e for b, e, _ in swaps)


def _swap(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) applied, right to left."""
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _occurrences(sentence_lower: str, word: str, local_start: int, local_end: int) -> list[tuple[int, int]]:
    """Where ``word`` stands in the sentence as a whole word, outside the answer."""
    return [(m.start(), m.end()) for m in re.finditer(r"\b" + re.escape(word) + r"\b", sentence_lower)
            if not (m.start() < local_end and local_start < m.end())]


def _entity_swap(example, sentence, local_start, local_end, fresh, used, rng) -> list[tuple[int, int, str]] | None:
    """Swaps for every mention, outside the answer, of one name, number or year of the question."""
    sentence_lower = sentence.lower()
    answer_lower = example.answer_text.lower()
    subjects = [(kind, m.group()) for kind, m in _mentions(example.question)
                if m.start() > 0 and m.group().lower() not in answer_lower and _contains(sentence_lower, m.group())]
    rng.shuffle(subjects)
    for kind, mention in subjects:
        replacement = fresh(kind, used)
        if replacement is None:
            continue
        return [(b, e, replacement) for b, e in _occurrences(sentence_lower, mention.lower(), local_start, local_end)]
    return None


def _word_swap(example, sentence, local_start, local_end, article_words, context_lower,
               rng, keep: tuple[int, int] | None = None, heads: tuple[str, ...] = ()) -> list[tuple[int, int, str]] | None:
    """Swaps for every occurrence, outside the answer, of one common word the question shares with
    the sentence (written in lower case there: a part of a name is the entity rule's), by a common
    word of the article that this paragraph never uses; never a word within ``keep``. With
    ``heads``, the word stays and goes under one of them instead ("the fighting" → "a pause in fighting")."""
    sentence_lower = sentence.lower()
    answer_words = _content_words(example.answer_text)

    def lower_case_occurrences(word):
        found = _occurrences(sentence_lower, word, local_start, local_end)
        if keep and any(b < keep[1] and keep[0] < e for b, e in found):
            return []
        return found if all(sentence[b:e] == word or b == 0 for b, e in found) else []

    shared = sorted(w for w in _content_words(example.question) - answer_words - _GENERIC
                    if len(w) > 3 and w.isalpha() and lower_case_occurrences(w))
    if heads:  # only where the word heads a noun phrase: after a determiner, or right before a verb
        verb_starts = {m.start for m in verb_mentions(sentence)}

        def noun_phrases(word):
            found = []
            for b, e in lower_case_occurrences(word):
                determiner = _DETERMINER_BEFORE.search(sentence[:b])
                if not _PHRASE_END_AFTER.match(sentence[e:]) and e + 1 not in verb_starts:
                    continue
                if determiner and (determiner.start() >= local_end or b <= local_start):  # never into the answer
                    found.append((determiner.start(), e))
                elif e + 1 in verb_starts and _BARE_PHRASE_AFTER.search(sentence[:b]):
                    found.append((b, e))
            return found

        phrases = {w: noun_phrases(w) for w in shared}
        nouns = [w for w in shared if phrases[w]]
        if not nouns:
            return None
        word, head = rng.choice(nouns), rng.choice(heads)

        def under_head(b, e):
            phrase = f"{head} {sentence[b].lower()}{sentence[b + 1:e]}"  # "the fighting" → "a pause in the fighting"
            return phrase[0].upper() + phrase[1:] if b == 0 else phrase

        return [(b, e, under_head(b, e)) for b, e in phrases[word]]
    in_paragraph = set(re.findall(r"[a-z]+", context_lower))
    options = [w for w in article_words if w not in in_paragraph]
    if not shared or not options:
        return None
    word, replacement = rng.choice(shared), rng.choice(options)
    return [(b, e, replacement.capitalize() if b == 0 else replacement) for b, e in lower_case_occurrences(word)]


def _article_words(article: dict) -> list[str]:
    """Words the article writes in lower case (longer than four letters), sorted: the word
    variant's replacements."""
    words = set()
    for paragraph in article["paragraphs"]:
        words |= set(re.findall(r"(?<![\w-])[a-z]{5,}(?![\w-])", paragraph["context"]))
    return sorted(words - _STOPWORDS - _GENERIC)


def distractor_example(example: QAExample, article_entities: dict[str, list[str]],
                       rng: random.Random, subject: str = "entity",
                       article_words: list[str] | None = None) -> QAExample | None:
    """``example`` with a misleading copy of its answer sentence inserted, or None when the rule
    does not apply. ``subject``: swap a name, number or year of the question ("entity"), one of
    its common words ("word", drawn from ``article_words``), or either while the question and the
    copy take a synonym of the sentence's verb ("predicate"), or put a common word under another
    head noun ("modifier")."""
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
    question = example.question
    if subject == "predicate":
        reworded = paraphrase(question, sentence, local_start, local_end, rng)
        if reworded is None:
            return None
        question, verb_swap = reworded.question, reworded.sentence_swap
        subject_swap = (_word_swap(example, sentence, local_start, local_end, article_words or [], context_lower, rng,
                                   keep=verb_swap[:2])
                        or _entity_swap(example, sentence, local_start, local_end, fresh, used, rng))
        if subject_swap and _touches(subject_swap, verb_swap):
            return None
        subject_swap = subject_swap and [*subject_swap, verb_swap]
    elif subject == "modifier":
        reworded = paraphrase(question, sentence, local_start, local_end, rng)
        verb_swap = reworded.sentence_swap if reworded else None
        subject_swap = _word_swap(example, sentence, local_start, local_end, [], context_lower, rng,
                                  keep=verb_swap[:2] if verb_swap else None, heads=MODIFIER_HEADS)
        if subject_swap and verb_swap:
            if _touches(subject_swap, verb_swap):
                return None
            question, subject_swap = reworded.question, [*subject_swap, verb_swap]
    elif subject == "word":
        subject_swap = _word_swap(example, sentence, local_start, local_end, article_words or [], context_lower, rng)
    else:
        subject_swap = _entity_swap(example, sentence, local_start, local_end, fresh, used, rng)
    if not subject_swap:
        return None  # the copy would still be about the question's subject: it would answer it too
    swaps.extend(subject_swap)
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
    suffix, kind = _KINDS[subject]
    return QAExample(qid=f"{example.qid}-{suffix}", title=example.title, question=question,
                     context=new_context, answer_text=answer, answer_start=start, golds=example.golds,
                     kind=kind)


def distractor_pairs(articles: list[dict], rate: float, seed: int,
                     subject: str = "entity") -> Iterator[tuple[QAExample, QAExample]]:
    """Try the rule on about ``rate`` of the answerable questions: (question on its own paragraph,
    its copy with the misleading sentence) for each one it applies to; the predicate variant's
    first one is asked as reworded."""
    if subject not in SUBJECTS:
        raise ValueError(f"subject must be one of {SUBJECTS}, not {subject!r}")
    rng = random.Random(seed + SUBJECTS.index(subject))  # the variants draw other questions
    for article in articles:
        entities = _article_entities(article)
        words = _article_words(article) if subject in ("word", "predicate") else None
        for _, example in sampled_answerable(article, rate, rng):
            made = distractor_example(example, entities, rng, subject, words)
            if made is not None:
                yield dataclasses.replace(example, question=made.question), made


def distractor_examples(articles: list[dict], rate: float, seed: int, subject: str = "entity") -> list[QAExample]:
    """The training examples ``distractor_pairs`` makes. A rate above 1 tries the questions again
    for each further unit (or part of one) with other draws (another word, verb, entity and place
    for the copy): a rule that applies to few questions can still weigh in the mix."""
    made = []
    for draw in range(math.ceil(rate)):
        for _, example in distractor_pairs(articles, min(1.0, rate - draw), seed + 1000 * draw, subject):
            made.append(example if draw == 0 else dataclasses.replace(example, qid=f"{example.qid}-{draw + 1}"))
    return made
