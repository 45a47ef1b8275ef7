"""The service as an MCP server (the official ``mcp`` SDK): tools an agent can call.

- ``ask``: a cited answer; pass the returned ``conversation_id`` back to ask follow-ups (the same
  conversation service and session store as the JSON API and `qa chat`);
- ``search_documents``: the chunks retrieval finds, with where each sits in its document;
- ``list_documents`` and ``get_document``: what is indexed, and a document's text, which every
  ``start``/``end`` offset indexes into.

`qa mcp` serves it over stdio (what desktop agents launch); `qa mcp --http` over streamable HTTP
on its own loopback port (path ``/mcp``). The models load on the first call that needs them, so
the handshake is immediate.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from qa.chat import ChatSessions, Conversations
from qa.chat.conversation import MAX_QUESTION_CHARS
from qa.chat.sessions import SESSION_ID
from qa.pipeline import open_store
from qa.store.document_store import MAX_LIST_OFFSET

MAX_RESULTS = 50


class _LazyService:
    """The question-answering service, loaded once, on first use (thread-safe)."""

    def __init__(self, index_dir: Path, store):
        self.index_dir, self.store = index_dir, store
        self._service = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._service is None:
                from qa.pipeline import QAService

                service = QAService(self.index_dir, store=self.store)
                service.warm_up()
                self._service = service
        return self._service


def build_server(index_dir: str | Path, sessions_db: str | Path) -> MCPServer:
    index_dir = Path(index_dir)
    store = open_store(index_dir)
    service = _LazyService(index_dir, store)
    conversations = Conversations(lambda q, k, r: service.get().ask(q, top_k=k, retrieval_query=r),
                                  ChatSessions(sessions_db))
    server = MCPServer("offline-qa", instructions=(
        "Answers questions from the user's indexed documents with exact cited spans. Use `ask` for a "
        "question (pass `conversation_id` from an earlier answer for follow-ups), `search_documents` to "
        "see passages, `get_document` to read a whole document; offsets index into its `text`."))

    @server.tool()
    def ask(question: str, conversation_id: str | None = None) -> dict[str, Any]:
        """Answer a question from the indexed documents with cited spans.

        Returns ``no_answer`` (true when the documents do not answer it; ``answers`` are then only
        "maybe"), ``answers`` (each: answer, score 0-1, document_id, document_name, start, end,
        context) and ``conversation_id`` to pass back for follow-up questions.
        """
        if not question.strip():
            raise ToolError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise ToolError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        if conversation_id is not None and not SESSION_ID.match(conversation_id):
            raise ToolError("conversation_id must be one returned by an earlier ask")
        turn = conversations.turn(question, 5, session_id=conversation_id)
        out = turn.as_dict()
        out["conversation_id"] = out.pop("session_id")
        return out

    @server.tool()
    def search_documents(query: str, k: int = 5) -> list[dict[str, Any]]:
        """The passages retrieval finds for ``query`` (best first), without reading them: each with
        document_id, document_name, start, end (its place in the document's text), text and score."""
        if not query.strip():
            raise ToolError("the query is empty")
        if not 1 <= k <= MAX_RESULTS:
            raise ToolError(f"k must be between 1 and {MAX_RESULTS}")
        return service.get().search(query, k)

    @server.tool()
    def list_documents(limit: int = 20, offset: int = 0) -> dict[str, Any]:
        """The indexed documents, by name: id, name, chunks, path, timestamps; and the total."""
        if not 1 <= limit <= 100 or not 0 <= offset <= MAX_LIST_OFFSET:
            raise ToolError(f"limit must be 1-100 and offset 0 to {MAX_LIST_OFFSET:,}")
        records = store.list_sources(limit=limit, offset=offset)
        return {"documents": [r.as_dict() for r in records], "total": store.count_sources(),
                "limit": limit, "offset": offset}

    @server.tool()
    def get_document(document_id: str) -> dict[str, Any]:
        """One document with its stored ``text`` (answer and passage offsets index into it)."""
        record = store.get_source(document_id)
        if record is None:
            raise ToolError(f"no document with id {document_id!r}")
        return record.as_dict(with_text=True)

    return server
