"""A consistent copy of an index while it is in use: SQLite's online backup of the store.

Only the store is copied: it is the single source of truth (sources, chunks, embeddings). The
FAISS file is derived and is rebuilt by the copy on first use, and the change log's position is
part of the store, so the copy is whole. The target folder must not hold an index already; the
copy is written beside it and moved into place, so a failed backup leaves no half index.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from qa import durable_sqlite
from qa.store.document_store import DB_FILE


class BackupError(RuntimeError):
    """The backup could not be made (the message says why)."""


def backup_index(index_dir: str | Path, target_dir: str | Path) -> Path:
    source = Path(index_dir) / DB_FILE
    target_dir = Path(target_dir)
    if not source.is_file():
        raise BackupError(f"no index in {index_dir}")
    if (target_dir / DB_FILE).exists():
        raise BackupError(f"{target_dir} already holds an index; back up to a new folder")
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=target_dir))
    try:
        src = durable_sqlite.connect(source)
        dst = sqlite3.connect(staging / DB_FILE)
        try:
            src.backup(dst)  # pages copied under SQLite's own locking: a consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
            src.close()
        (staging / DB_FILE).replace(target_dir / DB_FILE)
    except sqlite3.Error as exc:
        raise BackupError(f"the backup failed: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target_dir
