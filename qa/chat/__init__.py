"""Chat sessions: conversation history kept server-side, and follow-up questions resolved with it."""

from qa.chat.followup import ResolvedQuestion, resolve_followup
from qa.chat.sessions import ChatSessions

__all__ = ["ChatSessions", "ResolvedQuestion", "resolve_followup"]
