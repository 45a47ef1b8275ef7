"""Chat: conversation turns shared by every front door, history kept server-side, follow-ups resolved with it."""

from qa.chat.conversation import Conversations, TurnResult, history_from_questions
from qa.chat.followup import ResolvedQuestion, resolve_followup
from qa.chat.sessions import ChatSessions

__all__ = ["ChatSessions", "Conversations", "ResolvedQuestion", "TurnResult", "history_from_questions",
           "resolve_followup"]
