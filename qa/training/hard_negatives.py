"""Rule-made unanswerable questions, built from answerable SQuAD 1.1 ones.

A question paired with a random paragraph is easy to reject and teaches little. SQuAD 2.0's
authors wrote unanswerables that look answerable: an entity, number or date swapped for another,
a negation or an antonym inserted, or the question asked of a paragraph on the same subject that
does not hold the answer (Rajpurkar et al., 2018, table 3). These rules make the same kinds from
the 87,599 answerable training questions, deterministically (one seeded generator, articles in
file order), without any model or downloaded data:

- ``entity_swap``: a number, year or capitalised name in the question that the paragraph contains
  is replaced by one of the same type from another paragraph of the same article that this
  paragraph never mentions ("When did Tesla move to Paris?" → "When did Tesla move to Prague?").
- ``entity_swap_in_paragraph``: the same swap, but the new number, year or name comes from another
  sentence of the question's own paragraph, one that shares none of the question's other content
  words ("Where did Tesla move in 1882?" → "Where did Tesla move in 1884?" beside "The war of 1884
  closed the works"; not beside "In 1884 he moved to New York", which answers it). Every word of the
  question is then in the paragraph, as in most of SQuAD 2.0's unanswerables; the plain swap always
  brings a word the paragraph lacks, which a reader learns to spot instead of reading (held-out
  unanswerables whose names and numbers all appear in the paragraph get a median margin of 2.6 from
  stage 16, those with one or more missing −1.6).
- ``noun_swap_in_paragraph``: the same rule for the common nouns that most questions have instead
  of a name or number. A noun the question shares with the answer's sentence, seen as the head of
  a noun phrase ("the museum was", "a treaty of"; no tagger is available offline, so a determiner
  before it and a preposition, verb or stop after it stand for one), is replaced by such a noun
  from a sentence of the paragraph that shares none of the question's other content words ("What
  did the museum house in 1900?" → "What did the library house in 1900?" beside "The library was
  founded later"). The in-paragraph swap is the kind that pulled a reader most towards held-out
  abstention at stages 26-34 (`bench/kind_alignment.py`), and names or numbers fit only about one
  question in ten.
- ``negation``: the question's first auxiliary verb negated ("What didn't Tesla invent?"),
  kept only when the answer's sentence has no negation of its own.
- ``antonym``: a word swapped for its opposite ("first" → "last", "start" → "end"), kept only
  when the opposite appears nowhere in the paragraph.
- ``sibling_paragraph``: the question paired with the paragraph of its article that shares most
  of its content words but holds none of its answers.
- ``answer_sentence_removed``: the question's own paragraph without the sentence(s) holding the
  answer, kept when what is left still shares content words with the question. The rest of the
  paragraph is the most convincing distractor there is ("the deal was slated to begin at
  midnight" for "When did fighting start?"); seen beside the full paragraph, it teaches that
  sharing words with the question is not the same as answering it.

The label can be wrong now and then (a swapped name may still be answered indirectly); the
rules keep the cases where the paragraph plainly lacks the new term, which is the common case.
"""

from __future__ import annotations

import random
import re
from collections import Counter

from qa.training.squad_data import QAExample, answerable_with_draws

KINDS = ("entity_swap", "entity_swap_in_paragraph", "noun_swap_in_paragraph", "negation", "antonym",
         "sibling_paragraph", "answer_sentence_removed")

_YEAR = r"\b(?:1[0-9]{3}|20[0-9]{2})\b"
_NUMBER = r"\b\d+(?:[.,]\d+)*\b"
_NAME = r"\b[A-Z][a-zA-Z]+(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][a-zA-Z]+)*\b"
_ENTITY_TYPES = {"year": re.compile(_YEAR), "number": re.compile(_NUMBER), "name": re.compile(_NAME)}
_QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "when", "where", "why", "how", "in", "on", "at",
                   "the", "a", "an", "during", "after", "before", "by", "for", "from", "to", "of", "along",
                   "is", "was", "are", "were", "did", "does", "do", "according", "besides", "other", "than"}

