"""SQLite connections with the durability every database here needs: WAL, and ``synchronous=FULL``
so an acknowledged write is on disk (it survives ``kill -9`` and power loss)."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from qa.storage_errors import is_storage_failure, storage_error


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection in autocommit mode (callers open their own transactions)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All or nothing; ``BEGIN IMMEDIATE`` takes the write lock up front, so concurrent writers
    (other threads or processes) wait instead of failing half-way."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:  # SQLite has already rolled back after a full disk or an I/O error
            conn.execute("ROLLBACK")
        if is_storage_failure(exc):
            raise storage_error(_database_file(conn), exc) from exc
        raise


def _database_file(conn: sqlite3.Connection) -> str:
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        row = None
    return row[2] if row and row[2] else "the database"
