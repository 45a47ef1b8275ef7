"""One conversation turn, the same for every front door (JSON API, OpenAI-compatible API, MCP, `qa chat`).

A turn: the conversation so far → follow-up resolution (``qa.chat.followup``) → ask → record the
turn. The history comes either from a stored session (``session_id``: the JSON API, the page,
`qa chat`, MCP) or from the caller (``earlier_questions``: an OpenAI-style client sends the whole
conversation with every request, so nothing is stored for it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from qa.chat.followup import resolve_followup
from qa.chat.sessions import ChatSessions

MAX_QUESTION_CHARS = 1000  # the longest question any front door takes

# (question the reader answers, answers wanted, what retrieval searches with) -> answer contract
AskFunction = Callable[[str, int, "str | None"], dict]


@dataclass
class TurnResult:
    """The answer contract plus how the question was read and where the turn was recorded."""

    question: str
    result: dict  # the answer contract: no_answer, answers [{answer, score, document_id, start, end...}]
    reader_question: str
    retrieval_query: str
    is_followup: bool
    took_ms: float
    session_id: str | None = None

    def as_dict(self) -> dict:
        return {**self.result, "question": self.question, "session_id": self.session_id, "took_ms": self.took_ms,
                "is_followup": self.is_followup, "reader_question": self.reader_question,
                "retrieval_query": self.retrieval_query}


def history_from_questions(questions: Sequence[str]) -> list[dict]:
    """Turns as follow-up resolution needs them (question, is_followup) from earlier questions
    alone, resolving each against those before it, as they were resolved when asked."""
    turns: list[dict] = []
    for question in questions:
        if question.strip():
            turns.append({"question": question.strip(), "is_followup": resolve_followup(question, turns).is_followup})
    return turns


@dataclass
class Conversations:
    ask: AskFunction
    sessions: ChatSessions | None = None
    clock: Callable[[], float] = field(default=time.perf_counter)

    def turn(self, question: str, top_k: int = 5, session_id: str | None = None,
             earlier_questions: Sequence[str] | None = None, record: bool = True) -> TurnResult:
        """Answer ``question`` in its conversation: the stored session ``session_id`` (a new one
        when None and ``record``), or ``earlier_questions`` given by the caller (nothing stored)."""
        question = question.strip()
        if earlier_questions is not None:
            history, session_id, record = history_from_questions(earlier_questions), None, False
        elif self.sessions is not None and record:
            session_id = session_id or self.sessions.new_id()
            history = self.sessions.history(session_id) or []
        else:
            history = []
        resolved = resolve_followup(question, history)
        started = self.clock()
        result = self.ask(resolved.reader_question, top_k, resolved.retrieval_query)
        took_ms = round((self.clock() - started) * 1000, 1)
        result = {**result, "question": question}
        if record and self.sessions is not None:
            self.sessions.add_turn(session_id, question, resolved.reader_question, resolved.retrieval_query,
                                   resolved.is_followup, result, took_ms)
        return TurnResult(question, result, resolved.reader_question, resolved.retrieval_query,
                          resolved.is_followup, took_ms, session_id if record else None)
