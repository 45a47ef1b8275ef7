"""Verbs that can stand for one another in a question, with their forms: the paraphrase that
fools a reader matching words ("When did fighting *start*?" beside "the truce was slated to *begin*
at midnight", while the answer's sentence says fighting "broke out").

Each verb is written out as (base, -s, past, past participle, -ing); a phrasal verb keeps its
particle. A base or -s form after an article ("the start of", "the attacks") is a noun and is left
alone; -ing forms are never matched ("building"), and two forms that are as often other words
("found" of find, "left") are written but never matched. Deterministic given the ``random.Random`` it is handed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("start|starts|started|started|starting", "begin|begins|began|begun|beginning",
     "commence|commences|commenced|commenced|commencing", "break out|breaks out|broke out|broken out|breaking out"),
    ("end|ends|ended|ended|ending", "finish|finishes|finished|finished|finishing",
     "conclude|concludes|concluded|concluded|concluding"),
    ("stop|stops|stopped|stopped|stopping", "halt|halts|halted|halted|halting",
     "cease|ceases|ceased|ceased|ceasing"),
    ("occur|occurs|occurred|occurred|occurring", "happen|happens|happened|happened|happening",
     "take place|takes place|took place|taken place|taking place"),
    ("establish|establishes|established|established|establishing", "found|founds|founded|founded|founding",
     "set up|sets up|set up|set up|setting up"),
    ("build|builds|built|built|building", "construct|constructs|constructed|constructed|constructing",
     "erect|erects|erected|erected|erecting"),
    ("destroy|destroys|destroyed|destroyed|destroying", "demolish|demolishes|demolished|demolished|demolishing"),
    ("die|dies|died|died|dying", "perish|perishes|perished|perished|perishing"),
    ("kill|kills|killed|killed|killing", "slay|slays|slew|slain|slaying"),
    ("buy|buys|bought|bought|buying", "purchase|purchases|purchased|purchased|purchasing",
     "acquire|acquires|acquired|acquired|acquiring"),
    ("produce|produces|produced|produced|producing", "manufacture|manufactures|manufactured|manufactured|manufacturing"),
    ("use|uses|used|used|using", "employ|employs|employed|employed|employing",
     "utilize|utilizes|utilized|utilized|utilizing"),
    ("receive|receives|received|received|receiving", "obtain|obtains|obtained|obtained|obtaining"),
    ("invent|invents|invented|invented|inventing", "devise|devises|devised|devised|devising"),
    ("publish|publishes|published|published|publishing", "release|releases|released|released|releasing"),
    ("discover|discovers|discovered|discovered|discovering", "find|finds|found|found|finding"),
    ("attack|attacks|attacked|attacked|attacking", "assault|assaults|assaulted|assaulted|assaulting"),
    ("defeat|defeats|defeated|defeated|defeating", "beat|beats|beat|beaten|beating",
     "overcome|overcomes|overcame|overcome|overcoming"),
    ("marry|marries|married|married|marrying", "wed|weds|wed|wed|wedding"),
    ("help|helps|helped|helped|helping", "assist|assists|assisted|assisted|assisting"),
    ("need|needs|needed|needed|needing", "require|requires|required|required|requiring"),
    ("allow|allows|allowed|allowed|allowing", "permit|permits|permitted|permitted|permitting"),
    ("include|includes|included|included|including", "contain|contains|contained|contained|containing"),
    ("move|moves|moved|moved|moving", "relocate|relocates|relocated|relocated|relocating"),
    ("write|writes|wrote|written|writing", "compose|composes|composed|composed|composing"),
    ("try|tries|tried|tried|trying", "attempt|attempts|attempted|attempted|attempting"),
    ("rise|rises|rose|risen|rising", "increase|increases|increased|increased|increasing"),
    ("fall|falls|fell|fallen|falling", "decline|declines|declined|declined|declining",
     "decrease|decreases|decreased|decreased|decreasing"),
    ("leave|leaves|left|left|leaving", "depart|departs|departed|departed|departing"),
)
_NEVER_MATCHED = {"found", "left"}  # as often another word (find, the left) as these verbs
_ONLY_IN_SENTENCES = {"break out"}  # "break out the project": never written for a transitive verb
_DO = {"do", "does", "did", "to", "will", "would", "can", "could", "should", "may", "might", "must", "not"}
_HAVE_OR_BE = {"has", "have", "had", "having", "is", "are", "was", "were", "be", "been", "being"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those", "of", "whose"}
FORMS = 5  # base, -s, past, past participle, -ing

_VERBS = [[tuple(verb.split("|")) for verb in group] for group in _SYNONYMS]


@dataclass(frozen=True)
class VerbMention:
    """A verb found in a text: where it stands, which synonym group and verb, and which form."""

    start: int
    end: int
    group: int
    verb: int
    form: int


_WRITTEN: dict[str, list[tuple[int, int]]] = {}  # each matchable form → (group, verb) it can be
for _g, _group in enumerate(_VERBS):
    for _v, _forms in enumerate(_group):
        for _form in _forms[:FORMS - 1]:
            if _form not in _NEVER_MATCHED and (_g, _v) not in _WRITTEN.setdefault(_form, []):
                _WRITTEN[_form].append((_g, _v))
_ANY_FORM = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in sorted(_WRITTEN, key=len, reverse=True)) + r")\b")
_CLAUSE_BREAK = re.compile(r"[,;:.!?()]")


def _words_before(text_lower: str, start: int) -> list[str]:
    """The words of the clause before ``start``."""
    clause = _CLAUSE_BREAK.split(text_lower[:start])[-1]
    return re.findall(r"[a-z']+", clause)


def _form_of(forms: tuple[str, ...], written: str, before: list[str]) -> int | None:
    """Which form ``written`` is, when the words ``before`` it tell (past vs participle, base vs
    past, verb vs noun)."""
    matching = [i for i, form in enumerate(forms[:FORMS - 1]) if form == written]
    if not matching or written in _NEVER_MATCHED:
        return None
    previous = before[-1] if before else ""
    if previous in _DETERMINERS and set(matching) <= {0, 1}:
        return None  # "the start of", "the attacks": nouns
    if matching == [0] and not _DO & set(before):
        return None  # a base form needs "did", "to", "will"... before it, else it is a noun ("fall semester")
    if len(matching) == 1:
        return matching[0]
    if previous in _DO and 0 in matching:
        return 0
    if _HAVE_OR_BE & set(before[-3:]) and 3 in matching:
        return 3  # "has started", "was the school founded"
    return 2 if 2 in matching else matching[0]


def verb_mentions(text: str) -> list[VerbMention]:
    """The verbs of the synonym table in ``text``, left to right, never overlapping."""
    lower = text.lower()
    found: list[VerbMention] = []
    for m in _ANY_FORM.finditer(lower):  # longest form first, so "broke out" before "broke"
        before = _words_before(lower, m.start())
        for g, v in _WRITTEN[m.group()]:
            form = _form_of(_VERBS[g][v], m.group(), before)
            if form is not None:
                found.append(VerbMention(m.start(), m.end(), g, v, form))
                break
    return found


def written_as(group: int, verb: int, form: int, like: str) -> str:
    """The form of a verb, capitalised when the word it replaces was."""
    text = _VERBS[group][verb][form]
    return text[0].upper() + text[1:] if like[:1].isupper() else text


def replacements(group: int, verb: int) -> list[int]:
    """The other verbs of the group that may be written in place of ``verb``."""
    return [v for v, forms in enumerate(_VERBS[group]) if v != verb and forms[0] not in _ONLY_IN_SENTENCES]


@dataclass(frozen=True)
class Paraphrase:
    """A question that asks with another verb than its answer's sentence, and the swap that makes
    a copy of that sentence use the question's verb."""

    question: str
    sentence_swap: tuple[int, int, str]  # (start, end, replacement) in the sentence


