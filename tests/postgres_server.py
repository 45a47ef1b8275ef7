"""A throwaway PostgreSQL server for tests: ``initdb`` in a temporary folder, ``postgres`` on a free
loopback port, removed afterwards. Run as the ``postgres`` system user when the tests run as root
(PostgreSQL refuses to run as root). Tests that need it skip, with the reason, where the
PostgreSQL server binaries are not installed (``.ci/run`` installs Debian's ``postgresql``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.live import free_port


def server_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``postgres`` (Debian keeps them off the PATH), or None."""
    found = shutil.which("initdb")
    candidates = [str(Path(found).resolve().parent)] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    return None


def _as_user():
    """``(uid, gid)`` to run the server as: ``postgres`` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def _run_as(ids):
    if ids is None:
        return None

    def demote() -> None:
        os.setgid(ids[1])
        os.setuid(ids[0])

    return demote


@contextmanager
def postgres_server(timeout: float = 60) -> Iterator[str]:
    """Yield the URL of an empty database ``qa`` on a fresh server; stop and delete it afterwards."""
    import psycopg

    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL's server binaries (initdb, postgres) are not installed")
    ids = _as_user()
    root = Path(tempfile.mkdtemp(prefix="qa-postgres-"))
    server = None
    try:
        data, sockets = root / "data", root / "sockets"
        sockets.mkdir()
        if ids:
            for path in (root, sockets):
                os.chown(path, *ids)
        port = free_port()
        with open(root / "server.log", "ab") as log:
            subprocess.run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "qa", "-E", "UTF8",
                            "--locale=C", "--no-sync"], check=True, stdout=log, stderr=subprocess.STDOUT,
                           preexec_fn=_run_as(ids), timeout=timeout)
            server = subprocess.Popen([str(binaries / "postgres"), "-D", str(data), "-p", str(port),
                                       "-k", str(sockets), "-c", "listen_addresses=127.0.0.1"],
                                      stdout=log, stderr=subprocess.STDOUT, preexec_fn=_run_as(ids),
                                      start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"postgres exited with {server.returncode}: {(root / 'server.log').read_text()}")
            try:
                with psycopg.connect(f"postgresql://qa@127.0.0.1:{port}/postgres", autocommit=True,
                                     connect_timeout=2) as conn:
                    conn.execute("CREATE DATABASE qa")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"postgresql://qa@127.0.0.1:{port}/qa"
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)  # "fast" shutdown: SIGTERM's "smart" one waits for clients
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(root, ignore_errors=True)