_AUXILIARY = re.compile(
    r"\b(is|are|was|were|did|does|do|can|could|has|have|had|will|would|should|might|must)\b(?!\s+not\b)",
    re.IGNORECASE)
_NEGATED = {"is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't", "did": "didn't",
            "does": "doesn't", "do": "don't", "can": "can't", "could": "couldn't", "has": "hasn't",
            "have": "haven't", "had": "hadn't", "will": "won't", "would": "wouldn't", "should": "shouldn't",
            "might": "mightn't", "must": "mustn't"}
_NEGATION = re.compile(r"\b(?:not|never|no|none|nor|neither|without)\b|n't\b", re.IGNORECASE)

_ANTONYM_PAIRS = [
    ("first", "last"), ("largest", "smallest"), ("biggest", "smallest"), ("most", "least"),
    ("highest", "lowest"), ("earliest", "latest"), ("before", "after"), ("maximum", "minimum"),
    ("increase", "decrease"), ("increased", "decreased"), ("north", "south"), ("east", "west"),
    ("northern", "southern"), ("eastern", "western"), ("oldest", "newest"), ("longest", "shortest"),
    ("best", "worst"), ("more", "less"), ("higher", "lower"), ("larger", "smaller"), ("top", "bottom"),
    ("early", "late"), ("won", "lost"), ("win", "lose"), ("start", "end"), ("started", "ended"),
    ("began", "ended"), ("begin", "end"), ("open", "close"), ("opened", "closed"), ("major", "minor"),
    ("inside", "outside"), ("above", "below"), ("positive", "negative"), ("rise", "fall"),
    ("rose", "fell"), ("strongest", "weakest"), ("richest", "poorest"), ("fastest", "slowest"),
    ("allowed", "banned"), ("accepted", "rejected"), ("support", "oppose"), ("supported", "opposed"),
    ("entered", "left"), ("arrived", "departed"), ("born", "died"), ("import", "export"),
    ("imports", "exports"), ("maternal", "paternal"), ("upper", "lower"), ("internal", "external"),
]
_ANTONYMS = {a: b for a, b in _ANTONYM_PAIRS} | {b: a for a, b in _ANTONYM_PAIRS}
_ANTONYM_WORD = re.compile(r"\b(" + "|".join(sorted(_ANTONYMS, key=len, reverse=True)) + r")\b", re.IGNORECASE)

_STOPWORDS = _QUESTION_WORDS | {"and", "or", "with", "as", "that", "this", "it", "its", "be", "been", "has",
                                "have", "had", "there", "their", "they", "he", "she", "his", "her", "name",
                                "many", "much", "one", "can", "could", "would", "some", "into", "about"}
_WORD = re.compile(r"[a-z0-9]+")


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


def _contains(context_lower: str, phrase: str) -> bool:
    return re.search(r"\b" + re.escape(phrase.lower()) + r"\b", context_lower) is not None


_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)$")


def _negative(example: QAExample, kind: str, question: str | None = None, context: str | None = None) -> QAExample:
    return QAExample(qid=f"{example.qid}-{kind}", title=example.title, question=question or example.question,
                     context=context or example.context, answer_text="", answer_start=-1, golds=(), kind=kind)


def _mentions(text: str) -> list[tuple[str, re.Match]]:
    """Entities in ``text`` by type; a year is not also a number, a question word is not a name,
    and a capitalised word that starts a sentence is not taken for a name."""
    found, taken = [], set()
    for kind, pattern in _ENTITY_TYPES.items():
        for m in pattern.finditer(text):
            if any(i in taken for i in range(*m.span())):
                continue
            if kind == "name" and (m.group().split()[0].lower() in _QUESTION_WORDS
                                   or _SENTENCE_START.search(text[: m.start()])):
                continue
            found.append((kind, m))
            taken.update(range(*m.span()))
    return found


def entity_swap(example: QAExample, article_entities: dict[str, list[str]], rng: random.Random) -> QAExample | None:
    context_lower = example.context.lower()
    answer_lower = example.answer_text.lower()
    options = [(kind, m) for kind, m in _mentions(example.question)
               if m.start() > 0 and _contains(context_lower, m.group()) and m.group().lower() not in answer_lower]
    rng.shuffle(options)
    for kind, m in options:
        candidates = [e for e in article_entities.get(kind, ()) if e.lower() not in context_lower]
        if candidates:
            swapped = example.question[: m.start()] + rng.choice(candidates) + example.question[m.end():]
            return _negative(example, "entity_swap", question=swapped)
    return None


