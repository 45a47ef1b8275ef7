"""Chat sessions in SQLite, so every server worker sees the same conversation.

A session is a list of turns (question, how it was resolved, the answer contract). Sessions live
in their own database file (the server keeps it in its instance folder), apart from the index:
conversations are not documents. Old sessions expire; a session keeps its last ``MAX_TURNS``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from pathlib import Path

from qa import durable_sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    question TEXT NOT NULL,
    reader_question TEXT NOT NULL,
    retrieval_query TEXT NOT NULL,
    is_followup INTEGER NOT NULL,
    result TEXT NOT NULL,
    took_ms REAL NOT NULL,
    asked_at REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
);
"""
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")  # what the API accepts as a session id
MAX_TURNS = 50
TTL_SECONDS = 30 * 24 * 3600


class ChatSessions:
    def __init__(self, db_path: str | Path):
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._conn().executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = durable_sqlite.connect(self.db_path)
            self._local.conn = conn
        return conn

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def history(self, session_id: str) -> list[dict] | None:
        """The session's turns, oldest first; None when there is no such session."""
        conn = self._conn()
        if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
            return None
        rows = conn.execute(
            "SELECT question, reader_question, retrieval_query, is_followup, result, took_ms, asked_at "
            "FROM turns WHERE session_id = ? ORDER BY seq", (session_id,),
        ).fetchall()
        return [
            {"question": r[0], "reader_question": r[1], "retrieval_query": r[2], "is_followup": bool(r[3]),
             "result": json.loads(r[4]), "took_ms": r[5], "asked_at": r[6]}
            for r in rows
        ]

    def add_turn(self, session_id: str, question: str, reader_question: str, retrieval_query: str,
                 is_followup: bool, result: dict, took_ms: float) -> None:
        """Append a turn (creating the session if needed), in one transaction."""
        now = time.time()
        with durable_sqlite.write_transaction(self._conn()) as conn:
            conn.execute(
                "INSERT INTO sessions (id, created_at, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at", (session_id, now, now),
            )
            seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM turns WHERE session_id = ?",
                               (session_id,)).fetchone()[0]
            conn.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, seq, question, reader_question, retrieval_query, int(is_followup),
                 json.dumps(result, ensure_ascii=False), took_ms, now),
            )
            conn.execute("DELETE FROM turns WHERE session_id = ? AND seq <= ?", (session_id, seq - MAX_TURNS))
            conn.execute("DELETE FROM sessions WHERE updated_at < ?", (now - TTL_SECONDS,))

    def delete(self, session_id: str) -> bool:
        conn = self._conn()
        return conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
