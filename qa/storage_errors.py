"""One error for "the disk refused a write" (full, over a file-size limit, quota, failing), raised
by every write path after it has rolled back, so callers can say so plainly: the API as a 507, the
CLI as one line, instead of a traceback about SQLite or a half-written file."""

from __future__ import annotations

import errno
import sqlite3

NO_SPACE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO}
SQLITE_STORAGE_CODES = ("SQLITE_FULL", "SQLITE_IOERR")


class StorageError(OSError):
    """A write the disk refused; nothing of it was kept (the previous state is intact)."""


def is_storage_failure(exc: BaseException) -> bool:
    if isinstance(exc, StorageError):
        return True
    if isinstance(exc, sqlite3.Error):
        return str(getattr(exc, "sqlite_errorname", "")).startswith(SQLITE_STORAGE_CODES)
    return isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS


def storage_error(where: str, exc: BaseException) -> StorageError:
    """The StorageError to raise ``from exc`` for a failed write to ``where``."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return StorageError(f"could not write to {where} ({reason}: is the disk full?); "
                        "the write was not kept and what was stored before is intact")