def _stems(text: str) -> set[str]:
    """Content words cut to four letters, so "work" and "worked" count as one word (and now and
    then two words as one, which only makes the rule below more careful)."""
    return {w[:4] for w in _content_words(text)}


_MONTHS_AND_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                    "saturday", "sunday"}


def _same_sort(kind: str, mention: str, new: str) -> bool:
    """Years and numbers swap freely. A capitalised word may be a person, a place, a month or a
    nationality ("Chinese" for "Jiajing" reads as nonsense, not as a question the paragraph leaves
    open), so names swap only when both have two words or more and neither is a date word."""
    if kind != "name":
        return True
    words = mention.lower().split(), new.lower().split()
    return all(len(w) >= 2 and not _MONTHS_AND_DAYS & set(w) for w in words)


def _in_range(text: str, m: re.Match) -> bool:
    """A number that is part of a range or a compound ("2005-06", "3/4"): swapping one end garbles it."""
    before, after = text[max(0, m.start() - 1) : m.start()], text[m.end() : m.end() + 1]
    return any(c in "-–/" for c in before + after)


def _swap_from_unrelated_sentence(example: QAExample, kind: str, question_terms, sentence_terms, fits,
                                  respell=lambda before, new: before) -> QAExample | None:
    """The in-paragraph swap both kinds share: a term of the question (``question_terms(question,
    holding)``: (label, start, end), one the answer's sentences hold) is replaced by a term of the
    same label from a sentence of the paragraph that shares none of the question's other words
    (``sentence_terms(text)``: (label, term)), one the answer's sentences and golds lack and that
    ``fits(label, old, new)``; so every word of the new question is in the paragraph, and the
    paragraph does not plainly answer it. ``respell`` mends the words before the swap ("a"/"an")."""
    holding, rest_of_paragraph = _split_at_answer(example)
    own_lower = " ".join(holding).lower()
    golds_lower = [g.lower() for g in example.golds if g] or [example.answer_text.lower()]
    question = example.question
    others = [(sentence_terms(text), _stems(text)) for text in rest_of_paragraph]
    for label, start, end in question_terms(question, holding):
        old = question[start:end]
        if any(old.lower() in g for g in golds_lower):
            continue
        rest = _stems(question[:start] + " " + question[end:])
        for terms, stems in others:
            if rest & stems:
                continue
            for other_label, new in terms:
                if (other_label == label and fits(label, old, new) and not _contains(own_lower, new)
                        and not any(new.lower() in g for g in golds_lower)):
                    swapped = respell(question[:start], new) + new + question[end:]
                    return _negative(example, kind, question=swapped)
    return None


def entity_swap_in_paragraph(example: QAExample) -> QAExample | None:
    """Swap a mention the question shares with the answer's sentence for one of the same type from
    a sentence of the paragraph that shares none of the question's other words (so the paragraph
    does not plainly answer the new question either)."""
    def question_terms(question, holding):
        own_lower = " ".join(holding).lower()
        return [(kind, m.start(), m.end()) for kind, m in _mentions(question)
                if m.start() > 0 and not _in_range(question, m) and _contains(own_lower, m.group())]

    def sentence_terms(text):
        return [(kind, m.group()) for kind, m in _mentions(text) if not _in_range(text, m)]

    def fits(kind, mention, new):
        return (new.lower() not in mention.lower() and mention.lower() not in new.lower()
                and _same_sort(kind, mention, new))

    return _swap_from_unrelated_sentence(example, "entity_swap_in_paragraph", question_terms, sentence_terms, fits)


