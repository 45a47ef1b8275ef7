"""The answer contract: one typed definition of what every front door returns for a question.

``CitedAnswerBuilder`` produces it, the CLI prints it (``qa ask --json`` emits it as is), the API
schemas are generated from it (``qa.web.schemas``), the OpenAI and MCP front doors wrap it, and the
chat page reads it; tests check that each agrees with these fields.
"""

from __future__ import annotations

from typing import TypedDict, get_type_hints


class CitedAnswer(TypedDict):
    answer: str
    score: float
    document_id: str
    document_name: str
    start: int
    end: int
    context: str
    context_start: int
    chunk_id: str


class AnswerResult(TypedDict):
    question: str
    no_answer: bool
    answers: list[CitedAnswer]


class TurnFields(TypedDict):
    """What a conversation turn adds to the answer contract (``qa.chat.conversation``)."""

    session_id: str | None
    took_ms: float
    is_followup: bool
    reader_question: str
    retrieval_query: str


DESCRIPTIONS = {
    "answer": "the exact span: document text[start:end]",
    "score": "confidence 0-1: the estimated chance that this answer is right, calibrated on held-out "
             "articles (see models/reader/MODEL_CARD.md)",
    "document_id": "the document's id (GET /api/documents/<id> has its text)",
    "document_name": "the document's name",
    "start": "where the answer starts in the document's text (characters)",
    "end": "where it ends: document text[start:end] == answer",
    "context": "the sentence(s) around the span",
    "context_start": "where context starts in the document text",
    "chunk_id": "the chunk the reader read it in",
    "question": "the question as asked",
    "no_answer": "true: the documents do not answer it; answers are 'maybe'",
    "answers": "best first",
    "session_id": "the conversation this turn belongs to",
    "took_ms": "time to answer, in milliseconds",
    "is_followup": "read as a follow-up of the conversation",
    "reader_question": "the question the reader answered",
    "retrieval_query": "what retrieval searched with (follow-ups include the question that set the topic)",
}


def fields(contract: type) -> dict[str, object]:
    """Field name → type of a contract TypedDict, in definition order."""
    return get_type_hints(contract)
