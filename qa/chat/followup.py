"""Resolve a follow-up question ("and how many were injured?") with the conversation so far.

An extractive reader cannot rewrite questions, so a follow-up is resolved for *retrieval*: the
search query is the follow-up joined to the question that set the topic (the last question that
was not itself a follow-up), so retrieval finds the passages the conversation is about. The
reader reads those passages with the follow-up itself (minus a leading "and", "what about"...),
so it looks for what is asked now, not what was asked before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

# A question that starts like this continues the conversation.
_CONTINUATIONS = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about|and what about|what else|or)\b[\s,]*", re.IGNORECASE
)
# Words that point back at something said earlier.
_ANAPHORA = {
    "it", "its", "they", "them", "their", "theirs", "there", "he", "him", "his", "she", "her",
    "hers", "this", "that", "these", "those", "then",
}
_WORD = re.compile(r"[\w'-]+")
SHORT_QUESTION_WORDS = 4  # "how many were injured?" has 4 words


@dataclass(frozen=True)
class ResolvedQuestion:
    reader_question: str  # what the reader answers
    retrieval_query: str  # what retrieval searches with
    is_followup: bool
    topic_question: str | None = None  # the earlier question it was resolved with


def is_followup(question: str) -> bool:
    words = [w.lower() for w in _WORD.findall(question)]
    if not words:
        return False
    return bool(_CONTINUATIONS.match(question)) or len(words) <= SHORT_QUESTION_WORDS or any(
        w in _ANAPHORA for w in words
    )


def resolve_followup(question: str, history: Sequence[dict]) -> ResolvedQuestion:
    """``history``: earlier turns, oldest first, each with ``question`` and ``is_followup``."""
    question = question.strip()
    if not history or not is_followup(question):
        return ResolvedQuestion(question, question, False)
    topic = next((t["question"] for t in reversed(history) if not t.get("is_followup")), history[0]["question"])
    stripped = _CONTINUATIONS.sub("", question).strip()
    reader_question = stripped[:1].upper() + stripped[1:] if stripped else question
    return ResolvedQuestion(reader_question, f"{topic} {reader_question}", True, topic)