_DETERMINER = r"(?i:the|a|an|its|his|her|their)"  # not "that": as often a relative pronoun
_AFTER_HEAD = r"(?:of|in|on|at|to|for|from|by|with|was|were|is|are|has|have|had|that|which|who|and|or|[a-z]+ed)"
_AFTER_DETERMINER = re.compile(r"\b" + _DETERMINER + r"\s+([a-z]{4,})\b")
_HEAD_FOLLOWS = re.compile(r"\s*(?:[?.,;:!'’]|$)|\s+" + _AFTER_HEAD + r"\b")
_NOT_NOUNS = {"first", "second", "third", "last", "next", "same", "other", "only", "main", "most", "whole",
              "following", "previous", "former", "latter", "entire", "total", "average", "several", "various",
              "such", "each", "every", "both", "used", "called", "known", "named", "made", "based", "given",
              "said", "what", "which", "whose", "they", "them", "there", "these", "those", "then", "than",
              "this", "that", "present", "different", "current", "recent", "original", "final", "year",
              "years", "number", "numbers", "time", "times", "part", "name", "type", "kind", "rest", "half"}


def _head_nouns(text: str, followed: bool = True) -> list[re.Match]:
    """Lower-case words after a determiner that head a noun phrase: in a paragraph's sentence, a
    preposition, a verb or a stop must follow ("the museum was", "a treaty of", "the king ordered"),
    which leaves out "the royal collection"'s adjective; in a question any word may follow ("What did
    the museum house?"), and the caller checks the noun is a head in the answer's sentence.
    Adjectives, participles, adverbs and generic words are left out."""
    found = []
    for m in _AFTER_DETERMINER.finditer(text):
        word = m.group(1)
        if word in _NOT_NOUNS or word in _ANTONYMS or word.endswith(("ly", "ing", "ed")):
            continue
        if not followed or _HEAD_FOLLOWS.match(text, m.end()):
            found.append(m)
    return found


_ARTICLE_BEFORE = re.compile(r"\b(an?)(\s+)$", re.IGNORECASE)


def _article_for(article: str, noun: str) -> str:
    """ "a" or "an" as the new noun's first letter asks, in the old article's case."""
    fitting = "an" if noun[0] in "aeiou" else "a"
    return fitting.capitalize() if article[0].isupper() else fitting


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def noun_swap_in_paragraph(example: QAExample) -> QAExample | None:
    """Swap a head noun the question shares with the answer's sentence for one from a sentence of
    the paragraph that shares none of the question's other words (so the paragraph does not plainly
    answer the new question either); both singular or both plural, so the question still reads."""
    def question_terms(question, holding):
        own_heads = {m.group(1) for text in holding for m in _head_nouns(text)}
        return [("noun", m.start(1), m.end(1)) for m in _head_nouns(question, followed=False)
                if m.group(1) in own_heads]

    def sentence_terms(text):
        return [("noun", m.group(1)) for m in _head_nouns(text)]

    def fits(_, noun, new):
        return new[:4] != noun[:4] and _plural(new) == _plural(noun)

    def respell(before, new):
        return _ARTICLE_BEFORE.sub(lambda a: _article_for(a.group(1), new) + a.group(2), before)

    return _swap_from_unrelated_sentence(example, "noun_swap_in_paragraph", question_terms, sentence_terms, fits,
                                         respell)


def _answer_sentence(example: QAExample) -> str:
    begin = example.context.rfind(".", 0, example.answer_start) + 1
    end = example.context.find(".", example.answer_start + len(example.answer_text))
    return example.context[begin : end if end >= 0 else len(example.context)]


def negation(example: QAExample) -> QAExample | None:
    if _NEGATION.search(example.question) or _NEGATION.search(_answer_sentence(example)):
        return None
    m = _AUXILIARY.search(example.question)
    if m is None or m.start() == 0:
        return None
    verb = m.group()
    negated = _NEGATED[verb.lower()]
    if verb[0].isupper():
        negated = negated.capitalize()
    return _negative(example, "negation", question=example.question[: m.start()] + negated + example.question[m.end():])


def antonym(example: QAExample) -> QAExample | None:
    context_lower = example.context.lower()
    for m in _ANTONYM_WORD.finditer(example.question):
        if m.start() > 0 and m.group()[0].isupper():  # a name ("East", "Top Gear"), not the word
            continue
        opposite = _ANTONYMS[m.group().lower()]
        if _contains(context_lower, opposite):
            continue
        if m.group()[0].isupper():
            opposite = opposite.capitalize()
        return _negative(example, "antonym", question=example.question[: m.start()] + opposite + example.question[m.end():])
    return None