def paraphrase(question: str, sentence: str, answer_start: int, answer_end: int,
               rng: random.Random) -> Paraphrase | None:
    """When the question and the answer's sentence (answer at ``answer_start:answer_end`` in it)
    use verbs of one synonym group: the question asked with a verb the sentence does not use
    (as written if it already does, else with a synonym), and the swap that puts that verb, in the
    sentence's own form, in the sentence. None when they share no group."""
    in_sentence = [m for m in verb_mentions(sentence) if m.end <= answer_start or m.start >= answer_end]
    for asked in verb_mentions(question):
        same_group = [m for m in in_sentence if m.group == asked.group]
        if not same_group:
            continue
        told = same_group[0]
        question_text, verb = question, asked.verb
        if asked.verb == told.verb:
            options = replacements(asked.group, told.verb)
            if not options:
                return None
            verb = rng.choice(options)
            written = question[asked.start:asked.end]
            question_text = (question[:asked.start] + written_as(asked.group, verb, asked.form, written)
                             + question[asked.end:])
        elif _VERBS[asked.group][verb][0] in _ONLY_IN_SENTENCES:
            continue
        written = sentence[told.start:told.end]
        return Paraphrase(question_text, (told.start, told.end, written_as(told.group, verb, told.form, written)))
    return None
