"""Run the production server (gunicorn, ``qa/web/gunicorn_conf.py``) on a free loopback port, for
tests and benchmarks (not part of the product package); wait until every worker has its models
loaded; stop it afterwards. Also: make what a killed server leaves behind."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from qa import paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}


def start_server(index_dir: str | Path, workers: int = 1, threads: int = 4, env: dict | None = None,
                 log_path: str | Path | None = None, ready_timeout: float = 180,
                 file_size_limit: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start gunicorn as ``qa serve`` runs it and wait until ``workers`` workers are ready; the
    caller stops it (``kill_server``). For tests that kill the server themselves.
    ``file_size_limit`` (bytes, RLIMIT_FSIZE): no file the server writes may grow past it, as
    on a nearly full disk."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The server makes its metrics folder as in production (a fresh temporary one), but inside a
    # scratch TMPDIR that kill_server removes: a SIGKILLed master cannot remove its own.
    scratch = tempfile.mkdtemp(prefix="qa-live-server-")
    server_env = {**os.environ, "QA_INDEX_DIR": str(index_dir), "QA_BIND": f"127.0.0.1:{port}",
                  "QA_WORKERS": str(workers), "QA_THREADS": str(threads), "QA_ACCESS_LOG": "/dev/null",
                  "TMPDIR": scratch}
    server_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server_env.update(env or {})
    log = open(log_path or os.devnull, "ab")
    try:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", paths.GUNICORN_CONFIG, paths.WSGI_APP],
                                env=server_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=file_size_limiter(file_size_limit) if file_size_limit else None)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        log.close()
    proc.scratch_dir = scratch
    try:
        ready_pids: set[int] = set()
        deadline = time.monotonic() + ready_timeout
        while len(ready_pids) < workers:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {proc.returncode} (log: {log_path})")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server was not ready within {ready_timeout} s (log: {log_path})")
            status, body = _health(url)
            if status == 200:
                ready_pids.add(body["worker_pid"])
            elif body.get("status") == "failed":
                raise RuntimeError(f"the server failed to load: {body.get('error')}")
            time.sleep(0.1 if status == 200 else 0.25)
    except BaseException:
        kill_server(proc, signal.SIGKILL)
        raise
    return proc, url


def request_json(url: str, method: str, path: str, body: dict | None = None, timeout: float = 60):
    """One request to the server at ``url`` (a fresh connection): ``(status, parsed JSON body)``."""
    import http.client

    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None,
                     {"Content-Type": "application/json"} if body is not None else {})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def lines_of(stream) -> queue.Queue:
    """A child's output lines, read by a thread, so that waiting for one can time out
    (``queue.get(timeout=...)``); ``None`` marks the end."""
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def file_size_limiter(limit: int):
    """A ``preexec_fn`` that caps the size of every file the child writes (Python ignores SIGXFSZ,
    so an oversized write fails with EFBIG instead of killing the process)."""
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def kill_server(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal the whole process group (master and workers), wait for the master, and remove the
    server's scratch TMPDIR."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    shutil.rmtree(getattr(proc, "scratch_dir", ""), ignore_errors=True)


@contextmanager
def live_server(index_dir: str | Path, workers: int = 2, threads: int = 4, instance_dir: str | Path | None = None,
                log_path: str | Path | None = None, ready_timeout: float = 180, env: dict | None = None):
    """Yield the base URL (http://127.0.0.1:PORT) once ``workers`` distinct workers answer /health 200."""
    server_env = dict(env or {})
    if instance_dir:
        server_env.setdefault("QA_SESSIONS_DB", str(Path(instance_dir) / "sessions.sqlite3"))
    proc, url = start_server(index_dir, workers, threads, server_env, log_path, ready_timeout)
    try:
        yield url
    finally:
        kill_server(proc)


def folder_of_a_process(parent, then: str = "exit") -> tuple[subprocess.Popen, str]:
    """A process that makes a metrics folder in ``parent``, then exits without removing it, or
    waits (at most a minute) to be killed."""
    code = ("import sys, time\nfrom qa.web.metrics_folder import MetricsFolder\n"
            f"print(MetricsFolder({str(parent)!r}).path, flush=True)\n"
            + ("time.sleep(60)\n" if then == "wait" else ""))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=paths.PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    path = proc.stdout.readline().strip()
    if then == "exit":
        proc.wait(timeout=30)
        proc.stdout.close()
    return proc, path