def sibling_paragraph(example: QAExample, paragraphs: list[str], paragraph_words: list[set[str]],
                      own: int) -> QAExample | None:
    words = _content_words(example.question)
    golds = [g.lower() for g in example.golds if g]
    best, best_overlap = None, 1  # at least two shared content words
    for index, paragraph in enumerate(paragraphs):
        overlap = len(words & paragraph_words[index])
        if index == own or overlap <= best_overlap or any(g in paragraph.lower() for g in golds):
            continue
        best, best_overlap = paragraph, overlap
    return None if best is None else _negative(example, "sibling_paragraph", context=best)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text`` (a full stop, ! or ? followed by a capital)."""
    spans, begin = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        spans.append((begin, m.start()))
        begin = m.end()
    spans.append((begin, len(text)))
    return [(b, e) for b, e in spans if text[b:e].strip()]


def _split_at_answer(example: QAExample) -> tuple[list[str], list[str]]:
    """The paragraph's sentences (``_sentence_spans``): those holding the answer, and the rest."""
    answer_end = example.answer_start + len(example.answer_text)
    holding, rest = [], []
    for b, e in _sentence_spans(example.context):
        (rest if e <= example.answer_start or b >= answer_end else holding).append(example.context[b:e])
    return holding, rest


def answer_sentence_removed(example: QAExample) -> QAExample | None:
    holding, kept = _split_at_answer(example)
    if len(kept) < 2 or not holding:
        return None
    rest = " ".join(kept)
    rest_lower = rest.lower()
    if any(g.lower() in rest_lower for g in example.golds if g):
        return None
    if len(_content_words(example.question) & _content_words(rest)) < 2:
        return None
    return _negative(example, "answer_sentence_removed", context=rest)


def _article_entities(article: dict) -> dict[str, list[str]]:
    counts: dict[str, Counter] = {kind: Counter() for kind in _ENTITY_TYPES}
    for paragraph in article["paragraphs"]:
        for kind, m in _mentions(paragraph["context"]):
            counts[kind][m.group()] += 1
    return {kind: sorted(c) for kind, c in counts.items()}


def hard_negatives(articles: list[dict], kinds: tuple[str, ...], rate: float, seed: int,
                   kind_rates: dict[str, float] | None = None) -> dict[str, list[QAExample]]:
    """For about ``rate`` of the answerable questions (``kind_rates[kind]`` where given: a kind
    that applies to few questions can be tried on more), try each kind in ``kinds``; returns the
    negatives made, by kind. One draw per question decides for every kind, so a kind's own rate
    leaves what the others make unchanged. Same arguments → the same lists."""
    unknown = (set(kinds) | set(kind_rates or {})) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) of hard negative: {', '.join(sorted(unknown))}; known: {', '.join(KINDS)}")
    rates = {kind: (kind_rates or {}).get(kind, rate) for kind in kinds}
    rng = random.Random(seed)
    made: dict[str, list[QAExample]] = {kind: [] for kind in kinds}
    for article in articles:
        entities = _article_entities(article) if "entity_swap" in kinds else {}
        contexts = [p["context"] for p in article["paragraphs"]]
        context_words = [_content_words(c) for c in contexts] if "sibling_paragraph" in kinds else []
        for own, example, draw in answerable_with_draws(article, rng):
            for kind in kinds:
                if draw >= rates[kind]:
                    continue
                if kind == "entity_swap":
                    negative = entity_swap(example, entities, rng)
                elif kind == "entity_swap_in_paragraph":
                    negative = entity_swap_in_paragraph(example)
                elif kind == "noun_swap_in_paragraph":
                    negative = noun_swap_in_paragraph(example)
                elif kind == "negation":
                    negative = negation(example)
                elif kind == "antonym":
                    negative = antonym(example)
                elif kind == "answer_sentence_removed":
                    negative = answer_sentence_removed(example)
                else:
                    negative = sibling_paragraph(example, contexts, context_words, own)
                if negative is not None:
                    made[kind].append(negative)
    return made
