"""Derived files (the FAISS index, ONNX exports) replaced atomically.

Write to a temporary file of our own beside the target (several processes may write the same
target at once), fsync it, rename it over the target and fsync the folder: a crash leaves the old
file or the new one, never a torn one. Temporary files left by a process killed mid-write are
removed by a later write once they are old enough not to belong to a live one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import Iterator

from qa.storage_errors import is_storage_failure, storage_error


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path for the block to write; it becomes ``path`` only if the block succeeds."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if is_storage_failure(exc):
            raise storage_error(str(path), exc) from exc
        raise
    _remove_stale_temp_files(path)
    _fsync_dir(path.parent)


def write_atomically(path: Path, *parts) -> None:
    """Write ``parts`` (bytes-like) to ``path`` atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        for part in parts:
            f.write(part)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temp_files(path: Path, older_than_s: float = 600) -> None:
    """Temp files left by a process killed mid-write (never one a live write is still writing)."""
    cutoff = time.time() - older_than_s
    for leftover in path.parent.glob(path.name + ".*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
