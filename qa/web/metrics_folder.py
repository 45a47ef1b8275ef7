"""The folder where a server's workers keep their Prometheus counter files, and its clean-up.

A clean stop removes the folder (``gunicorn_conf.on_exit``), but a master killed with SIGKILL
cannot, so each start first removes the folders no live server holds. A server holds its folder
with an advisory lock on a file inside it: the kernel drops the lock when the master and its
workers are gone, however they died, and the test works across users' and containers' process
namespaces, where a pid in the folder's name could not be trusted.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "qa-metrics-"
LOCK_NAME = ".held-by-server"


class MetricsFolder:
    """A fresh metrics folder, locked for as long as this object (and the forked workers, which
    share the lock) lives; made after removing the orphaned ones beside it."""

    def __init__(self, parent: str | Path | None = None):
        parent = Path(parent or tempfile.gettempdir())
        self.removed = remove_orphaned(parent)
        # Made and locked under another name, then renamed: a sweep never sees it unlocked.
        unready = Path(tempfile.mkdtemp(prefix="." + PREFIX, dir=parent))
        self._lock = os.open(unready / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.path = parent / unready.name[1:]
        unready.rename(self.path)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._lock)


def remove_orphaned(parent: str | Path) -> list[Path]:
    """Remove this user's metrics folders in ``parent`` whose server is gone; returns them."""
    removed = []
    for folder in Path(parent).glob(PREFIX + "*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            lock = os.open(folder / LOCK_NAME, os.O_RDWR)
        except OSError:  # no lock file (made by an older version): leave it
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live server holds it
            continue
        finally:
            os.close(lock)  # closing drops the lock just taken, if any
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
